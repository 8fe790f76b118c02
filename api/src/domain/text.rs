//! Unicode normalisation: every piece of text is stored in NFC, so "Lê" typed on a Mac (NFD)
//! and on Windows (NFC) is the same string in the database, in slugs and in search.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Returns `input` in Unicode Normalization Form C, trimmed of surrounding white space.
pub fn nfc(input: &str) -> String {
    let trimmed = input.trim();
    match is_nfc_quick(trimmed.chars()) {
        IsNormalized::Yes => trimmed.to_owned(),
        _ => trimmed.nfc().collect(),
    }
}

/// Text as matched in searches: decomposed, without combining marks, `đ` as `d`, lower case.
/// `Người Dân`, `NGUOI DAN` and the NFD spelling all fold to `nguoi dan`.
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    fold_into(input, &mut out);
    out
}

/// [`fold`], appending to `out`: search folds every word of every result it highlights, so
/// the hot path reuses one buffer and leaves ASCII as it is.
pub fn fold_into(input: &str, out: &mut String) {
    for c in input.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        unicode_normalization::char::decompose_canonical(c, |d| {
            if unicode_normalization::char::is_combining_mark(d) {
                return;
            }
            match d {
                'đ' | 'Đ' => out.push('d'),
                other => out.extend(other.to_lowercase()),
            }
        });
    }
}

/// Counts words the way Vietnamese readers count them: each space-separated syllable group.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decomposed_vietnamese_becomes_composed() {
        let nfd: String = "Lê Chân".nfd().collect();
        assert_ne!(nfd, "Lê Chân", "the fixture must really be decomposed");
        assert_eq!(nfc(&nfd), "Lê Chân");
    }

    #[test]
    fn folding_drops_marks_case_and_the_bar_of_d() {
        assert_eq!(fold("Người Dân ĐÀ NẴNG"), "nguoi dan da nang");
        let nfd: String = "Lê Chân".nfd().collect();
        assert_eq!(fold(&nfd), fold("LÊ CHÂN"));
    }

    #[test]
    fn words_are_counted_by_syllable_and_punctuation_is_not_a_word() {
        assert_eq!(word_count("Sáng 20/9, đoàn — làm việc."), 5);
    }

    proptest! {
        #[test]
        fn folding_is_idempotent_and_ignores_form(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            let decomposed: String = s.nfd().collect();
            prop_assert_eq!(fold(&decomposed), once);
        }

        #[test]
        fn nfc_is_idempotent_and_ignores_form(s in "\\PC{0,40}") {
            let once = nfc(&s);
            prop_assert_eq!(nfc(&once), once.clone());
            let decomposed: String = s.nfd().collect();
            prop_assert_eq!(nfc(&decomposed), once);
        }
    }
}
