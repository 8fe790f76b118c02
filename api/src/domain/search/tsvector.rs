//! PostgreSQL `tsvector` values written out here rather than by `to_tsvector`: the index's
//! words are already cut and spelled by [`super::words`], and PostgreSQL's parser reading
//! them again was most of the database's work when articles are saved in bulk. Positions
//! follow PostgreSQL's own numbering, so phrases match as they did with `to_tsvector`.

use std::collections::HashMap;

use foldhash::fast::RandomState;

/// The highest position PostgreSQL stores; later words share it.
const MAX_POSITION: u16 = 16_383;
/// The most positions `to_tsvector` keeps for one word of one text.
const MAX_POSITIONS: usize = 255;
/// The most positions a word keeps when vectors are joined with `||`.
const MAX_JOINED_POSITIONS: usize = 256;

/// The `tsvector` text of `texts`, each a sequence of index words joined by spaces
/// ([`super::IndexedText`]). The words are numbered from 1 on through all the texts, as
/// `to_tsvector('simple', a) || to_tsvector('simple', b)` numbers them; lexemes are sorted
/// and unique, as PostgreSQL stores them, so it only checks the order while reading.
pub fn tsvector(texts: &[&str]) -> String {
    // Each distinct word gets a number; only the distinct words are sorted (an article's
    // body repeats its few hundred words a thousand times and more).
    let mut numbers: HashMap<&str, usize, RandomState> = HashMap::default();
    let mut distinct: Vec<&str> = Vec::new();
    let mut occurrences: Vec<(usize, Occurrence)> = Vec::new();
    let mut position: u16 = 0;
    for (text, words) in texts.iter().enumerate() {
        for word in words.split(' ').filter(|w| !w.is_empty()) {
            position = position.saturating_add(1).min(MAX_POSITION);
            let number = *numbers.entry(word).or_insert_with(|| {
                distinct.push(word);
                distinct.len() - 1
            });
            occurrences.push((number, Occurrence { text, position }));
        }
    }
    // Grouped by word, each group in reading order: a counting sort by word number.
    let mut starts = vec![0; distinct.len() + 1];
    for (number, _) in &occurrences {
        starts[number + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut free = starts.clone();
    let mut grouped = vec![Occurrence { text: 0, position: 0 }; occurrences.len()];
    for (number, occurrence) in occurrences {
        grouped[free[number]] = occurrence;
        free[number] += 1;
    }
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    order.sort_unstable_by_key(|&number| distinct[number]);

    let mut out = String::with_capacity(grouped.len() * 8 + distinct.iter().map(|w| w.len() + 3).sum::<usize>());
    let mut digits = itoa::Buffer::new();
    for number in order {
        if !out.is_empty() {
            out.push(' ');
        }
        push_quoted(&mut out, distinct[number]);
        let mut kept = 0;
        for in_text in grouped[starts[number]..starts[number + 1]].chunk_by(|a, b| a.text == b.text) {
            let mut kept_in_text = 0;
            let mut last = 0;
            for occurrence in in_text {
                if occurrence.position == last || kept_in_text == MAX_POSITIONS || kept == MAX_JOINED_POSITIONS {
                    continue;
                }
                out.push(if kept == 0 { ':' } else { ',' });
                out.push_str(digits.format(occurrence.position));
                last = occurrence.position;
                kept += 1;
                kept_in_text += 1;
            }
        }
    }
    out
}

/// Where a word occurs: which of the texts, and its position through all of them.
#[derive(Clone, Copy)]
struct Occurrence {
    text: usize,
    position: u16,
}

/// Index words are letters and digits only; quotes and backslashes are escaped all the same,
/// so no text can end the lexeme early.
fn push_quoted(out: &mut String, word: &str) {
    out.push('\'');
    for c in word.chars() {
        if matches!(c, '\'' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lexemes_are_sorted_once_with_their_positions_through_every_text() {
        assert_eq!(tsvector(&["cang hai phong", "hai cang moi"]), "'cang':1,5 'hai':2,4 'moi':6 'phong':3");
        assert_eq!(tsvector(&["", "xe buyt"]), "'buyt':2 'xe':1");
        assert_eq!(tsvector(&[]), "");
        assert_eq!(tsvector(&["đường di"]), "'di':2 'đường':1", "bytes order lexemes, as PostgreSQL does");
    }

    #[test]
    fn positions_stop_where_postgresql_stops_them() {
        let long = vec!["a"; 20_000].join(" ");
        let vector = tsvector(&[&long]);
        assert_eq!(vector.matches(',').count(), MAX_POSITIONS - 1);
        let joined = tsvector(&["a", &long]);
        assert_eq!(joined.matches(',').count(), MAX_JOINED_POSITIONS - 1, "one more from the first text");
        let tail = format!("{} b c", vec!["x"; 16_400].join(" "));
        assert!(tsvector(&[&tail]).starts_with("'b':16383 'c':16383 'x':1,"), "later words share the last position");
    }

    #[test]
    fn quotes_cannot_end_a_lexeme() {
        assert_eq!(tsvector(&["it's a\\b"]), r"'a\\b':2 'it\'s':1");
    }

    /// PostgreSQL's own reading of several texts: every occurrence sorted by word, then text
    /// and place, each word keeping its first positions.
    fn sorted_occurrences(texts: &[&str]) -> String {
        let mut occurrences = Vec::new();
        let mut position: u16 = 0;
        for (text, words) in texts.iter().enumerate() {
            for word in words.split(' ').filter(|w| !w.is_empty()) {
                position = position.saturating_add(1).min(MAX_POSITION);
                occurrences.push((word, text, position));
            }
        }
        occurrences.sort();
        let mut lexemes = Vec::new();
        for group in occurrences.chunk_by(|a, b| a.0 == b.0) {
            let mut positions = Vec::new();
            for in_text in group.chunk_by(|a, b| a.1 == b.1) {
                let mut in_this = in_text.iter().map(|o| o.2).collect::<Vec<_>>();
                in_this.dedup();
                in_this.truncate(MAX_POSITIONS);
                positions.extend(in_this);
            }
            positions.truncate(MAX_JOINED_POSITIONS);
            let positions: Vec<String> = positions.iter().map(u16::to_string).collect();
            lexemes.push(format!("'{}':{}", group[0].0, positions.join(",")));
        }
        lexemes.join(" ")
    }

    proptest! {
        #[test]
        fn several_texts_read_as_postgresql_reads_them(
            // One frequent word passes the limits on positions per text and per lexeme.
            texts in prop::collection::vec(
                prop::collection::vec(prop_oneof![3 => Just("a".to_owned()), 1 => "[a-cđ]{1,2}"], 0..600),
                0..4,
            ),
        ) {
            let texts: Vec<String> = texts.iter().map(|words| words.join(" ")).collect();
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            prop_assert_eq!(tsvector(&texts), sorted_occurrences(&texts));
        }

        #[test]
        fn every_word_is_one_lexeme_with_its_first_positions(words in prop::collection::vec("[a-dđ]{1,3}", 0..40)) {
            let text = words.join(" ");
            let vector = tsvector(&[&text]);
            let lexemes: Vec<&str> = vector.split(' ').filter(|l| !l.is_empty()).collect();
            let mut distinct = words.clone();
            distinct.sort();
            distinct.dedup();
            prop_assert_eq!(lexemes.len(), distinct.len());
            for (lexeme, word) in lexemes.iter().zip(&distinct) {
                let positions: Vec<String> = words
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| *w == word)
                    .map(|(i, _)| (i + 1).to_string())
                    .collect();
                prop_assert_eq!(*lexeme, format!("'{word}':{}", positions.join(",")));
            }
        }
    }
}
