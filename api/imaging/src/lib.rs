//! Images as stored files: the accepted formats, content-addressed file names, and the set of
//! renditions every image is served in.
//!
//! An original is stored as `{stem}.{ext}`, where the stem is derived from the uploaded bytes;
//! a rendition as `{stem}-{width}.{ext}`. Names never change meaning, so every file can be
//! cached forever, and the list of renditions of an image follows from its width alone.

pub mod process;

/// The formats a newsroom uploads; anything else is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Jpeg, Format::Png, Format::Webp, Format::Gif];

    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Webp => "webp",
            Format::Gif => "gif",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
        }
    }

    pub fn from_ext(ext: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.ext() == ext)
    }

    pub fn from_mime(mime: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.mime() == mime)
    }
}

/// A parsed file name: which image, which width (none for the original), which format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileKey {
    pub stem: String,
    pub width: Option<u32>,
    pub format: Format,
}

impl FileKey {
    pub fn original(stem: &str, format: Format) -> FileKey {
        FileKey { stem: stem.to_owned(), width: None, format }
    }

    /// Reads a file name; anything that is not one of ours (a path with `..` or `/`, upper
    /// case, an unknown extension) is `None` and never reaches the storage.
    pub fn parse(key: &str) -> Option<FileKey> {
        let (name, ext) = key.split_once('.')?;
        let format = Format::from_ext(ext)?;
        let (stem, width) = match name.split_once('-') {
            Some((stem, width)) => {
                let valid = !width.is_empty()
                    && width.len() <= 5
                    && !width.starts_with('0')
                    && width.bytes().all(|b| b.is_ascii_digit());
                (stem, Some(width.parse::<u32>().ok().filter(|_| valid)?))
            }
            None => (name, None),
        };
        let hex = stem.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ((16..=64).contains(&stem.len()) && hex).then(|| FileKey { stem: stem.to_owned(), width, format })
    }

    /// The key of a rendition of this original.
    pub fn rendition(&self, width: u32, format: Format) -> FileKey {
        FileKey { stem: self.stem.clone(), width: Some(width), format }
    }
}

impl std::fmt::Display for FileKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.width {
            Some(width) => write!(f, "{}-{width}.{}", self.stem, self.format.ext()),
            None => write!(f, "{}.{}", self.stem, self.format.ext()),
        }
    }
}

/// One served size of an image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub key: FileKey,
    pub width: u32,
    pub height: u32,
}

/// The widths images are served at. Changing the set (`BANTIN_RENDITION_WIDTHS`) changes the
/// URLs in responses; `bantin media regenerate` then makes the missing files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenditionSet {
    widths: Vec<u32>,
}

impl Default for RenditionSet {
    fn default() -> Self {
        RenditionSet { widths: vec![320, 640, 1024, 1600] }
    }
}

impl RenditionSet {
    pub const MIN_WIDTH: u32 = 16;
    pub const MAX_WIDTH: u32 = 8192;

    pub fn new(mut widths: Vec<u32>) -> Result<RenditionSet, String> {
        widths.sort_unstable();
        widths.dedup();
        if widths.is_empty() || widths.len() > 12 {
            return Err("give 1 to 12 widths".into());
        }
        if let Some(bad) = widths.iter().find(|w| !(Self::MIN_WIDTH..=Self::MAX_WIDTH).contains(*w)) {
            return Err(format!("width {bad} is outside {}–{}", Self::MIN_WIDTH, Self::MAX_WIDTH));
        }
        Ok(RenditionSet { widths })
    }

    /// Parses `320,640,1024`.
    pub fn parse(raw: &str) -> Result<RenditionSet, String> {
        let widths = raw
            .split(',')
            .map(|w| w.trim().parse::<u32>().map_err(|_| format!("`{w}` is not a width in pixels")))
            .collect::<Result<Vec<_>, _>>()?;
        RenditionSet::new(widths)
    }

    /// Widths an image `width` pixels wide is served at: every set width below its own (never
    /// upscaled), and its own width when that is not above the largest set width, so a small photo
    /// is still offered whole.
    pub fn widths_for(&self, width: u32) -> Vec<u32> {
        let mut out: Vec<u32> = self.widths.iter().copied().filter(|w| *w < width).collect();
        if self.widths.last().is_some_and(|largest| width <= *largest) || out.is_empty() {
            out.push(width);
        }
        out
    }

    /// Every served file of an image, WebP first, each format from small to large. The
    /// original's own width in its own format is the original file.
    pub fn plan(&self, original: &FileKey, width: u32, height: u32) -> Vec<Planned> {
        let widths = self.widths_for(width);
        let mut formats = vec![Format::Webp];
        if original.format != Format::Webp {
            formats.push(original.format);
        }
        let mut out = Vec::with_capacity(widths.len() * formats.len());
        for format in formats {
            for &w in &widths {
                let key = if w == width && format == original.format {
                    original.clone()
                } else {
                    original.rendition(w, format)
                };
                out.push(Planned { key, width: w, height: scaled_height(width, height, w) });
            }
        }
        out
    }
}

/// The height of an image `width`×`height` scaled to `to` pixels wide, at least 1.
pub fn scaled_height(width: u32, height: u32, to: u32) -> u32 {
    if width == 0 {
        return height.max(1);
    }
    let scaled = (u64::from(height) * u64::from(to) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STEM: &str = "3f2a9c0d1b7e4a66";

    #[test]
    fn file_names_are_ours_or_nothing() {
        assert_eq!(FileKey::parse("3f2a9c0d1b7e4a66.jpg"), Some(FileKey::original(STEM, Format::Jpeg)));
        assert_eq!(
            FileKey::parse("3f2a9c0d1b7e4a66-640.webp"),
            Some(FileKey { stem: STEM.into(), width: Some(640), format: Format::Webp })
        );
        for bad in [
            "../secret.key",
            "3f2a9c0d1b7e4a66",
            "3F2A9C0D1B7E4A66.jpg",
            "3f2a.jpg",
            "3f2a9c0d1b7e4a66.jpg.exe",
            "3f2a9c0d1b7e4a66.svg",
            "3f2a9c0d1b7e4a66-.jpg",
            "3f2a9c0d1b7e4a66-0640.jpg",
            "3f2a9c0d1b7e4a66-640-2.jpg",
            "3f2a9c0d1b7e4a66-999999.jpg",
            "3f2a9c0d1b7e4a66/x.jpg",
        ] {
            assert_eq!(FileKey::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn large_photos_get_every_width_and_small_ones_their_own() {
        let set = RenditionSet::default();
        assert_eq!(set.widths_for(4000), vec![320, 640, 1024, 1600]);
        assert_eq!(set.widths_for(960), vec![320, 640, 960]);
        assert_eq!(set.widths_for(200), vec![200]);
        assert_eq!(set.widths_for(1600), vec![320, 640, 1024, 1600]);
    }

    #[test]
    fn the_plan_reuses_the_original_at_full_width() {
        let original = FileKey::original(STEM, Format::Jpeg);
        let plan = RenditionSet::default().plan(&original, 960, 640);
        let names: Vec<String> = plan.iter().map(|p| p.key.to_string()).collect();
        assert_eq!(
            names,
            [
                "3f2a9c0d1b7e4a66-320.webp",
                "3f2a9c0d1b7e4a66-640.webp",
                "3f2a9c0d1b7e4a66-960.webp",
                "3f2a9c0d1b7e4a66-320.jpg",
                "3f2a9c0d1b7e4a66-640.jpg",
                "3f2a9c0d1b7e4a66.jpg",
            ]
        );
        assert_eq!((plan[0].width, plan[0].height), (320, 213));
    }

    #[test]
    fn bad_width_sets_are_refused() {
        assert!(RenditionSet::parse("320, 640").is_ok());
        for bad in ["", "abc", "0", "10000", "320,,640"] {
            assert!(RenditionSet::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn rendition_names_read_back(width in 1u32..99_999, stem in "[0-9a-f]{16,64}", f in 0usize..4) {
            let key = FileKey::original(&stem, Format::ALL[f]).rendition(width, Format::Webp);
            prop_assert_eq!(FileKey::parse(&key.to_string()), Some(key));
        }

        #[test]
        fn never_upscaled(width in 1u32..20_000, height in 1u32..20_000) {
            let plan = RenditionSet::default().plan(&FileKey::original(STEM, Format::Png), width, height);
            prop_assert!(!plan.is_empty());
            prop_assert!(plan.iter().all(|p| p.width <= width && p.height >= 1));
        }

        #[test]
        fn arbitrary_names_never_panic(name in ".{0,80}") {
            let _ = FileKey::parse(&name);
        }
    }
}
