//! The Dutch word list (OpenTaal, `data/woordenlijst-nl.txt`) as a compact fst: a real Dutch word
//! is never searched for through a near spelling, as if it were a typo.

use std::sync::OnceLock;

use tantivy_fst::Map;

use crate::domain::analysis::{fold, stem};

/// The words of the list and their stems, in one finite-state set.
pub struct Dictionary {
    /// `None` only if the set could not be built (unsorted input cannot happen: it is sorted).
    words: Option<Map<Vec<u8>>>,
}

impl Dictionary {
    /// The built-in list, built once on first use.
    pub fn builtin() -> &'static Dictionary {
        static BUILTIN: OnceLock<Dictionary> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Dictionary::from_list(include_str!("../../data/woordenlijst-nl.txt")))
    }

    /// A dictionary of the words in `list` (one a line, `#` starts a comment) and their stems.
    pub fn from_list(list: &str) -> Dictionary {
        let mut all: Vec<String> = list
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty() && !w.starts_with('#'))
            .flat_map(|w| {
                let w = fold(w);
                let s = stem(&w);
                [w, s]
            })
            .collect();
        all.sort_unstable();
        all.dedup();
        Dictionary {
            words: Map::from_iter(all.iter().map(|w| (w.as_bytes(), 0u64))).ok(),
        }
    }

    /// True when `word` (folded) or its stem is a Dutch word: "portiek", "portieken".
    pub fn is_word(&self, word: &str) -> bool {
        self.words
            .as_ref()
            .is_some_and(|m| m.contains_key(word) || m.contains_key(stem(word)))
    }

    /// Bytes the set takes in memory.
    pub fn size(&self) -> usize {
        self.words.as_ref().map_or(0, |m| m.as_fst().size())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dutch_words_are_known_and_typos_are_not() {
        let d = Dictionary::builtin();
        for w in [
            "portiek",
            "portieken",
            "overlast",
            "criminaliteit",
            "dealen",
            "buurt",
        ] {
            assert!(d.is_word(w), "{w}");
        }
        for w in ["ondermijnig", "portik", "criminaliteijt"] {
            assert!(!d.is_word(w), "{w}");
        }
        // Compact: well under the memory budget of the server.
        assert!(d.size() < 3_000_000, "{}", d.size());
    }
}
