//! Vietnamese-aware URL slugs: "Đào Trọng Đức" → `dao-trong-duc`.

use std::fmt;

use super::text::nfc;

/// Longest slug we generate; long titles are cut at a word boundary.
pub const MAX_LEN: usize = 96;

/// A URL slug: lower-case ASCII letters and digits in hyphen-separated groups.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Accepts an existing slug (from a URL or a client) only if it is already canonical, so
    /// two spellings can never name the same resource.
    pub fn parse(input: &str) -> Option<Slug> {
        let canonical = !input.is_empty()
            && input.len() <= MAX_LEN
            && input
                .split('-')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        canonical.then(|| Slug(input.to_owned()))
    }

    /// Derives a slug from human text. Returns `None` when nothing sluggable is left
    /// (for example a title of emoji only).
    pub fn from_text(text: &str) -> Option<Slug> {
        let ascii = deunicode::deunicode(&nfc(text));
        let mut slug = String::with_capacity(ascii.len());
        for ch in ascii.chars() {
            if ch.is_ascii_alphanumeric() {
                slug.push(ch.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        while slug.ends_with('-') {
            slug.pop();
        }
        if slug.len() > MAX_LEN {
            let cut = slug[..=MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
            slug.truncate(cut);
            while slug.ends_with('-') {
                slug.pop();
            }
        }
        (!slug.is_empty()).then_some(Slug(slug))
    }

    /// The slug with a numeric suffix, used when the plain one is taken: `le-chan-2`.
    pub fn with_suffix(&self, n: u32) -> Slug {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        if base.len() + suffix.len() > MAX_LEN {
            base.truncate(MAX_LEN - suffix.len());
            while base.ends_with('-') {
                base.pop();
            }
        }
        Slug(base + &suffix)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn vietnamese_names_fold_to_ascii() {
        let cases = [
            ("Lê Chân", "le-chan"),
            ("Đào Trọng Đức", "dao-trong-duc"),
            ("đường Lạch Tray", "duong-lach-tray"),
            ("Nghị quyết số 28-NQ/TU", "nghi-quyet-so-28-nq-tu"),
            ("  Hải Phòng — mùa hoa phượng!  ", "hai-phong-mua-hoa-phuong"),
            ("THỨ BẢY", "thu-bay"),
        ];
        for (text, expected) in cases {
            assert_eq!(Slug::from_text(text).map(|s| s.0), Some(expected.to_owned()), "slug of {text:?}");
        }
    }

    #[test]
    fn text_without_letters_or_digits_has_no_slug() {
        assert_eq!(Slug::from_text("— … !"), None);
        assert_eq!(Slug::from_text(""), None);
    }

    #[test]
    fn parse_accepts_only_canonical_slugs() {
        for ok in ["le-chan", "a", "2022", "nghi-quyet-28"] {
            assert!(Slug::parse(ok).is_some(), "{ok:?} should parse");
        }
        for bad in ["", "Le-chan", "le--chan", "-le", "le-", "lê-chân", "le chan", "le_chan"] {
            assert!(Slug::parse(bad).is_none(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn suffix_keeps_the_slug_within_bounds() {
        let long = Slug::from_text(&"rất dài ".repeat(40)).expect("slug");
        let suffixed = long.with_suffix(12);
        assert!(suffixed.as_str().len() <= MAX_LEN);
        assert!(suffixed.as_str().ends_with("-12"));
        assert!(Slug::parse(suffixed.as_str()).is_some());
    }

    proptest! {
        #[test]
        fn generated_slugs_are_canonical_bounded_and_form_independent(s in "\\PC{0,200}") {
            if let Some(slug) = Slug::from_text(&s) {
                prop_assert!(slug.as_str().len() <= MAX_LEN);
                prop_assert_eq!(Slug::parse(slug.as_str()), Some(slug.clone()));
                let nfd: String = s.nfd().collect();
                prop_assert_eq!(Slug::from_text(&nfd), Some(slug));
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,120}") {
            let _ = Slug::parse(&s);
        }
    }
}
