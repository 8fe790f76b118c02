//! Highlighted snippets: the words a query matched wrapped in `<mark>`, everything else escaped,
//! so a frontend can insert the result as HTML. Matching here uses the same words and folding
//! as the index, so what is marked is what was found.

use std::{borrow::Cow, ops::Range};

use super::{
    fold_word, is_word_char,
    query::{Clause, SearchQuery},
    word_ranges,
};

/// Words of body text shown around the first match.
const SNIPPET_WORDS: usize = 36;
/// Words of context kept before the first match.
const LEAD_WORDS: usize = 8;

/// The words of a text, folded only when looked at: a snippet of a long article reads up to
/// its first match and the window after it, not the whole body.
struct Words<'a> {
    text: &'a str,
    ranges: Vec<Range<usize>>,
    folded: Vec<Option<String>>,
}

impl<'a> Words<'a> {
    fn new(text: &'a str) -> Self {
        let ranges = word_ranges(text);
        let folded = vec![None; ranges.len()];
        Words { text, ranges, folded }
    }

    fn len(&self) -> usize {
        self.ranges.len()
    }

    fn folded(&mut self, i: usize) -> &str {
        let (text, range) = (self.text, self.ranges[i].clone());
        self.folded[i].get_or_insert_with(|| {
            let mut out = String::new();
            fold_word(&text[range], &mut out);
            out
        })
    }

    /// How many words from `i` on a clause of `query` matches (0 for none).
    fn match_at(&mut self, query: &SearchQuery, i: usize) -> usize {
        let mut longest = 0;
        for clause in &query.clauses {
            let hit = match clause {
                Clause::Word { word, prefix } => {
                    let here = self.folded(i);
                    let found = if *prefix { here.starts_with(&word.folded) } else { here == word.folded };
                    usize::from(found)
                }
                Clause::Phrase(words) => {
                    let fits = i + words.len() <= self.len();
                    let all = fits && words.iter().enumerate().all(|(k, w)| self.folded(i + k) == w.folded);
                    if all { words.len() } else { 0 }
                }
            };
            longest = longest.max(hit);
        }
        longest
    }

    /// Which words in `from..to` are matched.
    fn marks(&mut self, query: &SearchQuery, from: usize, to: usize) -> Vec<bool> {
        let mut marked = vec![false; self.len()];
        let mut i = from;
        while i < to {
            let n = self.match_at(query, i);
            marked[i..(i + n).min(to)].iter_mut().for_each(|m| *m = true);
            i += n.max(1);
        }
        marked
    }
}

/// Marks every match of `query` in the whole of `text` (titles).
pub fn mark_all(query: &SearchQuery, text: &str) -> String {
    let mut words = Words::new(text);
    let marked = words.marks(query, 0, words.len());
    render(text, &words.ranges, &marked, 0..text.len())
}

/// A window of the first passage of `passages` (the lead, then the body's paragraphs) that
/// matches, around its first match; the opening of the first passage with words when none
/// matched (the article matched by its title). Passages after the first match are never read,
/// so a match near the top of a long article costs the top of it only.
pub fn passage_snippet<'a>(query: &SearchQuery, passages: impl IntoIterator<Item = Cow<'a, str>>) -> String {
    let mut opening: Option<Cow<'a, str>> = None;
    let mut letters = String::new();
    for text in passages {
        if let Some(snippet) = first_match(query, &text, &mut letters) {
            return snippet;
        }
        if opening.is_none() && text.chars().any(is_word_char) {
            opening = Some(text);
        }
    }
    opening.map(|text| window(query, &mut Words::new(&text), 0)).unwrap_or_default()
}

/// A window of `text` around its first match, or `None` when nothing in it matches.
pub fn match_snippet(query: &SearchQuery, text: &str) -> Option<String> {
    first_match(query, text, &mut String::new())
}

/// [`match_snippet`], folding into `letters` (a buffer reused across passages).
fn first_match(query: &SearchQuery, text: &str, letters: &mut String) -> Option<String> {
    if !may_match(query, text, letters) {
        return None;
    }
    let mut words = Words::new(text);
    let first = (0..words.len()).find(|&i| words.match_at(query, i) > 0)?;
    Some(window(query, &mut words, first))
}

/// Whether some clause of `query` could match in `text`: each of its words, folded, is in the
/// text's folded letters (its words folded and run together, so every folded word of the
/// text is a run of them). Passages that cannot match are passed over without being split
/// into words, most of the work of a result whose match is in its title only.
fn may_match(query: &SearchQuery, text: &str, letters: &mut String) -> bool {
    fold_word(text, letters);
    query.clauses.iter().any(|clause| clause.words().iter().all(|word| letters.contains(word.folded.as_str())))
}

/// The marked window of about [`SNIPPET_WORDS`] words that opens [`LEAD_WORDS`] before word `first`.
fn window(query: &SearchQuery, words: &mut Words<'_>, first: usize) -> String {
    let text = words.text;
    let start_word = first.saturating_sub(LEAD_WORDS);
    let end_word = (start_word + SNIPPET_WORDS).min(words.len());
    let marked = words.marks(query, start_word, end_word);
    let start = if start_word == 0 { 0 } else { words.ranges[start_word].start };
    let end = if end_word == words.len() { text.len() } else { words.ranges[end_word - 1].end };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(render(text, &words.ranges, &marked, start..end).trim());
    if end < text.len() {
        out.push('…');
    }
    out
}

/// `text[window]` escaped, with runs of marked words (and the spaces between them) in `<mark>`.
fn render(text: &str, spans: &[Range<usize>], marked: &[bool], window: Range<usize>) -> String {
    let mut out = String::with_capacity(window.len() + 32);
    let mut at = window.start;
    let mut i = 0;
    while i < spans.len() {
        let range = &spans[i];
        if !marked[i] || range.start < window.start || range.end > window.end {
            i += 1;
            continue;
        }
        let mut last = i;
        while last + 1 < spans.len()
            && marked[last + 1]
            && spans[last + 1].end <= window.end
            && text[spans[last].end..spans[last + 1].start].chars().all(char::is_whitespace)
        {
            last += 1;
        }
        let run = range.start..spans[last].end;
        out.push_str(&html_escape::encode_text(&text[at..run.start]));
        out.push_str("<mark>");
        out.push_str(&html_escape::encode_text(&text[run.clone()]));
        out.push_str("</mark>");
        at = run.end;
        i = last + 1;
    }
    out.push_str(&html_escape::encode_text(&text[at..window.end]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(raw: &str) -> SearchQuery {
        SearchQuery::parse(raw).expect("query")
    }

    #[test]
    fn folded_matches_are_marked_and_the_rest_escaped() {
        assert_eq!(
            mark_all(&q("le chan"), "Quận Lê Chân <b>mới</b>"),
            "Quận <mark>Lê Chân</mark> &lt;b&gt;mới&lt;/b&gt;"
        );
        assert_eq!(mark_all(&q("nghi quy"), "Nghị quyết số 45"), "<mark>Nghị quyết</mark> số 45");
    }

    #[test]
    fn phrases_mark_only_where_the_words_stand_together() {
        assert_eq!(
            mark_all(&q("\"hai phong\""), "Hải đảo, Phòng và Hải Phòng"),
            "Hải đảo, Phòng và <mark>Hải Phòng</mark>"
        );
    }

    #[test]
    fn a_passage_without_a_match_has_no_snippet() {
        assert_eq!(match_snippet(&q("le chan"), "Quận Hải An mở rộng đường"), None);
        assert_eq!(
            match_snippet(&q("hai an"), "Quận Hải An mở rộng đường").as_deref(),
            Some("Quận <mark>Hải An</mark> mở rộng đường")
        );
    }

    #[test]
    fn snippets_open_near_the_first_match() {
        let text = (1..=100).map(|n| format!("từ{n}")).collect::<Vec<_>>().join(" ");
        let snippet = passage_snippet(&q("tu50"), [Cow::Owned(text)]);
        assert!(snippet.starts_with("…từ42 "), "{snippet}");
        assert!(snippet.contains("<mark>từ50</mark>"), "{snippet}");
        assert!(snippet.ends_with("từ77…"), "{snippet}");
    }

    #[test]
    fn a_passage_snippet_comes_from_the_first_paragraph_that_matches() {
        let passages = ["Lời dẫn về giao thông.", "Đoạn một.", "Đoạn hai nói về Lê Chân.", "Lê Chân lần nữa."];
        let from = |raw: &str| passage_snippet(&q(raw), passages.map(Cow::Borrowed));
        assert_eq!(from("le chan"), "Đoạn hai nói về <mark>Lê Chân</mark>.");
        assert_eq!(from("khong co"), "Lời dẫn về giao thông.", "no match: the lead's opening");
        assert_eq!(passage_snippet(&q("a"), std::iter::empty()), "");
    }

    proptest! {
        #[test]
        fn passages_passed_over_are_those_without_a_match(
            texts in proptest::collection::vec("[aàảăâđeêiìoôơuưyỳ ,.NĐ\u{0301}]{0,30}", 1..5),
            raw in "[aàăâđeêioôơuư \"]{1,10}",
        ) {
            if let Ok(query) = SearchQuery::parse(&raw) {
                let mut letters = String::new();
                for text in &texts {
                    let mut words = Words::new(text);
                    if (0..words.len()).any(|i| words.match_at(&query, i) > 0) {
                        prop_assert!(may_match(&query, text, &mut letters), "{text:?} {query:?}");
                    }
                }
            }
        }

        #[test]
        fn output_never_carries_markup_of_its_own(text in "\\PC{0,120}", raw in "[a-zđ<>&\" ]{1,12}") {
            if let Ok(query) = SearchQuery::parse(&raw) {
                for out in [mark_all(&query, &text), passage_snippet(&query, [Cow::Borrowed(text.as_str())])] {
                    let stripped = out.replace("<mark>", "").replace("</mark>", "");
                    prop_assert!(!stripped.contains('<') && !stripped.contains('>'), "{out}");
                }
            }
        }
    }
}
