//! Learning from the coordinator: every match a coordinator confirms or removes and every
//! question marked lacune is a judgement. They train the fit model and give per-offering
//! evidence for the ranking (an offering often removed for questions on a theme drops for
//! questions on that theme). The eval's simulated learning curve takes the same path.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::model::{class_folds, training_fold, Example, Fit, FitModel};
use super::{features, MatchQuery, Matcher};

/// A net judgement of an offering counts as if this many neutral judgements stood beside it,
/// so one removal moves it less than several.
const EVIDENCE_PRIOR: f64 = 2.0;

/// A theme counts for a judgement when the question is at least this much about it.
const EVIDENCE_THEME: f64 = 0.25;

/// Folds of the cross-validated accuracy shown in the back office.
const CV_FOLDS: usize = 5;

/// The least fit examples for a cross-validated accuracy.
const MIN_CV: usize = 10;

/// How many results are ranked to find the features of a judged question.
const RANKED: usize = 10;

/// One learning question as a coordinator judged it.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    /// The question as it was asked.
    pub vraag: MatchQuery,
    /// Marked lacune: no offering answers it.
    pub lacune: bool,
    /// Offering ids whose match the coordinator confirmed (or added).
    pub bevestigd: Vec<String>,
    /// Offering ids whose match the coordinator removed.
    pub afgewezen: Vec<String>,
}

impl Judgement {
    /// The number of judgements it holds: each confirmed or removed match and the lacune mark.
    pub fn count(&self) -> usize {
        self.bevestigd.len() + self.afgewezen.len() + usize::from(self.lacune)
    }

    /// What it says about the fit: `false` for a lacune, `true` when a match was confirmed,
    /// nothing otherwise.
    pub fn passend(&self) -> Option<bool> {
        if self.lacune {
            Some(false)
        } else if !self.bevestigd.is_empty() {
            Some(true)
        } else {
            None
        }
    }
}

/// How much was learned, for the back office and the eval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LearnedSummary {
    /// Judgements learned from (confirmed and removed matches, lacune marks).
    pub oordelen: usize,
    /// Judged questions.
    pub vragen: usize,
    /// Judged questions that teach the fit model (lacune, or a confirmed match).
    pub voorbeelden: usize,
    /// The regularisation strength chosen.
    pub lambda: f64,
    /// Cross-validated `passend` accuracy on the judged questions (5 folds), with at least 10
    /// examples.
    pub accuracy: Option<f64>,
}

/// What the engine learned from coordinators' judgements: a fit model and per-offering evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// The fit model trained on the judgements.
    pub model: FitModel,
    /// Offering id → (theme slug, net judgement -1..1).
    evidence: BTreeMap<String, Vec<(String, f32)>>,
    /// How much was learned.
    pub summary: LearnedSummary,
}

impl Learned {
    /// The net judgement of `offering` for questions on `theme` (0 when never judged).
    pub fn evidence(&self, offering: &str, theme: &str) -> f64 {
        self.evidence
            .get(offering)
            .and_then(|v| v.iter().find(|(t, _)| t == theme))
            .map_or(0.0, |(_, n)| f64::from(*n))
    }
}

impl Matcher {
    /// Learns from `judgements`: the fit model trained from `prior` on the features each judged
    /// question has now (without evidence), and per offering and theme the net judgement.
    /// Deterministic for the same judgements in the same order.
    pub fn learn(&self, judgements: &[Judgement], prior: &FitModel) -> Learned {
        let index: HashMap<&str, usize> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id(), i))
            .collect();
        let mut tally: BTreeMap<(usize, usize), (f64, f64)> = BTreeMap::new();
        let mut examples = Vec::new();
        for j in judgements {
            let (outcome, profile) = self.rank(&j.vraag, RANKED, &[], prior);
            for (ids, sign) in [(&j.bevestigd, 1.0), (&j.afgewezen, -1.0)] {
                for d in ids.iter().filter_map(|id| index.get(id.as_str())) {
                    for (t, &w) in profile.iter().enumerate() {
                        if w >= EVIDENCE_THEME {
                            let e = tally.entry((*d, t)).or_insert((0.0, 0.0));
                            e.0 += sign * w;
                            e.1 += w;
                        }
                    }
                }
            }
            if let Some(passend) = j.passend() {
                if outcome.signalen.antwoord {
                    examples.push(Example {
                        x: features(&outcome.signalen),
                        passend,
                    });
                }
            }
        }
        let mut evidence: BTreeMap<String, Vec<(String, f32)>> = BTreeMap::new();
        for ((d, t), (net, weight)) in tally {
            evidence
                .entry(self.docs[d].id().to_string())
                .or_default()
                .push((
                    self.theme_slugs[t].clone(),
                    (net / (weight + EVIDENCE_PRIOR)) as f32,
                ));
        }
        let (model, lambda) = FitModel::train_chosen(&examples, prior);
        Learned {
            model,
            evidence,
            summary: LearnedSummary {
                oordelen: judgements.iter().map(Judgement::count).sum(),
                vragen: judgements.len(),
                voorbeelden: examples.len(),
                lambda,
                accuracy: cross_validated(&examples, prior),
            },
        }
    }

    /// The matcher with what was learned: its fit model and evidence.
    pub fn with_learned(mut self, learned: &Learned) -> Matcher {
        self.model = learned.model;
        self.learned = Some(learned.summary);
        self.evidence = Vec::new();
        if learned.evidence.is_empty() {
            return self;
        }
        let themes: HashMap<&str, u16> = self
            .theme_slugs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i as u16))
            .collect();
        let mut evidence = vec![Vec::new(); self.docs.len()];
        for (d, doc) in self.docs.iter().enumerate() {
            if let Some(judged) = learned.evidence.get(doc.id()) {
                evidence[d] = judged
                    .iter()
                    .filter_map(|(t, n)| themes.get(t.as_str()).map(|&t| (t, *n)))
                    .collect();
            }
        }
        self.evidence = evidence;
        self
    }
}

/// The `passend` accuracy of the fit model trained from `prior`, cross-validated over
/// `examples`; `None` with fewer than [`MIN_CV`].
fn cross_validated(examples: &[Example], prior: &FitModel) -> Option<f64> {
    if examples.len() < MIN_CV {
        return None;
    }
    let fold_of = class_folds(examples, CV_FOLDS);
    let mut correct = 0usize;
    for f in 0..CV_FOLDS {
        let (model, _) = FitModel::train_chosen(&training_fold(examples, &fold_of, f), prior);
        correct += examples
            .iter()
            .zip(&fold_of)
            .filter(|(e, &g)| {
                g == f && (Fit::of(model.probability(&e.x)) == Fit::Passend) == e.passend
            })
            .count();
    }
    Some(correct as f64 / examples.len() as f64)
}
