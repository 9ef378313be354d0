//! Query analysis: a question into weighted indexed terms, with compound parts, thesaurus
//! expansions and typo corrections.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use super::super::analysis::{decompound, fold, is_stop_word, stem, words, MIN_PART};
use super::Matcher;

/// One weighted query term.
#[derive(Debug, Clone)]
pub(super) struct QTerm {
    pub(super) term: u32,
    pub(super) weight: f64,
    /// The word shown in the "waarom".
    pub(super) label: String,
    /// The original term this one stands for (itself, or the word it was expanded from), so
    /// coverage counts a question word once.
    pub(super) origin: usize,
}

impl Matcher {
    /// The indexed term for an unknown (folded) question word with a single typo: a catalogue
    /// word one insertion, deletion, substitution or transposition away.
    fn lookup_typo(&self, word: &str) -> Option<u32> {
        if word.len() < 5 || !word.is_ascii() {
            return None;
        }
        let mut found: Vec<u32> = Vec::new();
        if let Some(v) = self.deletions.get(word) {
            found.extend(v);
        }
        for del in single_deletions(word) {
            if let Ok(i) = self
                .typo_words
                .binary_search_by(|(w, _)| w.as_str().cmp(&del))
            {
                found.push(i as u32);
            }
            if let Some(v) = self.deletions.get(&del) {
                found.extend(v);
            }
        }
        found.sort_unstable();
        found.dedup();
        // A shared deletion can be two edits away: check, then prefer the most common term.
        found
            .into_iter()
            .map(|i| &self.typo_words[i as usize])
            .filter(|(w, _)| within_one_edit(word, w))
            .map(|(w, id)| (*id, w.as_str()))
            .max_by(|a, b| {
                self.postings
                    .list(a.0 as usize)
                    .len()
                    .cmp(&self.postings.list(b.0 as usize).len())
                    .then_with(|| b.0.cmp(&a.0))
                    .then_with(|| b.1.cmp(a.1))
            })
            .map(|(id, _)| id)
    }

    /// Analyses the question into weighted indexed terms.
    pub(super) fn query_terms(&self, vraag: &str) -> (Vec<QTerm>, usize) {
        let p = &self.params;
        let folded = fold(vraag);
        // Main sequence: (folded word, stem), stop words dropped.
        let seq: Vec<(String, String)> = words(&folded)
            .filter(|w| !is_stop_word(w))
            .map(|w| (w.to_string(), stem(w)))
            .collect();
        let mut out: Vec<QTerm> = Vec::new();
        let push = |out: &mut Vec<QTerm>, term: u32, weight: f64, label: &str, origin: usize| {
            out.push(QTerm {
                term,
                weight,
                label: label.to_string(),
                origin,
            });
        };
        // Words a thesaurus rule knows are real words, not typos of a catalogue word.
        let main_stems: Vec<String> = seq.iter().map(|(_, s)| s.clone()).collect();
        let by_thesaurus = self.thesaurus.expansions(&main_stems);
        // Stems of the question (with compound parts), for thesaurus matching.
        let mut part_stems: Vec<(String, usize)> = Vec::new();
        for (origin, (word, s)) in seq.iter().enumerate() {
            let term = self.term_ids.get(s).copied();
            if let Some(id) = term {
                push(&mut out, id, 1.0, word, origin);
            }
            // Known to the catalogue text (not only from learning questions).
            let known = term.filter(|&id| !self.postings.list(id as usize).is_empty());
            let parts = if word.len() >= 2 * MIN_PART {
                decompound(word, &self.vocabulary)
            } else {
                Vec::new()
            };
            for part in &parts {
                if is_stop_word(part) {
                    continue;
                }
                let ps = stem(part);
                if let Some(&id) = self.term_ids.get(&ps) {
                    let w = if known.is_some() {
                        p.q_part
                    } else {
                        p.q_part.max(0.8)
                    };
                    push(&mut out, id, w, part, origin);
                }
                part_stems.push((ps, origin));
            }
            if known.is_none() && parts.is_empty() && by_thesaurus[origin].is_empty() {
                if let Some(id) = self.lookup_typo(word) {
                    push(&mut out, id, p.q_typo, word, origin);
                }
            }
        }
        // Thesaurus: phrases over the main sequence, single words also over compound parts.
        let stems: Vec<&str> = seq.iter().map(|(_, s)| s.as_str()).collect();
        for rule in &self.thesaurus.rules {
            let n = rule.from.len();
            let mut origin = None;
            if n <= stems.len() {
                for i in 0..=stems.len() - n {
                    if stems[i..i + n].iter().zip(&rule.from).all(|(a, b)| *a == b) {
                        origin = Some(i);
                        break;
                    }
                }
            }
            if origin.is_none() && n == 1 {
                origin = part_stems
                    .iter()
                    .find(|(s, _)| *s == rule.from[0])
                    .map(|(_, o)| *o);
            }
            let Some(origin) = origin else { continue };
            for e in &rule.to {
                let share = p.q_thesaurus / e.stems.len() as f64;
                for s in &e.stems {
                    if let Some(&id) = self.term_ids.get(s) {
                        push(
                            &mut out,
                            id,
                            share.max(p.q_thesaurus * 0.5),
                            &e.text,
                            origin,
                        );
                    }
                }
            }
        }
        // Question words the catalogue does not know at all (not even through the thesaurus).
        let covered: HashSet<usize> = out.iter().map(|q| q.origin).collect();
        let unknown = seq
            .iter()
            .enumerate()
            .filter(|(i, (w, _))| {
                !covered.contains(i) && w.len() >= 4 && !w.bytes().all(|b| b.is_ascii_digit())
            })
            .count();
        // Merge duplicates: keep the strongest weight per term, summing repeated question words
        // sub-linearly.
        let mut merged: Vec<QTerm> = Vec::new();
        let mut at: HashMap<u32, usize> = HashMap::new();
        for q in out {
            match at.get(&q.term) {
                Some(&i) => {
                    let m = &mut merged[i];
                    if q.weight > m.weight {
                        m.weight = q.weight + 0.25 * m.weight;
                        m.label = q.label;
                        m.origin = q.origin;
                    } else {
                        m.weight += 0.25 * q.weight;
                    }
                }
                None => {
                    at.insert(q.term, merged.len());
                    merged.push(q);
                }
            }
        }
        merged.sort_by_key(|q| q.term);
        (merged, unknown)
    }
}

/// The variants of an ASCII word with one character deleted.
pub(super) fn single_deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    (0..word.len()).map(move |i| {
        let mut del = String::with_capacity(word.len());
        del.push_str(&word[..i]);
        del.push_str(&word[i + 1..]);
        del
    })
}

/// True when `a` and `b` differ by at most one insertion, deletion, substitution or
/// transposition of adjacent characters (ASCII).
pub(super) fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return true;
    }
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match la.cmp(&lb) {
        Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        Ordering::Greater => ra[1..] == *rb,
        Ordering::Less => *ra == rb[1..],
    }
}
