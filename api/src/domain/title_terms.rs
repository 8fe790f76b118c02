//! The terms of a title that related news compares: adjacent word pairs, folded, because
//! Vietnamese terms are mostly two syllables (`nghị quyết`, `Lạch Huyện`). They are stored
//! with the article when it is written (`articles.title_terms`), so related news compares
//! a few numbers instead of folding a hundred candidate titles on every request. Each term is
//! stored as a 64-bit hash, so PostgreSQL can read the list as a `BIGINT[]` and compare two
//! lists inside the statement that ranks the candidates without collation-aware text
//! comparisons; with 64 bits, two different terms share a hash about once in 10^19 pairs.

use super::search::words;

/// The title's adjacent word pairs, folded, as the decimal hashes of their text
/// (`first second`), in ascending order and without repeats, separated by single spaces;
/// empty when the title has fewer than two words. Words are the search index's words, folded
/// the way search folds them.
pub fn title_terms(title: &str) -> String {
    let words: Vec<String> = words(title).map(|word| word.folded).collect();
    let mut hashes: Vec<i64> = words.windows(2).map(|pair| term_hash(&pair[0], &pair[1])).collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
}

/// FNV-1a (64 bits) of `first second`: stable across Rust releases and platforms, unlike the
/// standard library's hasher, since the hashes are stored.
fn term_hash(first: &str, second: &str) -> i64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let bytes = first.bytes().chain(std::iter::once(b' ')).chain(second.bytes());
    let hash = bytes.fold(OFFSET, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(PRIME));
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// A title's terms, read once to be compared with the terms of many other titles.
#[derive(Debug)]
pub struct Terms(Vec<i64>);

impl Terms {
    /// Reads a list made by [`title_terms`]. A token that is not a number (a damaged value)
    /// is left out, so it matches nothing.
    pub fn parse(list: &str) -> Terms {
        let mut hashes: Vec<i64> = numbers(list).collect();
        hashes.sort_unstable();
        Terms(hashes)
    }

    /// Whether the two titles have a term in common: one walk over both sorted lists.
    pub fn shared_with(&self, other: &Terms) -> bool {
        let (ours, theirs) = (&self.0, &other.0);
        let (mut i, mut j) = (0, 0);
        while let (Some(a), Some(b)) = (ours.get(i), theirs.get(j)) {
            match a.cmp(b) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }
}

fn numbers(list: &str) -> impl Iterator<Item = i64> + '_ {
    list.split(' ').filter_map(|token| token.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn terms_are_the_hashes_of_folded_pairs_in_ascending_order() {
        let terms = title_terms("Nghị quyết mới: cảng Lạch Huyện");
        let hashes: Vec<i64> = terms.split(' ').map(|t| t.parse().expect("a number")).collect();
        assert_eq!(hashes.len(), 5, "{terms}");
        assert!(hashes.windows(2).all(|w| w[0] < w[1]), "{terms}");
        assert!(hashes.contains(&term_hash("lach", "huyen")));
        assert_eq!(title_terms("NGHI QUYET moi, CANG lach huyen"), terms, "folded before hashing");
        let decomposed: String =
            unicode_normalization::UnicodeNormalization::nfd("Nghị quyết mới: cảng Lạch Huyện").collect();
        assert_eq!(title_terms(&decomposed), terms, "the same words in NFD");
        assert_eq!(title_terms("Cảng"), "", "one word has no pair");
        assert_eq!(title_terms(""), "");
        assert_eq!(title_terms("xe buýt, xe buýt").split(' ').count(), 2, "a repeated pair once");
    }

    /// The stored hashes must not change between releases: FNV-1a of `le chan` as an
    /// independent implementation computes it (Python, checked against the published values
    /// for `a` and `foobar`).
    #[test]
    fn hashes_are_stable() {
        let fnv = |hash: u64| i64::from_ne_bytes(hash.to_ne_bytes());
        assert_eq!(term_hash("le", "chan"), fnv(0xd4e8_a0ef_02b7_44ee));
        assert_ne!(term_hash("le", "chan"), term_hash("lec", "han"));
    }

    #[test]
    fn damaged_lists_share_nothing() {
        assert!(!Terms::parse("x y").shared_with(&Terms::parse("x y")));
        assert!(Terms::parse("9 1 5").shared_with(&Terms::parse("2 9")), "in any order");
    }

    #[test]
    fn titles_share_a_term_whatever_their_accents_case_and_punctuation() {
        let ours = Terms::parse(&title_terms("Nghị quyết mới về cảng Lạch Huyện"));
        assert!(ours.shared_with(&Terms::parse(&title_terms("NGHI QUYET cho thanh pho"))));
        assert!(
            ours.shared_with(&Terms::parse(&title_terms("Mở rộng cảng: lạch huyện đón tàu"))),
            "a pair after punctuation"
        );
        assert!(
            !ours.shared_with(&Terms::parse(&title_terms("Quyết nghị của hội đồng"))),
            "the words in the other order"
        );
        assert!(!ours.shared_with(&Terms::parse(&title_terms("Cảng"))));
        assert!(!Terms::parse("").shared_with(&Terms::parse(&title_terms("Nghị quyết mới"))));
    }

    proptest! {
        #[test]
        fn sharing_a_term_is_having_a_pair_of_adjacent_words_in_common(
            a in "[aăâbcdđeê ,.Ạ_]{0,24}",
            b in "[aăâbcdđeê ,.Ạ_]{0,24}",
        ) {
            let pairs = |title: &str| -> Vec<(String, String)> {
                let words: Vec<String> = words(title).map(|word| word.folded).collect();
                words.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect()
            };
            let expected = pairs(&a).iter().any(|pair| pairs(&b).contains(pair));
            prop_assert_eq!(Terms::parse(&title_terms(&a)).shared_with(&Terms::parse(&title_terms(&b))), expected);
        }
    }
}
