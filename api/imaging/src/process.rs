//! Decoding uploads and encoding what is served. The file's bytes decide its type; the
//! served original is re-encoded with its EXIF orientation applied, which also drops every
//! metadata block (camera, location) the upload carried.

use std::io::{BufReader, Read, Seek, SeekFrom};

use fast_image_resize::{ResizeOptions, Resizer, images::Image as ResizeBuffer};
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageFormat, ImageReader,
    codecs::{gif::GifEncoder, jpeg::JpegEncoder, png::PngEncoder},
};

use super::{FileKey, Format, Planned};

/// JPEG quality of served files; photographs look unchanged at this level.
const JPEG_QUALITY: u8 = 85;
/// Lossy WebP quality; about a third smaller than the JPEG at equal look.
const WEBP_QUALITY: f32 = 80.0;
/// Largest image accepted, in pixels on a side; a 100-megapixel camera stays below it.
pub const MAX_SIDE: u32 = 16_384;

/// Why an upload is not a usable image.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Rejected {
    #[error("the file is not an image in a supported format (JPEG, PNG, WebP or GIF)")]
    NotAnImage,
    #[error("{0} images are not accepted; upload JPEG, PNG, WebP or GIF")]
    Unsupported(String),
    #[error("the image is truncated or corrupt: {0}")]
    Corrupt(String),
    #[error("the image is larger than {MAX_SIDE}×{MAX_SIDE} pixels")]
    TooLarge,
}

/// An upload read whole: its format and its pixels the right way up.
pub struct Decoded {
    pub format: Format,
    pub image: DynamicImage,
}

/// Reads an upload. The first bytes decide the format; the whole file must then decode.
pub fn decode(mut file: impl Read + Seek) -> Result<Decoded, Rejected> {
    let mut head = [0u8; 32];
    let read = read_up_to(&mut file, &mut head).map_err(|e| Rejected::Corrupt(e.to_string()))?;
    let format = match image::guess_format(&head[..read]) {
        Ok(ImageFormat::Jpeg) => Format::Jpeg,
        Ok(ImageFormat::Png) => Format::Png,
        Ok(ImageFormat::WebP) => Format::Webp,
        Ok(ImageFormat::Gif) => Format::Gif,
        Ok(other) => return Err(Rejected::Unsupported(other.to_mime_type().to_owned())),
        Err(_) => return Err(Rejected::NotAnImage),
    };
    if format == Format::Jpeg && !jpeg_is_complete(&mut file).map_err(|e| Rejected::Corrupt(e.to_string()))? {
        return Err(Rejected::Corrupt("the JPEG data ends early".into()));
    }
    file.seek(SeekFrom::Start(0)).map_err(|e| Rejected::Corrupt(e.to_string()))?;
    let mut reader = ImageReader::with_format(BufReader::new(file), image_format(format));
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(u64::from(MAX_SIDE) * u64::from(MAX_SIDE) * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(rejected)?;
    let orientation = decoder.orientation().map_err(rejected)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(rejected)?;
    image.apply_orientation(orientation);
    Ok(Decoded { format, image })
}

fn rejected(err: image::ImageError) -> Rejected {
    match err {
        image::ImageError::Limits(_) => Rejected::TooLarge,
        other => Rejected::Corrupt(other.to_string()),
    }
}

fn image_format(format: Format) -> ImageFormat {
    match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Webp => ImageFormat::WebP,
        Format::Gif => ImageFormat::Gif,
    }
}

fn read_up_to(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// A JPEG decoder fills a cut-off file with grey instead of failing; a complete file has its
/// end-of-image marker near the end (cameras may pad after it).
fn jpeg_is_complete(file: &mut (impl Read + Seek)) -> std::io::Result<bool> {
    let len = file.seek(SeekFrom::End(0))?;
    let tail_len = len.min(4096);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(0)];
    file.read_exact(&mut tail)?;
    Ok(tail.windows(2).any(|w| w == [0xFF, 0xD9]))
}

/// Encodes `image` as `format` with nothing but pixels: no EXIF, no location.
pub fn encode(image: &DynamicImage, format: Format) -> anyhow::Result<Vec<u8>> {
    let (width, height) = (image.width(), image.height());
    let mut out = Vec::new();
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).write_image(
                rgb.as_raw(),
                width,
                height,
                ExtendedColorType::Rgb8,
            )?;
        }
        Format::Png => {
            if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                PngEncoder::new(&mut out).write_image(rgba.as_raw(), width, height, ExtendedColorType::Rgba8)?;
            } else {
                let rgb = image.to_rgb8();
                PngEncoder::new(&mut out).write_image(rgb.as_raw(), width, height, ExtendedColorType::Rgb8)?;
            }
        }
        Format::Gif => {
            let rgba = image.to_rgba8();
            GifEncoder::new(&mut out).encode(rgba.as_raw(), width, height, ExtendedColorType::Rgba8)?;
        }
        Format::Webp => {
            let memory = if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                webp::Encoder::from_rgba(rgba.as_raw(), width, height).encode(WEBP_QUALITY)
            } else {
                let rgb = image.to_rgb8();
                webp::Encoder::from_rgb(rgb.as_raw(), width, height).encode(WEBP_QUALITY)
            };
            out.extend_from_slice(&memory);
        }
    }
    Ok(out)
}

/// `image` scaled to `width`×`height` with a Lanczos filter.
pub fn resize(image: &DynamicImage, width: u32, height: u32) -> anyhow::Result<DynamicImage> {
    let source = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.to_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8())
    };
    let mut target = ResizeBuffer::new(width, height, fast_image_resize::PixelType::U8x3);
    if source.color().has_alpha() {
        target = ResizeBuffer::new(width, height, fast_image_resize::PixelType::U8x4);
    }
    Resizer::new().resize(&source, &mut target, &ResizeOptions::new())?;
    let buffer = target.into_vec();
    let resized = if source.color().has_alpha() {
        image::RgbaImage::from_raw(width, height, buffer).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(width, height, buffer).map(DynamicImage::ImageRgb8)
    };
    resized.ok_or_else(|| anyhow::anyhow!("resized buffer has the wrong size"))
}

/// A file ready to store: its name and bytes.
pub type EncodedFile = (FileKey, Vec<u8>);

/// Renders the planned files of an image (all of them but the original itself), one width
/// per thread: each width is scaled once and encoded in every format.
pub fn render(image: &DynamicImage, plan: &[Planned]) -> anyhow::Result<Vec<EncodedFile>> {
    let mut widths: Vec<(u32, u32)> =
        plan.iter().filter(|p| p.key.width.is_some()).map(|p| (p.width, p.height)).collect();
    widths.sort_unstable();
    widths.dedup();
    let one_width = |(width, height): (u32, u32)| -> anyhow::Result<Vec<EncodedFile>> {
        let scaled;
        let pixels = if width == image.width() {
            image
        } else {
            scaled = resize(image, width, height)?;
            &scaled
        };
        plan.iter()
            .filter(|p| p.key.width == Some(width))
            .map(|p| Ok((p.key.clone(), encode(pixels, p.key.format)?)))
            .collect()
    };
    let results: Vec<anyhow::Result<Vec<EncodedFile>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = widths.iter().map(|&w| scope.spawn(move || one_width(w))).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("a rendition thread panicked"))))
            .collect()
    });
    let mut out = Vec::with_capacity(plan.len());
    for files in results {
        out.extend(files?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::{Rgb, RgbImage};

    use super::*;
    use crate::{FileKey, RenditionSet};

    fn photo(width: u32, height: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90])))
    }

    fn decode_bytes(bytes: &[u8]) -> Result<Decoded, Rejected> {
        decode(Cursor::new(bytes.to_vec()))
    }

    #[test]
    fn every_accepted_format_reads_back_with_its_size() {
        for format in Format::ALL {
            let bytes = encode(&photo(40, 30), format).expect("encode");
            let decoded = decode_bytes(&bytes).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!((decoded.format, decoded.image.width(), decoded.image.height()), (format, 40, 30));
        }
    }

    #[test]
    fn the_bytes_decide_not_the_name() {
        assert_eq!(decode_bytes(b"<!DOCTYPE html><html><body>hi</body></html>").err(), Some(Rejected::NotAnImage));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>"#;
        assert_eq!(decode_bytes(svg).err(), Some(Rejected::NotAnImage));
        let tiff = [b'I', b'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(decode_bytes(&tiff).err(), Some(Rejected::Unsupported("image/tiff".into())));
        assert_eq!(decode_bytes(b"").err(), Some(Rejected::NotAnImage));
    }

    #[test]
    fn truncated_images_are_refused() {
        for format in [Format::Jpeg, Format::Png, Format::Gif, Format::Webp] {
            let bytes = encode(&photo(64, 48), format).expect("encode");
            let cut = &bytes[..bytes.len() / 2];
            assert!(matches!(decode_bytes(cut), Err(Rejected::Corrupt(_))), "{format:?}");
        }
    }

    #[test]
    fn renditions_have_their_planned_size_and_format() {
        let key = FileKey::original("3f2a9c0d1b7e4a66", Format::Png);
        let plan = RenditionSet::parse("16,32").expect("set").plan(&key, 40, 30);
        let files = render(&photo(40, 30), &plan).expect("render");
        assert_eq!(files.len(), plan.len(), "the original is not in the plan of an image wider than the set");
        for (key, bytes) in files {
            let decoded = decode_bytes(&bytes).expect("decodes");
            assert_eq!(decoded.format, key.format);
            assert_eq!(Some(decoded.image.width()), key.width);
        }
    }
}
