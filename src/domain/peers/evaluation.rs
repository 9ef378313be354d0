//! Peer quality on judged anchors (precision@3, coverage, nobody-right) and the parameters
//! chosen by cross-validation (`wijkwijzer eval --peers`).

use std::collections::HashMap;

use super::{PeerIndex, PeerParams, PeerSuggestion, Signals, MAX_PEERS};

/// Peer quality on judged anchors: precision@3 of the suggestions (grade 2 counts), how often
/// an anchor with peers gets any, and how often one without gets nobody.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct PeerScores {
    /// Number of anchors.
    pub anchors: usize,
    /// Mean over anchors with a suggestion of (grade-2 peers among them) / (number suggested).
    pub precision3: f64,
    /// Mean over all anchors with a grade-2 peer of (grade-2 peers among the suggestions) / 3.
    pub precision3_strict: f64,
    /// Share of anchors with a grade-2 peer that get at least one suggestion.
    pub coverage: f64,
    /// Share of anchors without a grade-2 peer that get no suggestion.
    pub nobody_right: f64,
    /// Anchors without a grade-2 peer.
    pub anchors_without_peer: usize,
    /// The fitting objective: per anchor the precision of its suggestions (none: 0), or for an
    /// anchor without a peer 1 when nobody is suggested; averaged.
    pub utility: f64,
}

/// One judged anchor: its position in the index and the grades of other questions.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerJudgement {
    /// Position of the anchor in the index.
    pub anchor: usize,
    /// Position → grade (2 same need, 1 related).
    pub grades: HashMap<usize, u8>,
}

/// What the engine did for one judged anchor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnchorOutcome {
    /// Number of peers suggested.
    pub suggested: usize,
    /// Grade-2 peers among them.
    pub relevant: usize,
    /// Whether the anchor has a grade-2 peer at all.
    pub has_peer: bool,
}

/// The suggestions for one anchor with `params`, every question counting as consenting.
pub fn anchor_outcome(index: &PeerIndex, j: &PeerJudgement, params: &PeerParams) -> AnchorOutcome {
    outcome(j, &index.suggest(j.anchor, |_| true, params))
}

/// What `got` is worth for the judged anchor `j`.
fn outcome(j: &PeerJudgement, got: &[PeerSuggestion]) -> AnchorOutcome {
    AnchorOutcome {
        suggested: got.len(),
        relevant: got
            .iter()
            .filter(|s| j.grades.get(&s.index).copied() == Some(2))
            .count(),
        has_peer: j.grades.values().any(|&g| g == 2),
    }
}

/// A judged anchor with the signals of all its candidates worked out once, so that many
/// parameter sets can be tried on it; [`PeerIndex::choose`] gives what `suggest` would.
struct Judged<'a> {
    judgement: &'a PeerJudgement,
    candidates: Vec<Signals>,
}

impl Judged<'_> {
    fn outcome(&self, index: &PeerIndex, params: &PeerParams) -> AnchorOutcome {
        outcome(
            self.judgement,
            &index.choose(self.judgement.anchor, &self.candidates, params),
        )
    }
}

fn prepare<'a>(index: &PeerIndex, judged: &[&'a PeerJudgement]) -> Vec<Judged<'a>> {
    judged
        .iter()
        .map(|j| Judged {
            judgement: j,
            candidates: index.candidates(j.anchor, |_| true),
        })
        .collect()
}

/// The measures over a set of anchor outcomes.
pub fn aggregate(outcomes: &[AnchorOutcome]) -> PeerScores {
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (mut prec, mut strict, mut cover, mut nobody, mut utility) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for o in outcomes {
        let p = (o.suggested > 0).then(|| o.relevant as f64 / o.suggested as f64);
        if let Some(p) = p {
            prec.push(p);
        }
        if o.has_peer {
            strict.push(o.relevant as f64 / MAX_PEERS as f64);
            cover.push(if o.suggested > 0 { 1.0 } else { 0.0 });
            utility.push(p.unwrap_or(0.0));
        } else {
            let none = if o.suggested == 0 { 1.0 } else { 0.0 };
            nobody.push(none);
            utility.push(none);
        }
    }
    PeerScores {
        anchors: outcomes.len(),
        precision3: mean(&prec),
        precision3_strict: mean(&strict),
        coverage: mean(&cover),
        nobody_right: mean(&nobody),
        anchors_without_peer: nobody.len(),
        utility: mean(&utility),
    }
}

/// Scores the suggestions for `judged` with `params`; every question counts as consenting.
pub fn score_peers(
    index: &PeerIndex,
    judged: &[&PeerJudgement],
    params: &PeerParams,
) -> PeerScores {
    let outcomes: Vec<AnchorOutcome> = judged
        .iter()
        .map(|j| anchor_outcome(index, j, params))
        .collect();
    aggregate(&outcomes)
}

/// A cross-validation of peer matching: parameters fitted on the other folds, measured on each.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeerCvReport {
    /// Number of folds.
    pub folds: usize,
    /// The held-out measures pooled over all anchors (each with its own fold's parameters).
    pub held_out: PeerScores,
    /// Per fold: the parameters chosen on its training anchors and its held-out measures.
    pub per_fold: Vec<(PeerParams, PeerScores)>,
    /// The parameters chosen on all anchors, with their (in-sample) measures.
    pub in_sample: (PeerParams, PeerScores),
}

/// Cross-validates peer matching over `judged` in `folds` folds dealt in `order` (a shuffle of
/// the anchors' positions), anchors with and without a grade-2 peer spread evenly.
pub fn cross_validate(
    index: &PeerIndex,
    judged: &[PeerJudgement],
    folds: usize,
    order: &[usize],
) -> PeerCvReport {
    let folds = folds.clamp(2, judged.len().max(2));
    let mut sorted: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| i < judged.len())
        .collect();
    sorted.sort_by_key(|&i| !judged[i].grades.values().any(|&g| g == 2));
    let mut fold_of = vec![0; judged.len()];
    for (n, i) in sorted.into_iter().enumerate() {
        fold_of[i] = n % folds;
    }
    let all: Vec<&PeerJudgement> = judged.iter().collect();
    let prepared = prepare(index, &all);
    let mut pooled = Vec::new();
    let mut per_fold = Vec::new();
    for f in 0..folds {
        let train: Vec<&Judged> = prepared
            .iter()
            .zip(&fold_of)
            .filter(|(_, &k)| k != f)
            .map(|(j, _)| j)
            .collect();
        let params = fit_prepared(index, &train);
        let outcomes: Vec<AnchorOutcome> = prepared
            .iter()
            .zip(&fold_of)
            .filter(|(_, &k)| k == f)
            .map(|(j, _)| j.outcome(index, &params))
            .collect();
        per_fold.push((params, aggregate(&outcomes)));
        pooled.extend(outcomes);
    }
    let params = fit_prepared(index, &prepared.iter().collect::<Vec<_>>());
    PeerCvReport {
        folds,
        held_out: aggregate(&pooled),
        per_fold,
        in_sample: (params, score_peers(index, &all, &params)),
    }
}

/// The parameters tried when fitting: theme and offering weights, typicality, whether only
/// the best peer is suggested, and the threshold, on a grid (the mix bonus stays at 0.05).
/// Within each the value that changes nothing comes first, so that it stays where the others
/// score no better.
pub fn parameter_grid() -> Vec<PeerParams> {
    let mut out = Vec::new();
    for w_theme in [0.0, 0.25, 0.5] {
        for w_offer in [0.0, 0.25, 0.5] {
            for w_typical in [0.0, 0.5, 1.0] {
                for ratio in [0.0, 1.0] {
                    for t in 0..=48 {
                        out.push(PeerParams {
                            w_theme,
                            w_offer,
                            threshold: 0.025 * f64::from(t),
                            w_mix: 0.05,
                            w_typical,
                            ratio,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The parameters of the grid with the best utility on `judged`; ties go to the earlier.
pub fn fit_params(index: &PeerIndex, judged: &[&PeerJudgement]) -> PeerParams {
    let prepared = prepare(index, judged);
    fit_prepared(index, &prepared.iter().collect::<Vec<_>>())
}

fn fit_prepared(index: &PeerIndex, judged: &[&Judged]) -> PeerParams {
    let mut best = (f64::NEG_INFINITY, PeerParams::default());
    for p in parameter_grid() {
        let outcomes: Vec<AnchorOutcome> = judged.iter().map(|j| j.outcome(index, &p)).collect();
        let u = aggregate(&outcomes).utility;
        if u > best.0 + 1e-12 {
            best = (u, p);
        }
    }
    best.1
}
