//! QR codes for article and social links, drawn from the module matrix of the `qrcode` crate
//! so size and margin are exact: SVG for print and the web, PNG for apps.

use std::{fmt::Write, io::Cursor};

use qrcode::{EcLevel, QrCode};

use crate::error::{AppError, AppResult};

pub const MIN_SIZE: u32 = 64;
pub const MAX_SIZE: u32 = 2_048;
pub const MAX_MARGIN: u32 = 16;

/// How to draw a code: its side in pixels and its quiet zone in modules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QrStyle {
    pub size: u32,
    pub margin: u32,
}

impl Default for QrStyle {
    fn default() -> Self {
        // The specification asks for a quiet zone of four modules.
        QrStyle { size: 256, margin: 4 }
    }
}

impl QrStyle {
    /// Reads `size` and `margin` query values; each must be a whole number within bounds.
    pub fn parse(size: Option<&str>, margin: Option<&str>) -> AppResult<Self> {
        let number = |field: &str, raw: Option<&str>, range: std::ops::RangeInclusive<u32>, default: u32| match raw {
            None => Ok(default),
            Some(raw) => raw.parse::<u32>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
                AppError::bad_param(field, format!("must be an integer from {} to {}", range.start(), range.end()))
            }),
        };
        let defaults = QrStyle::default();
        Ok(QrStyle {
            size: number("size", size, MIN_SIZE..=MAX_SIZE, defaults.size)?,
            margin: number("margin", margin, 0..=MAX_MARGIN, defaults.margin)?,
        })
    }
}

/// The dark modules of `text`'s code, row by row, with its width.
fn modules(text: &str) -> AppResult<(Vec<bool>, usize)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot encode a QR code: {e}")))?;
    let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Ok((dark, code.width()))
}

/// An SVG drawing of the code; one unit per module, scaled to `style.size`.
pub fn svg(text: &str, style: QrStyle) -> AppResult<String> {
    let (dark, width) = modules(text)?;
    let margin = style.margin as usize;
    let side = width + 2 * margin;
    let mut path = String::with_capacity(dark.len() * 8);
    for (i, _) in dark.iter().enumerate().filter(|(_, d)| **d) {
        let (x, y) = (i % width + margin, i / width + margin);
        // Writing into a String cannot fail.
        let _ = write!(path, "M{x} {y}h1v1h-1z");
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {side} {side}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path fill=\"#000\" d=\"{path}\"/></svg>",
        size = style.size
    ))
}

/// A PNG of exactly `style.size` pixels a side, black on white.
pub fn png(text: &str, style: QrStyle) -> AppResult<Vec<u8>> {
    let (dark, width) = modules(text)?;
    let margin = style.margin as usize;
    let side = width + 2 * margin;
    let size = style.size as usize;
    let image = image::GrayImage::from_fn(style.size, style.size, |px, py| {
        let (mx, my) = (px as usize * side / size, py as usize * side / size);
        let inside = mx >= margin && my >= margin && mx < margin + width && my < margin + width;
        let is_dark = inside && dark[(my - margin) * width + (mx - margin)];
        image::Luma([if is_dark { 0 } else { 255 }])
    });
    let mut bytes = Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot write a PNG: {e}")))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes_and_margins_are_bounded_and_named() {
        assert_eq!(QrStyle::parse(None, None).expect("defaults"), QrStyle::default());
        assert_eq!(QrStyle::parse(Some("512"), Some("0")).expect("valid"), QrStyle { size: 512, margin: 0 });
        for (size, margin, field) in [
            (Some("10"), None, "size"),
            (Some("abc"), None, "size"),
            (None, Some("99"), "margin"),
            (None, Some("-1"), "margin"),
        ] {
            match QrStyle::parse(size, margin) {
                Err(AppError::BadRequest { errors, .. }) => assert_eq!(errors[0].field, field),
                other => panic!("{size:?}/{margin:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn the_svg_draws_exactly_the_dark_modules_inside_the_margin() {
        let text = "https://bantin.example.vn/tin-tuc/le-chan";
        let svg = svg(text, QrStyle { size: 300, margin: 2 }).expect("svg");
        let (dark, width) = modules(text).expect("modules");
        assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"", side = width + 4)));
        assert_eq!(svg.matches('M').count(), dark.iter().filter(|d| **d).count());
        assert!(svg.contains("M2 2h1v1h-1z"), "the finder pattern starts at the margin");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn any_text_and_style_renders(text in "\\PC{1,200}", size in MIN_SIZE..=512u32, margin in 0..=MAX_MARGIN) {
            let style = QrStyle { size, margin };
            prop_assert!(svg(&text, style).is_ok());
            let png = png(&text, style).expect("png");
            let decoded = image::load_from_memory(&png).expect("a PNG");
            prop_assert_eq!((decoded.width(), decoded.height()), (size, size));
        }
    }
}
