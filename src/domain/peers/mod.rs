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
    /// The score a peer needs at least; below it nobody is suggested.
    pub threshold: f64,
    /// Bonus in the order for a peer from another target group or sector when the question is
    /// about working together (never lets a peer under the threshold in).
    pub w_mix: f64,
    /// How much of the peer's typicality (its mean similarity to its nearest questions) is
    /// taken off: a question in common words is near to many and so says little by being near
    /// to this one.
    pub w_typical: f64,
    /// A peer after the first is suggested only with at least this share of the first one's
    /// score: fewer, surer suggestions (1.0: only the best).
    pub ratio: f64,
}

impl Default for PeerParams {
    /// The values the grid search chose on all 30 judged anchors of the sample data, with the
    /// matcher's offerings (`wijkwijzer eval --peers … --catalog …`).
    fn default() -> PeerParams {
        PeerParams {
            w_theme: 0.0,
            w_offer: 0.25,
            threshold: 0.175,
            w_mix: 0.05,
            w_typical: 1.0,
            ratio: 1.0,
        }
    }
}

impl PeerParams {
    /// The values the grid search chose on the same anchors from the text and themes alone
    /// (`wijkwijzer eval --peers …` without `--catalog`): what the site uses for "anderen met
    /// dezelfde vraag".
    pub fn text_only() -> PeerParams {
        PeerParams {
            w_theme: 0.5,
            w_offer: 0.0,
            threshold: 0.525,
            w_mix: 0.05,
            w_typical: 0.5,
            ratio: 1.0,
        }
    }

    /// The similarity clusters of open questions need, from the text alone: clustering many
    /// questions compares them pairwise, without the peers' typicality or roles.
    pub fn clustering() -> PeerParams {
        PeerParams {
            w_theme: 0.0,
            w_offer: 0.0,
            threshold: 0.225,
            w_mix: 0.05,
            w_typical: 0.0,
            ratio: 0.0,
        }
    }

    /// The score of a candidate peer with these weights.
    fn score(&self, s: &Signals) -> f64 {
        let mut v = s.text;
        if self.w_theme > 0.0 {
            v += self.w_theme * s.themes;
        }
        if self.w_offer > 0.0 {
            v += self.w_offer * s.offers;
        }
        v - self.w_typical * s.typical
    }
}

/// What is known about one candidate peer for an anchor, before the parameters weigh it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Signals {
    /// Position of the candidate's question in the index.
    pub(crate) index: usize,
    /// Cosine of the two questions' words.
    pub(crate) text: f64,
    /// Jaccard overlap of their themes.
    pub(crate) themes: f64,
    /// Cosine of the offerings the matcher found for both (0 without them).
    pub(crate) offers: f64,
    /// Another target group or sector.
    pub(crate) mixed: bool,
    /// The candidate's typicality: its mean word similarity to its nearest questions.
    pub(crate) typical: f64,
}

/// Number of nearest questions a question's typicality is the mean over.
const TYPICAL_NEAREST: usize = 10;

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
    /// Per question: its typicality, worked out when first needed.
    typical: Vec<std::sync::OnceLock<f64>>,
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
            typical: (0..questions.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
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

    /// How typical the question at `i` is: the mean word similarity (cosine) to its
    /// [`TYPICAL_NEAREST`] nearest other questions, worked out once per question and index.
    pub fn typicality(&self, i: usize) -> f64 {
        let (Some(slot), Some(p)) = (self.typical.get(i), self.prepared.get(i)) else {
            return 0.0;
        };
        *slot.get_or_init(|| {
            let mut nearest: Vec<f64> = Vec::with_capacity(TYPICAL_NEAREST + 1);
            for (j, q) in self.prepared.iter().enumerate() {
                if j == i {
                    continue;
                }
                let c = cosine(&p.terms, &q.terms);
                if c <= 0.0 {
                    continue;
                }
                if nearest.len() < TYPICAL_NEAREST {
                    nearest.push(c);
                } else if let Some(least) = nearest
                    .iter_mut()
                    .min_by(|x, y| x.total_cmp(y))
                    .filter(|least| c > **least)
                {
                    *least = c;
                }
            }
            nearest.iter().sum::<f64>() / TYPICAL_NEAREST as f64
        })
    }

    /// What is known about the question at `b` as a peer for the one at `a`; its typicality
    /// only when `typical` asks for it (it costs a pass over the index once per question).
    fn signals(&self, a: usize, b: usize, typical: bool) -> Signals {
        let (Some(pa), Some(pb)) = (self.prepared.get(a), self.prepared.get(b)) else {
            return Signals {
                index: b,
                text: 0.0,
                themes: 0.0,
                offers: 0.0,
                mixed: false,
                typical: 0.0,
            };
        };
        let (qa, qb) = (&self.questions[a], &self.questions[b]);
        Signals {
            index: b,
            text: cosine(&pa.terms, &pb.terms),
            themes: jaccard(&pa.themes, &pb.themes),
            offers: cosine(&pa.offers, &pb.offers),
            mixed: qa.doelgroep != qb.doelgroep || qa.sector != qb.sector,
            typical: if typical { self.typicality(b) } else { 0.0 },
        }
    }

    /// The candidate peers for the question at `anchor`: the questions `eligible` allows, not
    /// its own, from another municipality; each with all its signals.
    pub(crate) fn candidates(
        &self,
        anchor: usize,
        eligible: impl Fn(usize) -> bool,
    ) -> Vec<Signals> {
        let Some(a) = self.questions.get(anchor) else {
            return Vec::new();
        };
        let home = place(a);
        (0..self.questions.len())
            .filter(|&i| i != anchor && eligible(i))
            .filter(|&i| home.is_none() || place(&self.questions[i]) != home)
            .map(|i| self.signals(anchor, i, true))
            .collect()
    }

    /// The peers to suggest for the question at `anchor`: among the questions `eligible` says
    /// may be suggested (consent given, not the asker's own), from another municipality, with
    /// a score of at least the threshold; at most [`MAX_PEERS`], best first, and after the
    /// first only those nearly as good. When the question is about working together, a peer
    /// from another target group or sector comes first among nearly equal ones. Empty when
    /// nobody is alike enough.
    pub fn suggest(
        &self,
        anchor: usize,
        eligible: impl Fn(usize) -> bool,
        params: &PeerParams,
    ) -> Vec<PeerSuggestion> {
        let Some(a) = self.questions.get(anchor) else {
            return Vec::new();
        };
        let home = place(a);
        let untypical = PeerParams {
            w_typical: 0.0,
            ..*params
        };
        // The typicality only lowers a score, so it is worked out only for the questions that
        // could pass without it.
        let candidates: Vec<Signals> = (0..self.questions.len())
            .filter(|&i| i != anchor && eligible(i))
            .filter(|&i| home.is_none() || place(&self.questions[i]) != home)
            .map(|i| self.signals(anchor, i, false))
            .filter(|s| untypical.score(s) >= params.threshold)
            .map(|mut s| {
                if params.w_typical > 0.0 {
                    s.typical = self.typicality(s.index);
                }
                s
            })
            .collect();
        self.choose(anchor, &candidates, params)
    }

    /// The suggestions for `anchor` among `candidates` with `params` (see [`Self::suggest`]).
    pub(crate) fn choose(
        &self,
        anchor: usize,
        candidates: &[Signals],
        params: &PeerParams,
    ) -> Vec<PeerSuggestion> {
        let together = self.about_working_together(anchor);
        // Before `other` in the order: higher (with the mix bonus), then the smaller id.
        let before = |x: &(f64, f64, usize), y: &(f64, f64, usize)| {
            y.0.total_cmp(&x.0)
                .then_with(|| self.questions[x.2].id.cmp(&self.questions[y.2].id))
        };
        let mut best = f64::NEG_INFINITY;
        let mut top: Vec<(f64, f64, usize)> = Vec::with_capacity(MAX_PEERS + 1);
        for c in candidates {
            let s = params.score(c);
            if s < params.threshold {
                continue;
            }
            best = best.max(s);
            let order = if together && c.mixed {
                s + params.w_mix
            } else {
                s
            };
            let x = (order, s, c.index);
            if top.len() == MAX_PEERS
                && top
                    .last()
                    .is_some_and(|l| before(&x, l) != std::cmp::Ordering::Less)
            {
                continue;
            }
            let at = top.partition_point(|y| before(y, &x) == std::cmp::Ordering::Less);
            top.insert(at, x);
            top.truncate(MAX_PEERS);
        }
        top.into_iter()
            .enumerate()
            .filter(|(n, x)| *n == 0 || x.1 >= params.ratio * best)
            .map(|(_, (_, score, index))| PeerSuggestion { index, score })
            .collect()
    }

    /// The theme slugs of the index, in taxonomy order.
    pub fn theme_slugs(&self) -> &[String] {
        &self.theme_slugs
    }
}
