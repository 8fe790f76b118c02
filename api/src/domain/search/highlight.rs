//! Highlighted snippets: the words a query matched wrapped in `<mark>`, everything else escaped,
//! so a frontend can insert the result as HTML. Matching here uses the same words and folding
//! as the index, so what is marked is what was found.

use std::ops::Range;

use super::{
    Word,
    query::{Clause, SearchQuery},
    word_spans,
};

/// Words of body text shown around the first match.
const SNIPPET_WORDS: usize = 36;
/// Words of context kept before the first match.
const LEAD_WORDS: usize = 8;

/// Marks every match of `query` in the whole of `text` (titles).
pub fn mark_all(query: &SearchQuery, text: &str) -> String {
    let spans: Vec<(Range<usize>, Word)> = word_spans(text).collect();
    let marked = matches(query, &spans);
    render(text, &spans, &marked, 0..text.len())
}

/// A window of `text` around its first match, marked; the opening of the text when nothing in
/// it matched (the article matched by its title). Cut at word boundaries, with `…` where text
/// was left out.
pub fn snippet(query: &SearchQuery, text: &str) -> String {
    let spans: Vec<(Range<usize>, Word)> = word_spans(text).collect();
    if spans.is_empty() {
        return String::new();
    }
    let marked = matches(query, &spans);
    let first = marked.iter().position(|m| *m).unwrap_or(0);
    let start_word = first.saturating_sub(LEAD_WORDS);
    let end_word = (start_word + SNIPPET_WORDS).min(spans.len());
    let start = if start_word == 0 { 0 } else { spans[start_word].0.start };
    let end = if end_word == spans.len() { text.len() } else { spans[end_word - 1].0.end };
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(render(text, &spans, &marked, start..end).trim());
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Which of `spans` a clause of `query` matched.
fn matches(query: &SearchQuery, spans: &[(Range<usize>, Word)]) -> Vec<bool> {
    let mut marked = vec![false; spans.len()];
    for clause in &query.clauses {
        match clause {
            Clause::Word { word, prefix } => {
                for (i, (_, candidate)) in spans.iter().enumerate() {
                    let hit = if *prefix {
                        candidate.folded.starts_with(&word.folded)
                    } else {
                        candidate.folded == word.folded
                    };
                    marked[i] |= hit;
                }
            }
            Clause::Phrase(words) => {
                for start in 0..spans.len().saturating_sub(words.len() - 1) {
                    let hit = words.iter().zip(&spans[start..]).all(|(w, (_, candidate))| candidate.folded == w.folded);
                    if hit {
                        marked[start..start + words.len()].iter_mut().for_each(|m| *m = true);
                    }
                }
            }
        }
    }
    marked
}

/// `text[window]` escaped, with runs of marked words (and the spaces between them) in `<mark>`.
fn render(text: &str, spans: &[(Range<usize>, Word)], marked: &[bool], window: Range<usize>) -> String {
    let mut out = String::with_capacity(window.len() + 32);
    let mut at = window.start;
    let mut i = 0;
    while i < spans.len() {
        let (range, _) = &spans[i];
        if !marked[i] || range.start < window.start || range.end > window.end {
            i += 1;
            continue;
        }
        let mut last = i;
        while last + 1 < spans.len()
            && marked[last + 1]
            && spans[last + 1].0.end <= window.end
            && text[spans[last].0.end..spans[last + 1].0.start].chars().all(char::is_whitespace)
        {
            last += 1;
        }
        let run = range.start..spans[last].0.end;
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
    fn snippets_open_near_the_first_match() {
        let text = (1..=100).map(|n| format!("từ{n}")).collect::<Vec<_>>().join(" ");
        let snippet = snippet(&q("tu50"), &text);
        assert!(snippet.starts_with("…từ42 "), "{snippet}");
        assert!(snippet.contains("<mark>từ50</mark>"), "{snippet}");
        assert!(snippet.ends_with("từ77…"), "{snippet}");
    }

    proptest! {
        #[test]
        fn output_never_carries_markup_of_its_own(text in "\\PC{0,120}", raw in "[a-zđ<>&\" ]{1,12}") {
            if let Ok(query) = SearchQuery::parse(&raw) {
                for out in [mark_all(&query, &text), snippet(&query, &text)] {
                    let stripped = out.replace("<mark>", "").replace("</mark>", "");
                    prop_assert!(!stripped.contains('<') && !stripped.contains('>'), "{out}");
                }
            }
        }
    }
}
