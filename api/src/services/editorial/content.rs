//! The editable content of an article: parsed from a JSON document field by field (so every
//! error names its field path), normalised to NFC, sanitised, and checked for shape. Whether
//! referenced ids exist is checked by [`super::articles`] against the database.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::{
    domain::{blocks::Block, slug::Slug, text::nfc},
    error::FieldError,
    read_model::Source,
};

/// Roles a person can have on an article.
pub const BYLINE_ROLES: &[&str] = &["writer", "photographer", "editor", "translator", "contributor", "illustrator"];
const MAX_TITLE: usize = 300;
const MAX_SUMMARY: usize = 1_000;
const MAX_META_TITLE: usize = 120;
const MAX_META_DESCRIPTION: usize = 320;
const MAX_BLOCKS: usize = 500;
const MAX_BLOCK_TEXT: usize = 20_000;
const MAX_AUTHORS: usize = 20;
const MAX_TAGS: usize = 30;
/// Pinned related articles; related news never lists more than 20.
const MAX_RELATED_PINS: usize = 20;

/// One byline of an article as an editor writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BylineInput {
    pub author_id: i64,
    /// writer, photographer, editor, translator, contributor or illustrator.
    #[schema(example = "writer")]
    pub role: String,
}

/// Everything an editor can change about an article; revisions store it whole.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ArticleContent {
    pub title: String,
    pub slug: String,
    pub summary: String,
    /// Body blocks. `paragraph`, `heading`, `quote` and `list` texts may hold inline HTML
    /// (`b`, `strong`, `i`, `em`, `u`, `s`, `sub`, `sup`, `mark`, `br`, `a href`); anything else is
    /// removed on save. `image` blocks refer to a media item by `media_id`.
    #[schema(value_type = Vec<Object>)]
    pub body: Vec<Block>,
    pub category_id: i64,
    pub cover_media_id: Option<i64>,
    pub social_image_id: Option<i64>,
    pub authors: Vec<BylineInput>,
    pub tag_ids: Vec<i64>,
    /// Related articles pinned by an editor, in order: they open the article's related news
    /// (while public), and the rest of the list is filled by relevance.
    #[serde(default)]
    pub related_ids: Vec<i64>,
    pub source: Option<Source>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
}

/// The names of the fields that differ, for revisions.
pub fn changed_fields(before: &ArticleContent, after: &ArticleContent) -> Vec<&'static str> {
    let mut changed = Vec::new();
    macro_rules! compare {
        ($($field:ident),*) => {
            $(if before.$field != after.$field { changed.push(stringify!($field)); })*
        };
    }
    compare!(
        title,
        slug,
        summary,
        body,
        category_id,
        cover_media_id,
        social_image_id,
        authors,
        tag_ids,
        related_ids,
        source,
        meta_title,
        meta_description,
        canonical_url
    );
    changed
}

struct Errors(Vec<FieldError>);

impl Errors {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }
}

fn string(errors: &mut Errors, field: &str, value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(nfc(s.trim())),
        _ => {
            errors.add(field, "must be a string");
            None
        }
    }
}

fn optional_string(errors: &mut Errors, field: &str, value: &Value) -> Option<Option<String>> {
    match value {
        Value::Null => Some(None),
        other => string(errors, field, other).map(|s| (!s.is_empty()).then_some(s)),
    }
}

fn id(errors: &mut Errors, field: &str, value: &Value) -> Option<i64> {
    match value.as_i64() {
        Some(id) if id > 0 => Some(id),
        _ => {
            errors.add(field, "must be a positive integer id");
            None
        }
    }
}

fn optional_id(errors: &mut Errors, field: &str, value: &Value) -> Option<Option<i64>> {
    match value {
        Value::Null => Some(None),
        other => id(errors, field, other).map(Some),
    }
}

/// Applies the fields present in `patch` to `content`. A field set to `null` is cleared
/// (`slug: null` makes a new slug from the title). Unknown fields are errors, so a typo
/// never silently loses an edit.
pub fn apply(content: &mut ArticleContent, patch: &Map<String, Value>) -> Result<(), Vec<FieldError>> {
    let mut errors = Errors(Vec::new());
    for (key, value) in patch {
        let e = &mut errors;
        match key.as_str() {
            "title" => {
                if let Some(v) = string(e, key, value) {
                    content.title = v;
                }
            }
            "slug" => match value {
                Value::Null => content.slug.clear(),
                other => {
                    if let Some(v) = string(e, key, other) {
                        content.slug = v;
                    }
                }
            },
            "summary" => match value {
                Value::Null => content.summary.clear(),
                other => {
                    if let Some(v) = string(e, key, other) {
                        content.summary = v;
                    }
                }
            },
            "body" => {
                if let Some(v) = body(e, value) {
                    content.body = v;
                }
            }
            "category_id" => {
                if let Some(v) = id(e, key, value) {
                    content.category_id = v;
                }
            }
            "cover_media_id" => {
                if let Some(v) = optional_id(e, key, value) {
                    content.cover_media_id = v;
                }
            }
            "social_image_id" => {
                if let Some(v) = optional_id(e, key, value) {
                    content.social_image_id = v;
                }
            }
            "authors" => {
                if let Some(v) = bylines(e, value) {
                    content.authors = v;
                }
            }
            "tag_ids" => {
                if let Some(v) = id_list(e, key, "tag", value) {
                    content.tag_ids = v;
                }
            }
            "related_ids" => {
                if let Some(v) = id_list(e, key, "article", value) {
                    content.related_ids = v;
                }
            }
            "source" => {
                if let Some(v) = source(e, value) {
                    content.source = v;
                }
            }
            "meta_title" => {
                if let Some(v) = optional_string(e, key, value) {
                    content.meta_title = v;
                }
            }
            "meta_description" => {
                if let Some(v) = optional_string(e, key, value) {
                    content.meta_description = v;
                }
            }
            "canonical_url" => {
                if let Some(v) = optional_string(e, key, value) {
                    content.canonical_url = v;
                }
            }
            _ => e.add(key.clone(), "is not a field of an article"),
        }
    }
    if errors.0.is_empty() { Ok(()) } else { Err(errors.0) }
}

fn body(errors: &mut Errors, value: &Value) -> Option<Vec<Block>> {
    let Some(items) = value.as_array() else {
        errors.add("body", "must be a list of blocks");
        return None;
    };
    if items.len() > MAX_BLOCKS {
        errors.add("body", format!("has more than {MAX_BLOCKS} blocks"));
        return None;
    }
    let before = errors.0.len();
    let blocks: Vec<Block> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match Block::deserialize(item) {
            Ok(block) => Some(block),
            Err(err) => {
                let field = match item.get("type").and_then(Value::as_str) {
                    Some(_) => format!("body[{i}]"),
                    None => format!("body[{i}].type"),
                };
                errors.add(field, format!("is not a valid block: {err}"));
                None
            }
        })
        .collect();
    (errors.0.len() == before).then_some(blocks)
}

fn bylines(errors: &mut Errors, value: &Value) -> Option<Vec<BylineInput>> {
    let Some(items) = value.as_array() else {
        errors.add("authors", "must be a list of {author_id, role}");
        return None;
    };
    let before = errors.0.len();
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let author_id = match item.get("author_id") {
            Some(v) => id(errors, &format!("authors[{i}].author_id"), v),
            None => {
                errors.add(format!("authors[{i}].author_id"), "is required");
                None
            }
        };
        let role = match item.get("role") {
            None | Some(Value::Null) => Some("writer".to_owned()),
            Some(v) => string(errors, &format!("authors[{i}].role"), v),
        };
        if let (Some(author_id), Some(role)) = (author_id, role) {
            out.push(BylineInput { author_id, role });
        }
    }
    (errors.0.len() == before).then_some(out)
}

fn id_list(errors: &mut Errors, field: &str, what: &str, value: &Value) -> Option<Vec<i64>> {
    let Some(items) = value.as_array() else {
        errors.add(field, format!("must be a list of {what} ids"));
        return None;
    };
    let before = errors.0.len();
    let ids: Vec<i64> = items.iter().enumerate().filter_map(|(i, v)| id(errors, &format!("{field}[{i}]"), v)).collect();
    (errors.0.len() == before).then_some(ids)
}

fn source(errors: &mut Errors, value: &Value) -> Option<Option<Source>> {
    match value {
        Value::Null => Some(None),
        Value::Object(map) => {
            let name = match map.get("name") {
                Some(v) => string(errors, "source.name", v)?,
                None => {
                    errors.add("source.name", "is required");
                    return None;
                }
            };
            let url = match map.get("url") {
                Some(v) => optional_string(errors, "source.url", v)?,
                None => None,
            };
            if let Some(extra) = map.keys().find(|k| *k != "name" && *k != "url") {
                errors.add(format!("source.{extra}"), "is not a field of a source");
                return None;
            }
            Some(Some(Source { name, url }))
        }
        _ => {
            errors.add("source", "must be an object {name, url} or null");
            None
        }
    }
}

/// Inline markup kept in block texts; everything else is removed, including every attribute
/// but `href` on links, and links other than http(s) and mailto.
fn sanitiser() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::empty();
    builder
        .add_tags(["a", "b", "strong", "i", "em", "u", "s", "sub", "sup", "mark", "br"])
        .add_tag_attributes("a", ["href"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"));
    builder
}

/// Sanitised inline HTML.
pub fn sanitise_inline(html: &str) -> String {
    sanitiser().clean(html).to_string()
}

fn sanitise_block(block: Block) -> Block {
    match block {
        Block::Paragraph { text } => Block::Paragraph { text: sanitise_inline(&nfc(&text)) },
        Block::Heading { level, text } => Block::Heading { level, text: sanitise_inline(&nfc(&text)) },
        Block::Quote { text, attribution } => Block::Quote {
            text: sanitise_inline(&nfc(&text)),
            attribution: attribution.map(|a| nfc(a.trim())).filter(|a| !a.is_empty()),
        },
        Block::List { ordered, items } => {
            Block::List { ordered, items: items.iter().map(|i| sanitise_inline(&nfc(i))).collect() }
        }
        Block::Image { media_id, caption, alt } => Block::Image {
            media_id,
            caption: caption.map(|c| nfc(c.trim())).filter(|c| !c.is_empty()),
            alt: alt.map(|a| nfc(a.trim())).filter(|a| !a.is_empty()),
        },
    }
}

/// An absolute http(s) URL with a host, nothing that could break out of an attribute.
pub fn is_web_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !r.contains(char::is_whitespace) && !r.contains(['<', '>', '"'])
    })
}

/// Sanitises the content and checks every shape rule; fills the slug from the title when
/// empty. Returns all problems at once.
pub fn finish(mut content: ArticleContent) -> Result<ArticleContent, Vec<FieldError>> {
    let mut errors = Errors(Vec::new());
    content.body = std::mem::take(&mut content.body).into_iter().map(sanitise_block).collect();

    let title_len = content.title.chars().count();
    if title_len == 0 {
        errors.add("title", "is required");
    } else if title_len > MAX_TITLE {
        errors.add("title", format!("must be at most {MAX_TITLE} characters"));
    }
    if content.summary.chars().count() > MAX_SUMMARY {
        errors.add("summary", format!("must be at most {MAX_SUMMARY} characters"));
    }
    if content.category_id <= 0 {
        errors.add("category_id", "is required");
    }
    if content.slug.is_empty() {
        if let Some(slug) = Slug::from_text(&content.title) {
            content.slug = slug.to_string();
        } else if title_len > 0 {
            errors.add("slug", "cannot be made from the title; give one");
        }
    } else if Slug::parse(&content.slug).is_none() {
        errors.add("slug", "must be lower-case letters, digits and single hyphens, like `le-chan-2022`");
    }
    if !content.slug.is_empty() && content.slug.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        errors.add("slug", "must contain a letter (numbers alone are article ids)");
    }
    for (i, block) in content.body.iter().enumerate() {
        match block {
            Block::Heading { level, .. } if !(2..=6).contains(level) => {
                errors.add(format!("body[{i}].level"), "must be 2 to 6 (the title is level 1)");
            }
            Block::Image { media_id, .. } if *media_id <= 0 => {
                errors.add(format!("body[{i}].media_id"), "must be a positive integer id");
            }
            Block::List { items, .. } if items.is_empty() => {
                errors.add(format!("body[{i}].items"), "must have at least one item");
            }
            _ => {}
        }
        if block.text_parts().iter().map(|t| t.chars().count()).sum::<usize>() > MAX_BLOCK_TEXT {
            errors.add(format!("body[{i}]"), format!("has more than {MAX_BLOCK_TEXT} characters"));
        }
    }
    if content.authors.len() > MAX_AUTHORS {
        errors.add("authors", format!("must have at most {MAX_AUTHORS} bylines"));
    }
    let mut seen = HashSet::new();
    for (i, byline) in content.authors.iter().enumerate() {
        if !BYLINE_ROLES.contains(&byline.role.as_str()) {
            errors.add(format!("authors[{i}].role"), format!("must be one of {}", BYLINE_ROLES.join(", ")));
        }
        if !seen.insert((byline.author_id, byline.role.clone())) {
            errors.add(format!("authors[{i}]"), "appears twice with the same role");
        }
    }
    if content.tag_ids.len() > MAX_TAGS {
        errors.add("tag_ids", format!("must have at most {MAX_TAGS} tags"));
    }
    let mut seen = HashSet::new();
    for (i, tag) in content.tag_ids.iter().enumerate() {
        if !seen.insert(*tag) {
            errors.add(format!("tag_ids[{i}]"), "appears twice");
        }
    }
    if content.related_ids.len() > MAX_RELATED_PINS {
        errors.add("related_ids", format!("must have at most {MAX_RELATED_PINS} articles"));
    }
    let mut seen = HashSet::new();
    for (i, related) in content.related_ids.iter().enumerate() {
        if !seen.insert(*related) {
            errors.add(format!("related_ids[{i}]"), "appears twice");
        }
    }
    if let Some(source) = &content.source {
        if source.name.is_empty() {
            errors.add("source.name", "is required when a source is given");
        }
        if source.url.as_deref().is_some_and(|u| !is_web_url(u)) {
            errors.add("source.url", "must be an http(s) URL");
        }
    }
    if content.canonical_url.as_deref().is_some_and(|u| !is_web_url(u)) {
        errors.add("canonical_url", "must be an http(s) URL");
    }
    if content.meta_title.as_deref().is_some_and(|t| t.chars().count() > MAX_META_TITLE) {
        errors.add("meta_title", format!("must be at most {MAX_META_TITLE} characters"));
    }
    if content.meta_description.as_deref().is_some_and(|t| t.chars().count() > MAX_META_DESCRIPTION) {
        errors.add("meta_description", format!("must be at most {MAX_META_DESCRIPTION} characters"));
    }
    if errors.0.is_empty() { Ok(content) } else { Err(errors.0) }
}

/// Every media id the content refers to: cover, social image and image blocks.
pub fn media_ids(content: &ArticleContent) -> Vec<i64> {
    let mut ids: Vec<i64> = content
        .cover_media_id
        .into_iter()
        .chain(content.social_image_id)
        .chain(content.body.iter().filter_map(|b| match b {
            Block::Image { media_id, .. } => Some(*media_id),
            _ => None,
        }))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn parse(patch: Value) -> Result<ArticleContent, Vec<FieldError>> {
        let mut content = ArticleContent::default();
        apply(&mut content, patch.as_object().expect("object"))?;
        finish(content)
    }

    #[test]
    fn a_minimal_article_gets_a_vietnamese_slug() {
        let content = parse(json!({ "title": "Đào Trọng Đức thăm Lê Chân", "category_id": 3 })).expect("valid");
        assert_eq!(content.slug, "dao-trong-duc-tham-le-chan");
    }

    #[test]
    fn every_error_names_its_field_path() {
        let errors = parse(json!({
            "title": "",
            "category_id": "ba",
            "body": [{ "type": "paragraph", "text": "ok" }, { "type": "image" }, { "text": "no type" }],
            "authors": [{ "author_id": 1, "role": "chef" }],
            "tag_ids": [1, -2],
            "source": { "name": "X", "url": "javascript:alert(1)" },
            "colour": "red"
        }))
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for expected in ["category_id", "body[1]", "body[2].type", "tag_ids[1]", "colour"] {
            assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
        }
    }

    #[test]
    fn second_stage_checks_roles_urls_and_levels() {
        let errors = parse(json!({
            "title": "Tiêu đề",
            "category_id": 1,
            "body": [{ "type": "heading", "level": 1, "text": "x" }],
            "authors": [{ "author_id": 1, "role": "chef" }],
            "source": { "name": "X", "url": "javascript:alert(1)" },
            "slug": "2024"
        }))
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["slug", "body[0].level", "authors[0].role", "source.url"]);
    }

    #[test]
    fn xss_payloads_lose_their_active_parts() {
        let payloads = [
            "<script>alert(1)</script>chữ",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">bấm</a>",
            "<a href=\"https://vi.wikipedia.org\" onclick=\"alert(1)\">wiki</a>",
            "<svg onload=alert(1)><b>đậm</b></svg>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<p style=\"background:url(javascript:alert(1))\">x</p>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        ];
        for payload in payloads {
            let clean = sanitise_inline(payload).to_ascii_lowercase();
            for bad in
                ["<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "style=", "data:", "<svg", "<img"]
            {
                assert!(!clean.contains(bad), "{payload:?} became {clean:?}");
            }
        }
        assert_eq!(
            sanitise_inline("<a href=\"https://vi.wikipedia.org\" onclick=\"x\">wiki</a> <b>đậm</b>"),
            "<a href=\"https://vi.wikipedia.org\" rel=\"noopener noreferrer\">wiki</a> <b>đậm</b>"
        );
    }

    #[test]
    fn text_is_stored_in_nfc() {
        let nfd = "Le\u{0302}\u{0301} Cha\u{0302}n";
        let content = parse(json!({ "title": nfd, "category_id": 1 })).expect("valid");
        assert_eq!(content.title, "Lế Chân");
    }

    proptest! {
        #[test]
        fn arbitrary_patches_never_panic(raw in "\\PC{0,300}") {
            if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&raw) {
                let mut content = ArticleContent::default();
                if apply(&mut content, &map).is_ok() {
                    let _ = finish(content);
                }
            }
        }

        #[test]
        fn sanitised_text_never_keeps_a_script(text in "\\PC{0,80}", tag in "(script|img|iframe|svg|style)") {
            let html = format!("{text}<{tag} onerror=x>{text}</{tag}>");
            let clean = sanitise_inline(&html);
            let opening = format!("<{tag}");
            prop_assert!(!clean.contains(&opening));
            prop_assert!(!clean.contains("onerror"));
        }
    }
}
