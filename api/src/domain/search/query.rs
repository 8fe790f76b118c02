//! A reader's search query, read leniently: words are words whatever surrounds them, `"…"`
//! makes a phrase (an unclosed quote runs to the end), and the last word of a query of several
//! words, still being typed, is a prefix. Nothing the reader types reaches the database as
//! syntax: the back ends get expressions written here from words made only of letters and
//! digits.

use std::collections::HashMap;

use super::{Word, is_word_char, word_spans};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words in one query.
pub const MAX_QUERY_WORDS: usize = 12;
/// A last word shorter than this is matched whole: a one-letter prefix matches nearly every
/// article and tells the reader nothing.
const MIN_PREFIX_CHARS: usize = 2;

/// Part of a query every matching article must contain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Clause {
    /// One word; `prefix` when it is the word still being typed.
    Word { word: Word, prefix: bool },
    /// Words that must appear next to each other, in order.
    Phrase(Vec<Word>),
}

/// A parsed query: every clause must match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    pub clauses: Vec<Clause>,
}

/// Why a query cannot be run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("is required: type the words to search for")]
    Empty,
    #[error("is too long: at most {MAX_QUERY_CHARS} characters")]
    TooLong,
    #[error("has too many words: at most {MAX_QUERY_WORDS}")]
    TooManyWords,
    #[error("has no letters or digits to search for")]
    NoWords,
}

/// The indexed words that some prefixes of a query stand for, keyed by the spelled prefix.
/// Each list holds only words made of letters and digits, read from the index's word list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions(pub HashMap<String, Vec<String>>);

/// Which spelling of the words an expression matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    Exact,
    Folded,
}

impl Word {
    fn spelled(&self, spelling: Spelling) -> &str {
        match spelling {
            Spelling::Exact => &self.exact,
            Spelling::Folded => &self.folded,
        }
    }
}

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, QueryError> {
        if raw.trim().is_empty() {
            return Err(QueryError::Empty);
        }
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        let mut clauses = Vec::new();
        for (i, part) in raw.split('"').enumerate() {
            let found: Vec<Word> = word_spans(part).map(|(_, w)| w).collect();
            if i % 2 == 1 {
                match found.len() {
                    0 => {}
                    1 => clauses.extend(found.into_iter().map(|word| Clause::Word { word, prefix: false })),
                    _ => clauses.push(Clause::Phrase(found)),
                }
            } else {
                clauses.extend(found.into_iter().map(|word| Clause::Word { word, prefix: false }));
            }
        }
        let total: usize = clauses.iter().map(|c| c.words().len()).sum();
        if total == 0 {
            return Err(QueryError::NoWords);
        }
        if total > MAX_QUERY_WORDS {
            return Err(QueryError::TooManyWords);
        }
        // Type-ahead completes the last word of a query that has others before it: a lone
        // word is searched whole (a prefix of one short word would match most of the archive).
        let still_typing = raw.chars().last().is_some_and(is_word_char)
            && raw.matches('"').count().is_multiple_of(2)
            && clauses.len() > 1;
        if still_typing
            && let Some(Clause::Word { word, prefix }) = clauses.last_mut()
            && word.folded.chars().count() >= MIN_PREFIX_CHARS
        {
            *prefix = true;
        }
        Ok(SearchQuery { clauses })
    }

    /// Whether any word was typed with a diacritic (or `đ`), so its exact spelling matters.
    pub fn has_accents(&self) -> bool {
        self.clauses.iter().flat_map(Clause::words).any(|w| w.exact != w.folded)
    }

    /// The query in a canonical form, for cache keys and cursors: the same search typed with or
    /// without accents is still a different search (its ranking differs).
    pub fn canonical(&self) -> String {
        self.clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word { word, prefix } => format!("{}{}", word.exact, if *prefix { "*" } else { "" }),
                Clause::Phrase(words) => {
                    format!("\"{}\"", words.iter().map(|w| w.exact.as_str()).collect::<Vec<_>>().join(" "))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The words that must be in an article whole (all but the one still being typed), in
    /// `spelling`.
    pub fn whole_words(&self, spelling: Spelling) -> impl Iterator<Item = &str> {
        self.clauses
            .iter()
            .flat_map(move |clause| match clause {
                Clause::Word { prefix: true, .. } => &[][..],
                other => other.words(),
            })
            .map(move |word| word.spelled(spelling))
    }

    /// The words still being typed, in `spelling`.
    pub fn prefixes(&self, spelling: Spelling) -> impl Iterator<Item = &str> {
        self.clauses.iter().filter_map(move |clause| match clause {
            Clause::Word { word, prefix: true } => Some(word.spelled(spelling)),
            _ => None,
        })
    }

    /// An SQLite FTS5 expression over `columns`; a prefix found in `completions` is matched as
    /// the words it stands for, any other as an FTS5 prefix.
    pub fn fts5(&self, columns: &[&str], spelling: Spelling, completions: &Completions) -> String {
        let body = self
            .clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word { word, prefix } => {
                    let spelled = word.spelled(spelling);
                    match completions.0.get(spelled) {
                        Some(words) if *prefix && !words.is_empty() => {
                            format!("({})", words.iter().map(|w| format!("\"{w}\"")).collect::<Vec<_>>().join(" OR "))
                        }
                        // No indexed word starts with it: the prefix itself is not one either.
                        Some(_) if *prefix => format!("\"{spelled}\""),
                        _ => format!("\"{spelled}\"{}", if *prefix { "*" } else { "" }),
                    }
                }
                Clause::Phrase(words) => {
                    format!("\"{}\"", words.iter().map(|w| w.spelled(spelling)).collect::<Vec<_>>().join(" "))
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ");
        format!("{{{}}} : ({body})", columns.join(" "))
    }

    /// A PostgreSQL `tsquery` text, read as it is (`CAST(… AS tsquery)`): its words are index
    /// words already, spelled as [`super::tsvector`] stores them.
    pub fn tsquery(&self, spelling: Spelling) -> String {
        self.clauses
            .iter()
            .map(|clause| match clause {
                Clause::Word { word, prefix } => {
                    format!("'{}'{}", word.spelled(spelling), if *prefix { ":*" } else { "" })
                }
                Clause::Phrase(words) => format!(
                    "({})",
                    words.iter().map(|w| format!("'{}'", w.spelled(spelling))).collect::<Vec<_>>().join(" <-> ")
                ),
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

impl Clause {
    pub fn words(&self) -> &[Word] {
        match self {
            Clause::Word { word, .. } => std::slice::from_ref(word),
            Clause::Phrase(words) => words,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shape(raw: &str) -> String {
        SearchQuery::parse(raw).map(|q| q.canonical()).unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn words_phrases_and_the_word_being_typed() {
        assert_eq!(shape("nghi quy"), "nghi quy*");
        assert_eq!(shape("nghi quy "), "nghi quy");
        assert_eq!(shape("\"Hải Phòng\" cầu"), "\"hải phòng\" cầu*");
        assert_eq!(shape("\"Hải Phòng"), "\"hải phòng\"", "an unclosed quote runs to the end");
        assert_eq!(shape("lê chân a"), "lê chân a", "one letter is never a prefix");
        assert_eq!(shape("\"cầu\""), "cầu");
        assert_eq!(shape("cảng"), "cảng", "a lone word is searched whole");
    }

    #[test]
    fn operator_syntax_is_only_separators() {
        assert_eq!(shape("NEAR(ha noi, 2)"), "near ha noi 2");
        assert_eq!(shape("title:ha -noi OR *"), "title ha noi or");
        assert_eq!(shape("***"), "error: has no letters or digits to search for");
        assert_eq!(shape("  "), "error: is required: type the words to search for");
        assert_eq!(SearchQuery::parse(&"a".repeat(10_000)), Err(QueryError::TooLong));
        assert_eq!(SearchQuery::parse(&"ha ".repeat(20)), Err(QueryError::TooManyWords));
    }

    #[test]
    fn back_end_expressions_use_each_spelling() {
        let q = SearchQuery::parse("\"nghị quyết\" Hà").expect("query");
        let none = Completions::default();
        assert_eq!(
            q.fts5(&["title_f", "body_f"], Spelling::Folded, &none),
            "{title_f body_f} : (\"nghi quyet\" AND \"ha\"*)"
        );
        assert_eq!(q.tsquery(Spelling::Exact), "('nghị' <-> 'quyết') & 'hà':*");
        assert_eq!(q.tsquery(Spelling::Folded), "('nghi' <-> 'quyet') & 'ha':*");
    }

    #[test]
    fn a_completed_prefix_is_matched_as_the_words_it_stands_for() {
        let q = SearchQuery::parse("tai dinh").expect("query");
        assert_eq!(q.prefixes(Spelling::Folded).collect::<Vec<_>>(), ["dinh"]);
        assert_eq!(q.whole_words(Spelling::Folded).collect::<Vec<_>>(), ["tai"]);
        let phrase = SearchQuery::parse("\"Hà Nội\" cầu").expect("query");
        assert_eq!(phrase.whole_words(Spelling::Exact).collect::<Vec<_>>(), ["hà", "nội"]);
        let completions =
            Completions([("dinh".to_owned(), vec!["dinh".to_owned(), "dinhs".to_owned()])].into_iter().collect());
        assert_eq!(q.fts5(&["t"], Spelling::Folded, &completions), "{t} : (\"tai\" AND (\"dinh\" OR \"dinhs\"))");
        let nothing = Completions([("dinh".to_owned(), Vec::new())].into_iter().collect());
        assert_eq!(q.fts5(&["t"], Spelling::Folded, &nothing), "{t} : (\"tai\" AND \"dinh\")");
        let whole = SearchQuery::parse("dinh").expect("query");
        assert_eq!(whole.fts5(&["t"], Spelling::Folded, &completions), "{t} : (\"dinh\")", "not a prefix");
    }

    proptest! {
        #[test]
        fn any_input_parses_or_is_refused_without_panicking(raw in "\\PC{0,300}") {
            if let Ok(q) = SearchQuery::parse(&raw) {
                for expr in [q.fts5(&["c"], Spelling::Exact, &Completions::default()), q.tsquery(Spelling::Folded)] {
                    let words = expr.chars().filter(|c| c.is_alphanumeric()).count();
                    prop_assert!(words > 0);
                }
                for clause in &q.clauses {
                    for word in clause.words() {
                        prop_assert!(word.exact.chars().all(char::is_alphanumeric));
                        prop_assert!(word.folded.chars().all(char::is_alphanumeric));
                    }
                }
            }
        }

        #[test]
        fn accents_case_and_form_do_not_change_the_folded_query(raw in "[a-zA-Zàáạảãâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡư ]{1,40}") {
            use unicode_normalization::UnicodeNormalization;
            let nfd: String = raw.nfd().collect();
            let a = SearchQuery::parse(&raw).map(|q| q.tsquery(Spelling::Folded));
            let b = SearchQuery::parse(&nfd.to_uppercase()).map(|q| q.tsquery(Spelling::Folded));
            prop_assert_eq!(a, b);
        }
    }
}
