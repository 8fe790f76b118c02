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
    fn words_are_counted_by_syllable_and_punctuation_is_not_a_word() {
        assert_eq!(word_count("Sáng 20/9, đoàn — làm việc."), 5);
    }

    proptest! {
        #[test]
        fn nfc_is_idempotent_and_ignores_form(s in "\\PC{0,40}") {
            let once = nfc(&s);
            prop_assert_eq!(nfc(&once), once.clone());
            let decomposed: String = s.nfd().collect();
            prop_assert_eq!(nfc(&decomposed), once);
        }
    }
}
