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
/// the hot path reuses one buffer, leaves ASCII as it is and looks Vietnamese letters up.
pub fn fold_into(input: &str, out: &mut String) {
    for c in input.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(folded) = latin_letter(c) {
            out.push(char::from(folded));
        } else {
            fold_char_slowly(c, out);
        }
    }
}

fn fold_char_slowly(c: char, out: &mut String) {
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

/// Whether `c` is a letter or digit; Vietnamese letters answer from a table, as Unicode's
/// general lookup is the largest cost of splitting a result's text into words.
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { latin_letter(c).is_some() || c.is_alphanumeric() }
}

/// The blocks holding every letter of Vietnamese: Latin-1 Supplement and Latin Extended-A/B
/// (`à`, `đ`, `ơ`, `ư`), and Latin Extended Additional (`ạ`, `ế`, `ữ`).
const LATIN_BLOCKS: [std::ops::RangeInclusive<u32>; 2] = [0x00C0..=0x024F, 0x1E00..=0x1EFF];

/// The folding of each character of [`LATIN_BLOCKS`] (0 where it is not one ASCII letter),
/// computed once by the general rule, so the table cannot disagree with it.
static LATIN_FOLDS: std::sync::LazyLock<Vec<Vec<u8>>> = std::sync::LazyLock::new(|| {
    LATIN_BLOCKS
        .iter()
        .map(|block| {
            block
                .clone()
                .map(|code| {
                    let Some(c) = char::from_u32(code).filter(|c| c.is_alphabetic()) else { return 0 };
                    let mut folded = String::new();
                    fold_char_slowly(c, &mut folded);
                    match folded.as_bytes() {
                        [one] if one.is_ascii_alphabetic() => *one,
                        _ => 0,
                    }
                })
                .collect()
        })
        .collect()
});

/// The ASCII letter `c` folds to, when it is a letter of [`LATIN_BLOCKS`] that folds to one.
fn latin_letter(c: char) -> Option<u8> {
    let code = u32::from(c);
    LATIN_BLOCKS.iter().zip(LATIN_FOLDS.iter()).find_map(|(block, folds)| {
        let index = usize::try_from(code.checked_sub(*block.start())?).ok()?;
        folds.get(index).copied().filter(|folded| *folded != 0)
    })
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
    fn the_letter_table_folds_like_the_general_rule() {
        for block in LATIN_BLOCKS {
            for c in block.filter_map(char::from_u32) {
                let mut slow = String::new();
                fold_char_slowly(c, &mut slow);
                assert_eq!(fold(&c.to_string()), slow, "{c:?}");
                assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            }
        }
        assert_eq!(fold("ĐƯỜNG Lạch Tray ×"), "duong lach tray ×");
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
