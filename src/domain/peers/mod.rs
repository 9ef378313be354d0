//! Peer matching ("anderen met dezelfde vraag"): how alike two learning questions are (their words
//! through the Dutch analysis, compounds and the thesaurus, and their themes), which consenting
//! askers in other municipalities to suggest, with a Dutch explanation, and clusters of similar
//! open questions for the coordinator. Pure code, no I/O.
//!
//! `terms.rs` turns questions into weighted terms, `explain.rs` says in Dutch why a peer is
//! suggested, `clusters.rs` groups open questions, `evaluation.rs` scores and fits the parameters.

mod clusters;
mod evaluation;
mod explain;
mod terms;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use super::analysis::{fold, is_stop_word, words, MIN_PART};
use super::matching::{Thesaurus, ThesaurusIndex};
use super::question::LearningQuestion;
use super::taxonomy::Taxonomy;

pub use clusters::Cluster;
pub use evaluation::{
    aggregate, anchor_outcome, cross_validate, fit_params, parameter_grid, score_peers,
    AnchorOutcome, PeerCvReport, PeerJudgement, PeerScores,
};
use terms::{about_working_together, cosine, jaccard, Analyser, RawTerms};

/// At most this many peers are suggested for one question.
pub const MAX_PEERS: usize = 3;

/// The tunable parts of peer matching, chosen by cross-validation (`wijkwijzer eval --peers`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PeerParams {
    /// Weight of the themes' overlap (Jaccard) next to the text's cosine similarity.
    pub w_theme: f64,
    /// Weight of the overlap of the offerings the matcher finds for both questions (cosine of
    /// their scores), when the index has them: two questions answered by the same offerings
    /// share a need even in other words.
    pub w_offer: f64,
    /// The similarity a peer needs at least; below it nobody is suggested.
    pub threshold: f64,
    /// Bonus in the order for a peer from another target group or sector when the question is
    /// about working together (never lets a peer under the threshold in).
    pub w_mix: f64,
}

impl Default for PeerParams {
    /// The values the grid search chose on all 30 judged anchors of the sample data, with the
    /// matcher's offerings (`wijkwijzer eval --peers … --catalog …`).
    fn default() -> PeerParams {
        PeerParams {
            w_theme: 0.0,
            w_offer: 0.25,
            threshold: 0.3,
            w_mix: 0.05,
        }
    }
}

impl PeerParams {
    /// The values the grid search chose on the same anchors from the text and themes alone
    /// (`wijkwijzer eval --peers …` without `--catalog`), for clustering many questions where
    /// matching each one against the catalogue would cost too much.
    pub fn text_only() -> PeerParams {
        PeerParams {
            w_theme: 0.0,
            w_offer: 0.0,
            threshold: 0.225,
            w_mix: 0.05,
        }
    }
}

/// One question prepared for comparison.
#[derive(Debug, Clone)]
struct Prepared {
    /// Term id and weight (tf·idf, unit length), sorted by term id.
    terms: Vec<(u32, f32)>,
    /// Term ids of the question's own words (not parts or expansions), sorted.
    own: Vec<u32>,
    /// Theme indexes, sorted.
    themes: Vec<u16>,
    /// Whether the question is about working together.
    together: bool,
    /// The matcher's offerings for the question (interned id, unit-length score), sorted.
    offers: Vec<(u32, f32)>,
}

/// What about the peer's asker may be shown (their consent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    /// Role: target group and sector.
    pub role: bool,
    /// Municipality.
    pub gemeente: bool,
}

/// One suggested peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerSuggestion {
    /// Position of the peer's question in the index.
    pub index: usize,
    /// Its similarity to the asker's question.
    pub score: f64,
}

/// Learning questions prepared for peer matching; build once per set of questions.
#[derive(Debug, Clone)]
pub struct PeerIndex {
    questions: Vec<LearningQuestion>,
    prepared: Vec<Prepared>,
    /// Per term id: the word to show for it.
    shown_words: Vec<String>,
    theme_slugs: Vec<String>,
    theme_labels: Vec<String>,
    sector_labels: HashMap<String, String>,
}

/// The municipality as compared: trimmed, lower case; `None` when empty.
fn place(q: &LearningQuestion) -> Option<String> {
    q.gemeente
        .as_deref()
        .map(|g| g.trim().to_lowercase())
        .filter(|g| !g.is_empty())
}

impl PeerIndex {
    /// Prepares `questions` (their order is the index's numbering) with the thesaurus and the
    /// taxonomy's themes.
    pub fn new(
        questions: Vec<LearningQuestion>,
        taxonomy: &Taxonomy,
        thesaurus: &Thesaurus,
    ) -> PeerIndex {
        let folded: Vec<String> = questions.iter().map(|q| fold(&q.vraag)).collect();
        let mut vocabulary: HashSet<String> = HashSet::new();
        let labels: Vec<String> = taxonomy.themas.iter().map(|t| fold(&t.label)).collect();
        for text in folded.iter().chain(&labels) {
            for w in words(text) {
                if w.len() >= MIN_PART
                    && w.is_ascii()
                    && !vocabulary.contains(w)
                    && !is_stop_word(w)
                {
                    vocabulary.insert(w.to_string());
                }
            }
        }
        let theme_index: HashMap<&str, u16> = taxonomy
            .themas
            .iter()
            .enumerate()
            .map(|(i, t)| (t.slug.as_str(), u16::try_from(i).unwrap_or(u16::MAX)))
            .collect();
        let mut analyser = Analyser {
            vocabulary: &vocabulary,
            thesaurus: ThesaurusIndex::new(thesaurus),
            words: HashMap::new(),
            ids: HashMap::new(),
            stems: Vec::new(),
        };
        let raws: Vec<RawTerms> = questions
            .iter()
            .zip(&folded)
            .map(|(q, f)| analyser.raw_terms(&q.vraag, f))
            .collect();
        let stems = analyser.stems;
        // Terms numbered in the sorted order of their stems, so the numbering does not depend
        // on the order of the questions or on hashing.
        let mut order: Vec<usize> = (0..stems.len()).collect();
        order.sort_unstable_by(|&a, &b| stems[a].0.cmp(&stems[b].0));
        let mut remap = vec![0u32; stems.len()];
        for (rank, &p) in order.iter().enumerate() {
            remap[p] = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        let shown_words: Vec<String> = order
            .iter()
            .map(|&p| stems[p].1.clone().unwrap_or_else(|| stems[p].0.clone()))
            .collect();
        let mut df = vec![0u32; stems.len()];
        for r in &raws {
            for t in r {
                df[remap[t.0 as usize] as usize] += 1;
            }
        }
        let n = questions.len().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((n + 1.0) / (d as f32 + 0.5)).ln().max(0.0))
            .collect();
        let prepared = questions
            .iter()
            .zip(&raws)
            .zip(&folded)
            .map(|((q, raw), f)| {
                let mut terms: Vec<(u32, f32)> = raw
                    .iter()
                    .map(|&(p, w, _)| {
                        let id = remap[p as usize];
                        (id, w * idf[id as usize])
                    })
                    .filter(|(_, w)| *w > 0.0)
                    .collect();
                terms.sort_unstable_by_key(|t| t.0);
                let norm = terms.iter().map(|t| t.1 * t.1).sum::<f32>().sqrt();
                if norm > 0.0 {
                    terms.iter_mut().for_each(|t| t.1 /= norm);
                }
                let mut own: Vec<u32> = raw
                    .iter()
                    .filter(|t| t.2)
                    .map(|t| remap[t.0 as usize])
                    .collect();
                own.sort_unstable();
                let mut themes: Vec<u16> = q
                    .themas
                    .iter()
                    .filter_map(|t| theme_index.get(t.as_str()).copied())
                    .collect();
                themes.sort_unstable();
                themes.dedup();
                Prepared {
                    terms,
                    own,
                    themes,
                    together: about_working_together(f),
                    offers: Vec::new(),
                }
            })
            .collect();
        PeerIndex {
            questions,
            prepared,
            shown_words,
            theme_slugs: taxonomy.themas.iter().map(|t| t.slug.clone()).collect(),
            theme_labels: taxonomy.themas.iter().map(|t| t.label.clone()).collect(),
            sector_labels: taxonomy
                .sectoren
                .iter()
                .map(|t| (t.slug.clone(), t.label.clone()))
                .collect(),
        }
    }

    /// The index with, per question (in the index's order), the offerings the matcher found
    /// for it with their scores; used by [`PeerParams::w_offer`].
    pub fn with_offerings(mut self, lists: &[Vec<(String, f64)>]) -> PeerIndex {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        for (p, list) in self.prepared.iter_mut().zip(lists) {
            let mut v: Vec<(u32, f32)> = list
                .iter()
                .map(|(id, score)| {
                    let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                    (*ids.entry(id.as_str()).or_insert(next), *score as f32)
                })
                .filter(|(_, s)| *s > 0.0)
                .collect();
            v.sort_unstable_by_key(|x| x.0);
            v.dedup_by_key(|x| x.0);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|x| x.1 /= norm);
            }
            p.offers = v;
        }
        self
    }

    /// Number of questions in the index.
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// True when the index holds no questions.
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// The question at `i`.
    pub fn question(&self, i: usize) -> Option<&LearningQuestion> {
        self.questions.get(i)
    }

    /// The position of the question with id `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// Whether the question at `i` is about working together (function 3: cross-domain).
    pub fn about_working_together(&self, i: usize) -> bool {
        self.prepared.get(i).is_some_and(|p| p.together)
    }

    /// How alike the questions at `a` and `b` are: the cosine of their words plus the weighted
    /// overlap of their themes (0 for an unknown position).
    pub fn similarity(&self, a: usize, b: usize, params: &PeerParams) -> f64 {
        let (Some(pa), Some(pb)) = (self.prepared.get(a), self.prepared.get(b)) else {
            return 0.0;
        };
        let offers = if params.w_offer > 0.0 {
            params.w_offer * cosine(&pa.offers, &pb.offers)
        } else {
            0.0
        };
        cosine(&pa.terms, &pb.terms) + params.w_theme * jaccard(&pa.themes, &pb.themes) + offers
    }

    /// The peers to suggest for the question at `anchor`: among the questions `eligible` says
    /// may be suggested (consent given, not the asker's own), from another municipality, at
    /// least `threshold` alike; at most [`MAX_PEERS`], best first. When the question is about
    /// working together, a peer from another target group or sector comes first among nearly
    /// equal ones. Empty when nobody is alike enough.
    pub fn suggest(
        &self,
        anchor: usize,
        eligible: impl Fn(usize) -> bool,
        params: &PeerParams,
    ) -> Vec<PeerSuggestion> {
        let Some(a) = self.questions.get(anchor) else {
            return Vec::new();
        };
        let together = self.about_working_together(anchor);
        let home = place(a);
        let mut scored: Vec<(f64, f64, usize)> = (0..self.questions.len())
            .filter(|&i| i != anchor && eligible(i))
            .filter(|&i| home.is_none() || place(&self.questions[i]) != home)
            .map(|i| (self.similarity(anchor, i, params), i))
            .filter(|(s, _)| *s >= params.threshold)
            .map(|(s, i)| {
                let q = &self.questions[i];
                let mixed = q.doelgroep != a.doelgroep || q.sector != a.sector;
                let order = if together && mixed {
                    s + params.w_mix
                } else {
                    s
                };
                (order, s, i)
            })
            .collect();
        scored.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then_with(|| self.questions[x.2].id.cmp(&self.questions[y.2].id))
        });
        scored
            .into_iter()
            .take(MAX_PEERS)
            .map(|(_, score, index)| PeerSuggestion { index, score })
            .collect()
    }

    /// The theme slugs of the index, in taxonomy order.
    pub fn theme_slugs(&self) -> &[String] {
        &self.theme_slugs
    }
}
