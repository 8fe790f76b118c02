//! The print edition of an article: one self-contained HTML page laid out for A4, with no
//! script and nothing from other hosts (its images come from this API, its QR code is inline).
//! Text is escaped here; block texts carry only the inline markup the editorial sanitiser
//! allows, and are sanitised once more on the way out.

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use crate::{
    domain::qr::{self, QrStyle},
    error::AppResult,
    services::editorial::content::sanitise_inline,
    views::{ArticleDetail, BodyBlock, Image},
};

/// Widest rendition used on paper: 1024 px over 17 cm is about 150 dpi.
const PRINT_WIDTH: i32 = 1024;

const STYLE: &str = "@page{size:A4;margin:18mm 16mm 20mm}\
*{box-sizing:border-box}\
body{margin:0;font:11pt/1.5 'Noto Serif','Times New Roman',serif;color:#111}\
header.site{border-bottom:2px solid #111;padding-bottom:4pt;margin-bottom:12pt;font:bold 10pt sans-serif;text-transform:uppercase}\
h1{font-size:20pt;line-height:1.25;margin:0 0 6pt}\
.date{font:9pt sans-serif;color:#444;margin-bottom:10pt}\
.lead{font-weight:bold;margin:0 0 10pt}\
figure{margin:10pt 0;break-inside:avoid}\
figure img{display:block;max-width:100%;height:auto}\
figcaption{font:italic 9pt/1.4 sans-serif;color:#333;margin-top:3pt}\
blockquote{margin:8pt 0 8pt 12pt;padding-left:8pt;border-left:2pt solid #999}\
.byline{text-align:right;font-weight:bold;margin-top:12pt}\
.source{font-size:9pt;color:#333}\
footer{margin-top:14pt;border-top:1px solid #999;padding-top:8pt;display:flex;gap:12pt;align-items:center;break-inside:avoid;font:9pt sans-serif}\
footer svg{width:28mm;height:28mm;flex:none}\
a{color:inherit}";

/// How a byline role is printed in Vietnamese.
fn role_label(role: &str) -> &str {
    match role {
        "writer" => "Bài",
        "photographer" => "Ảnh",
        "editor" => "Biên tập",
        "translator" => "Dịch",
        "illustrator" => "Minh họa",
        _ => "Cộng tác",
    }
}

/// The image file to print: a rendition near print width in the original's own format.
fn print_source(image: &Image) -> &str {
    image
        .renditions
        .iter()
        .filter(|r| r.mime == image.mime && r.width <= PRINT_WIDTH)
        .max_by_key(|r| r.width)
        .map_or(&image.url, |r| &r.url)
}

fn figure(out: &mut String, image: &Image) {
    let _ = write!(
        out,
        "<figure><img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\">",
        attr(print_source(image)),
        image.width,
        image.height,
        attr(&image.alt)
    );
    if image.caption.is_some() || image.credit.is_some() {
        out.push_str("<figcaption>");
        if let Some(caption) = &image.caption {
            out.push_str(&text(caption));
        }
        if let Some(credit) = &image.credit {
            let _ = write!(out, " (Ảnh: {})", text(credit));
        }
        out.push_str("</figcaption>");
    }
    out.push_str("</figure>");
}

/// The page. `site_name` heads it; the QR code leads to the article's public URL.
pub fn render(site_name: &str, article: &ArticleDetail) -> AppResult<String> {
    let qr_svg = qr::svg(&article.url, QrStyle::default())?;
    let mut out = String::with_capacity(16 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title>\
         <link rel=\"canonical\" href=\"{canonical}\"><style>{STYLE}</style></head><body><article>\
         <header class=\"site\">{site}</header><h1>{title}</h1><p class=\"date\">{date}</p>",
        title = text(&article.title),
        canonical = attr(&article.seo.canonical_url),
        site = text(site_name),
        date = text(&article.published_at_display),
    );
    if !article.summary.is_empty() {
        let _ = write!(out, "<p class=\"lead\">{}</p>", text(&article.summary));
    }
    if let Some(cover) = &article.cover
        && !article.body.iter().any(|b| matches!(b, BodyBlock::Image { image } if image.id == cover.id))
    {
        figure(&mut out, cover);
    }
    for block in &article.body {
        match block {
            BodyBlock::Paragraph { text: html } => {
                let _ = write!(out, "<p>{}</p>", sanitise_inline(html));
            }
            BodyBlock::Heading { level, text: html } => {
                let level = (*level).clamp(2, 6);
                let _ = write!(out, "<h{level}>{}</h{level}>", sanitise_inline(html));
            }
            BodyBlock::Image { image } => figure(&mut out, image),
            BodyBlock::Quote { text: html, attribution } => {
                let _ = write!(out, "<blockquote><p>{}</p>", sanitise_inline(html));
                if let Some(by) = attribution {
                    let _ = write!(out, "<p>— {}</p>", text(by));
                }
                out.push_str("</blockquote>");
            }
            BodyBlock::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                let _ = write!(out, "<{tag}>");
                for item in items {
                    let _ = write!(out, "<li>{}</li>", sanitise_inline(item));
                }
                let _ = write!(out, "</{tag}>");
            }
        }
    }
    if !article.authors.is_empty() {
        let bylines: Vec<String> =
            article.authors.iter().map(|a| format!("{}: {}", role_label(&a.role), text(&a.name))).collect();
        let _ = write!(out, "<p class=\"byline\">{}</p>", bylines.join(" – "));
    }
    if let Some(source) = &article.source {
        let _ = write!(out, "<p class=\"source\">Nguồn tin: {}", text(&source.name));
        if let Some(url) = &source.url {
            let _ = write!(out, " ({})", text(url));
        }
        out.push_str("</p>");
    }
    let _ = write!(
        out,
        "<footer>{qr_svg}<div>Đọc bài viết trực tuyến:<br><a href=\"{href}\">{url}</a></div></footer>\
         </article></body></html>",
        href = attr(&article.url),
        url = text(&article.url),
    );
    Ok(out)
}
