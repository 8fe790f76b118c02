//! Vietnamese full-text search, the parts that need no database: how text is cut into words,
//! how a reader's query is read, and how matches are highlighted. Indexing and querying both
//! go through [`words`], so a word is the same word on both sides.

pub mod highlight;
pub mod query;
pub mod tsvector;

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::text::fold_into;

/// Longest word kept in the index; longer runs of letters are not words a reader types.
pub const MAX_WORD_CHARS: usize = 64;

/// One word of a text, in the two spellings the index keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Lower case with its accents (`hà`): what an exact-accent match compares.
    pub exact: String,
    /// Folded (`ha`): what every match compares.
    pub folded: String,
}

/// The words of `text` with their byte ranges: runs of letters and digits, so punctuation,
/// operators and quotes never reach the index or a query.
pub fn word_spans(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, Word)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        loop {
            let (start, first) = chars.next()?;
            if !is_word_char(first) {
                continue;
            }
            let mut end = start + first.len_utf8();
            while let Some(&(at, c)) = chars.peek() {
                if !is_word_char(c) {
                    break;
                }
                end = at + c.len_utf8();
                chars.next();
            }
            if let Some(word) = word(&text[start..end]) {
                return Some((start..end, word));
            }
        }
    })
}

/// The words of `text`.
pub fn words(text: &str) -> impl Iterator<Item = Word> + '_ {
    word_spans(text).map(|(_, word)| word)
}

/// Combining marks stay inside a word, so text that slipped through in NFD is still one word.
pub(super) fn is_word_char(c: char) -> bool {
    super::text::is_alphanumeric(c) || unicode_normalization::char::is_combining_mark(c)
}

fn word(raw: &str) -> Option<Word> {
    let mut word = Word { exact: String::new(), folded: String::new() };
    spell_into(raw, &mut word.exact, &mut word.folded).then_some(word)
}

/// Appends the two spellings of the word `raw` to `exact` and `folded`; when `raw` spells no
/// word the index keeps, appends nothing and answers false. Writing in place spares an
/// indexed article two strings per word.
fn spell_into(raw: &str, exact: &mut String, folded: &mut String) -> bool {
    let (exact_from, folded_from) = (exact.len(), folded.len());
    // Stored text is NFC already: most words are only checked, not copied.
    let composed: Cow<'_, str> = match is_nfc_quick(raw.chars()) {
        IsNormalized::Yes => Cow::Borrowed(raw),
        _ => Cow::Owned(raw.nfc().collect()),
    };
    if composed.contains('Σ') {
        // Lower case depends on the position of a capital sigma only: the whole word decides.
        exact.extend(composed.to_lowercase().chars().filter(|c| super::text::is_alphanumeric(*c)));
    } else {
        exact.extend(composed.chars().flat_map(char::to_lowercase).filter(|c| super::text::is_alphanumeric(*c)));
    }
    fold_into(&exact[exact_from..], folded);
    if !folded[folded_from..].chars().all(super::text::is_alphanumeric) {
        let kept: String = folded[folded_from..].chars().filter(|c| super::text::is_alphanumeric(*c)).collect();
        folded.truncate(folded_from);
        folded.push_str(&kept);
    }
    let spelled = &exact[exact_from..];
    if spelled.is_empty() || folded.len() == folded_from || spelled.chars().count() > MAX_WORD_CHARS {
        exact.truncate(exact_from);
        folded.truncate(folded_from);
        return false;
    }
    true
}

/// The folded spelling of one word, written into `out` (cleared first): the same spelling
/// [`Word::folded`] has, without building the exact one.
pub fn fold_word(raw: &str, out: &mut String) {
    out.clear();
    fold_into(raw, out);
    out.retain(super::text::is_alphanumeric);
}

/// Byte ranges of the words of `text` (the words [`word_spans`] yields, unspelled).
pub fn word_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(at),
            (false, Some(s)) => {
                ranges.push(s..at);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        ranges.push(s..text.len());
    }
    ranges
}

/// A text as the index stores it: its words joined by single spaces, in both spellings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedText {
    pub exact: String,
    pub folded: String,
}

impl IndexedText {
    pub fn of(text: &str) -> Self {
        let mut indexed =
            IndexedText { exact: String::with_capacity(text.len()), folded: String::with_capacity(text.len()) };
        for range in word_ranges(text) {
            let (exact_len, folded_len) = (indexed.exact.len(), indexed.folded.len());
            if exact_len > 0 {
                indexed.exact.push(' ');
                indexed.folded.push(' ');
            }
            if !spell_into(&text[range], &mut indexed.exact, &mut indexed.folded) {
                indexed.exact.truncate(exact_len);
                indexed.folded.truncate(folded_len);
            }
        }
        indexed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn words_keep_accents_once_and_fold_once() {
        let found: Vec<Word> = words("Đường Lê Chân, (Hải Phòng) — 2022!").collect();
        let exact: Vec<&str> = found.iter().map(|w| w.exact.as_str()).collect();
        let folded: Vec<&str> = found.iter().map(|w| w.folded.as_str()).collect();
        assert_eq!(exact, ["đường", "lê", "chân", "hải", "phòng", "2022"]);
        assert_eq!(folded, ["duong", "le", "chan", "hai", "phong", "2022"]);
    }

    #[test]
    fn decomposed_text_gives_the_same_words() {
        let nfd: String = "Nghị quyết Hà Nội".nfd().collect();
        assert_eq!(IndexedText::of(&nfd), IndexedText::of("Nghị quyết Hà Nội"));
    }

    #[test]
    fn ranges_and_folded_words_agree_with_words() {
        let text = "Đường Lê Chân, (Hải Phòng) — 2022! İstanbul";
        let ranges = word_ranges(text);
        let mut folded = String::new();
        let quick: Vec<String> = ranges
            .iter()
            .map(|r| {
                fold_word(&text[r.clone()], &mut folded);
                folded.clone()
            })
            .collect();
        let full: Vec<String> = words(text).map(|w| w.folded).collect();
        assert_eq!(quick, full);
    }

    #[test]
    fn operators_and_quotes_are_not_words() {
        let indexed = IndexedText::of("NEAR( a* -b c:d \"e\" ^f");
        assert_eq!(indexed.folded, "near a b c d e f");
    }

    proptest! {
        #[test]
        fn indexed_text_holds_the_words_of_the_text(text in "(\\PC|[a-zđạấếệịộợứựà-ỹ ]|\u{0301}|\u{0323}){0,120}") {
            let indexed = IndexedText::of(&text);
            let found: Vec<Word> = words(&text).collect();
            let exact: Vec<&str> = found.iter().map(|w| w.exact.as_str()).collect();
            let folded: Vec<&str> = found.iter().map(|w| w.folded.as_str()).collect();
            prop_assert_eq!(indexed.exact, exact.join(" "));
            prop_assert_eq!(indexed.folded, folded.join(" "));
        }

        #[test]
        fn indexed_words_are_letters_and_digits_only(text in "\\PC{0,80}") {
            let indexed = IndexedText::of(&text);
            for word in indexed.exact.split(' ').chain(indexed.folded.split(' ')).filter(|w| !w.is_empty()) {
                prop_assert!(word.chars().all(char::is_alphanumeric), "{word:?}");
            }
            prop_assert_eq!(indexed.exact.split(' ').count(), indexed.folded.split(' ').count());
        }

        #[test]
        fn a_word_is_spelled_as_its_composed_lower_case_letters(raw in "[\\p{L}\\p{M}\\p{N}Σ]{1,12}") {
            let expected: String =
                super::super::text::nfc(&raw).to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
            let spelled = word(&raw).map(|w| w.exact);
            prop_assert!(spelled.is_none() || spelled == Some(expected.clone()), "{spelled:?} {expected:?}");
            prop_assert!(spelled.is_some() || expected.is_empty() || !raw.chars().any(|c| c.is_ascii_alphanumeric()));
        }

        #[test]
        fn quick_folding_spells_words_as_indexing_does(text in "\\PC{0,60}") {
            let mut folded = String::new();
            let quick: Vec<String> = word_ranges(&text)
                .into_iter()
                .filter_map(|r| {
                    fold_word(&text[r], &mut folded);
                    (!folded.is_empty()).then(|| folded.clone())
                })
                .collect();
            let full: Vec<String> = words(&text).map(|w| w.folded).collect();
            prop_assert_eq!(quick, full);
        }
    }
}
