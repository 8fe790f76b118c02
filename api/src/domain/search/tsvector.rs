//! PostgreSQL `tsvector` values written out here rather than by `to_tsvector`: the index's
//! words are already cut and spelled by [`super::words`], and PostgreSQL's parser reading
//! them again was most of the database's work when articles are saved in bulk. Positions
//! follow PostgreSQL's own numbering, so phrases match as they did with `to_tsvector`.

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
    let mut occurrences: Vec<(&str, usize, u16)> = Vec::new();
    let mut position: u16 = 0;
    for (text_index, text) in texts.iter().enumerate() {
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            position = position.saturating_add(1).min(MAX_POSITION);
            occurrences.push((word, text_index, position));
        }
    }
    // By word, then text and position: each word's positions stay in text order.
    occurrences.sort_unstable();
    let mut out = String::with_capacity(occurrences.len() * 12);
    for group in occurrences.chunk_by(|a, b| a.0 == b.0) {
        if !out.is_empty() {
            out.push(' ');
        }
        push_quoted(&mut out, group[0].0);
        let mut kept = 0;
        for in_text in group.chunk_by(|a, b| a.1 == b.1) {
            let mut kept_in_text = 0;
            let mut last = 0;
            for &(_, _, position) in in_text {
                if position == last || kept_in_text == MAX_POSITIONS || kept == MAX_JOINED_POSITIONS {
                    continue;
                }
                out.push(if kept == 0 { ':' } else { ',' });
                out.push_str(&position.to_string());
                last = position;
                kept += 1;
                kept_in_text += 1;
            }
        }
    }
    out
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

    proptest! {
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
