//! How a learning question becomes weighted terms for peer matching: its words through the Dutch
//! analysis, compound parts and thesaurus expansions; the cosine and Jaccard overlaps.

use std::collections::{HashMap, HashSet};

use crate::domain::analysis::{decompound, is_stop_word, stem, words, MIN_PART};
use crate::domain::matching::ThesaurusIndex;

/// Weight of a compound part or a thesaurus expansion next to a word of the question itself.
const W_DERIVED: f32 = 0.5;

/// Beginnings of (folded) words that say a question is about working together across
/// organisations (function 3 of the coordination point): for such a question, peers from
/// another target group or sector are preferred.
const TOGETHER_WORDS: &[&str] = &[
    "samenwerk",
    "samen",
    "partner",
    "partij",
    "ketenpartner",
    "afspra",
    "instantie",
    "organisaties",
    "domein",
    "integra",
    "overleg",
    "netwerk",
];

/// The term weights of one question before idf: (provisional term id, weight, own word).
pub(super) type RawTerms = Vec<(u32, f32, bool)>;

/// What is worked out once per distinct word while preparing many questions.
pub(super) struct Analyser<'a> {
    pub(super) vocabulary: &'a HashSet<String>,
    pub(super) thesaurus: ThesaurusIndex,
    /// Folded word → its stem's term id and its compound parts' term ids; `None` for a word
    /// that does not count (stop word, short, a number).
    pub(super) words: HashMap<String, Option<(u32, Vec<u32>)>>,
    /// Stem → provisional term id (in order of first appearance).
    pub(super) ids: HashMap<String, u32>,
    /// Per provisional term id: the stem and the word shown for it (the first word of a
    /// question or compound part with that stem).
    pub(super) stems: Vec<(String, Option<String>)>,
}

impl Analyser<'_> {
    /// The provisional id of `stem`; shown as `surface` when it has no word to show yet.
    fn id(&mut self, stem: String, surface: Option<&str>) -> u32 {
        let id = match self.ids.get(&stem) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.stems.len()).unwrap_or(u32::MAX);
                self.ids.insert(stem.clone(), id);
                self.stems.push((stem, None));
                id
            }
        };
        if let (Some(slot), Some(surface)) = (self.stems.get_mut(id as usize), surface) {
            if slot.1.is_none() {
                slot.1 = Some(surface.to_string());
            }
        }
        id
    }

    /// The raw terms of a text, given folded.
    pub(super) fn raw_terms(&mut self, text: &str, folded: &str) -> RawTerms {
        let mut out: RawTerms = Vec::new();
        let add = |id: u32, w: f32, own: bool, out: &mut RawTerms| {
            let e = match out.iter_mut().find(|e| e.0 == id) {
                Some(e) => e,
                None => {
                    out.push((id, 0.0, false));
                    let last = out.len() - 1;
                    &mut out[last]
                }
            };
            if own && e.2 {
                e.1 += 0.5 * w;
            } else {
                e.1 = e.1.max(w);
            }
            e.2 |= own;
        };
        let lower = text.to_lowercase();
        let originals: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut main: Vec<u32> = Vec::new();
        let mut parts: Vec<u32> = Vec::new();
        for (i, w) in words(folded).enumerate() {
            if !self.words.contains_key(w) {
                let entry =
                    if is_stop_word(w) || w.len() < 3 || w.bytes().all(|b| b.is_ascii_digit()) {
                        None
                    } else {
                        let surface = originals.get(i).copied().unwrap_or(w);
                        let own = self.id(stem(w), Some(surface));
                        let split: Vec<String> = if w.len() >= 2 * MIN_PART {
                            decompound(w, self.vocabulary)
                                .into_iter()
                                .filter(|p| !is_stop_word(p))
                                .collect()
                        } else {
                            Vec::new()
                        };
                        let split = split
                            .into_iter()
                            .map(|p| self.id(stem(&p), Some(&p)))
                            .collect();
                        Some((own, split))
                    };
                self.words.insert(w.to_string(), entry);
            }
            let Some(Some((s, split))) = self.words.get(w) else {
                continue;
            };
            add(*s, 1.0, true, &mut out);
            main.push(*s);
            for &ps in split {
                add(ps, W_DERIVED, false, &mut out);
                parts.push(ps);
            }
        }
        for seq in [&main, &parts] {
            if seq.is_empty() {
                continue;
            }
            let stems: Vec<String> = seq
                .iter()
                .map(|&id| self.stems[id as usize].0.clone())
                .collect();
            for slot in self.thesaurus.expansions(&stems) {
                for phrase in slot {
                    let w = W_DERIVED / phrase.len().max(1) as f32;
                    for s in phrase {
                        let id = self.id(s, None);
                        add(id, w, false, &mut out);
                    }
                }
            }
        }
        out
    }
}

/// Whether a text is about working together.
pub(super) fn about_working_together(folded: &str) -> bool {
    words(folded).any(|w| TOGETHER_WORDS.iter().any(|t| w.starts_with(t)))
}

/// The cosine of two unit vectors sorted by term id.
pub(super) fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += f64::from(a[i].1) * f64::from(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// The Jaccard overlap of two sorted lists.
pub(super) fn jaccard(a: &[u16], b: &[u16]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}
