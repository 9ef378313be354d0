//! Quality measures of the matching engine on judged questions: nDCG@5 (gain = grade, log2
//! discount), recall@10 of grade ≥ 2, and the accuracy of `passend` against `lacune`; k-fold
//! cross-validation of the fit model with reliability bins and a simulated learning curve.

use std::collections::HashMap;

use serde::Serialize;

use super::matching::{
    features, Fit, FitModel, Judgement, MatchOutcome, MatchQuery, Matcher, N_FEATURES,
};

/// One judged question with the engine's answer.
pub struct Judged<'a> {
    /// Offering id → grade (3 well, 2 useful, 1 related).
    pub grades: &'a HashMap<String, u8>,
    /// True when no offering answers the question well.
    pub lacune: bool,
    /// The engine's ranking, best first.
    pub ranked: Vec<&'a str>,
    /// The engine's `passend`.
    pub passend: bool,
}

/// The averaged measures.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Number of questions.
    pub questions: usize,
    /// Mean nDCG@5 over questions with grades.
    pub ndcg5: f64,
    /// Mean recall@10 of grade ≥ 2 over questions that have such offerings.
    pub recall10: f64,
    /// Share of questions where `passend` equals `!lacune`.
    pub passend_accuracy: f64,
}

/// nDCG at `k` of a ranking against grades.
pub fn ndcg(ranked: &[&str], grades: &HashMap<String, u8>, k: usize) -> f64 {
    let gain = |g: u8, i: usize| f64::from(g) / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, d)| gain(grades.get(*d).copied().unwrap_or(0), i))
        .sum();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .into_iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(g, i))
        .sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

/// Averages the measures over `judged`.
pub fn score(judged: &[Judged<'_>]) -> Scores {
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let mut nd = Vec::new();
    let mut rec = Vec::new();
    let mut acc = Vec::new();
    for j in judged {
        if !j.grades.is_empty() {
            nd.push(ndcg(&j.ranked, j.grades, 5));
        }
        let good: Vec<&String> = j
            .grades
            .iter()
            .filter(|(_, g)| **g >= 2)
            .map(|(d, _)| d)
            .collect();
        if !good.is_empty() {
            let top: Vec<&str> = j.ranked.iter().take(10).copied().collect();
            rec.push(
                good.iter().filter(|d| top.contains(&d.as_str())).count() as f64
                    / good.len() as f64,
            );
        }
        acc.push(if j.passend != j.lacune { 1.0 } else { 0.0 });
    }
    Scores {
        questions: judged.len(),
        ndcg5: mean(&nd),
        recall10: mean(&rec),
        passend_accuracy: mean(&acc),
    }
}

/// A judged question as read from a judged file (one JSON object per line, with `id`, `vraag`,
/// optional `doelgroep` and `sector`, `relevant` (offering id → grade) and `lacune`).
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedQuestion {
    /// The question's id.
    pub id: String,
    /// The question in the asker's words.
    pub vraag: String,
    /// Target group slug of the asker.
    pub doelgroep: Option<String>,
    /// Sector slug of the asker.
    pub sector: Option<String>,
    /// Offering id → grade (3 well, 2 useful, 1 related).
    pub grades: HashMap<String, u8>,
    /// True when no offering answers the question well.
    pub lacune: bool,
}

/// The lines of a JSON Lines file as JSON, each with its line number (from 1); blank lines are
/// passed over, and a line that is no JSON is an error that names it (Dutch).
pub fn json_lines(
    text: &str,
) -> impl Iterator<Item = Result<(usize, serde_json::Value), String>> + '_ {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line)
                .map(|v| (n + 1, v))
                .map_err(|e| format!("regel {}: geen JSON: {e}", n + 1))
        })
}

/// Reads a judged file; errors name the line (Dutch).
pub fn parse_judged(text: &str) -> Result<Vec<JudgedQuestion>, String> {
    let mut out = Vec::new();
    for line in json_lines(text) {
        let (n, v) = line?;
        let text_of = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let vraag = text_of("vraag")
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("regel {n}: 'vraag' ontbreekt"))?;
        let grades = v
            .get("relevant")
            .and_then(|r| r.as_object())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, g)| g.as_u64().map(|g| (k.clone(), g.min(3) as u8)))
                    .collect()
            })
            .unwrap_or_default();
        out.push(JudgedQuestion {
            id: text_of("id").unwrap_or_default(),
            vraag,
            doelgroep: text_of("doelgroep"),
            sector: text_of("sector"),
            grades,
            lacune: v.get("lacune").and_then(|x| x.as_bool()).unwrap_or(false),
        });
    }
    Ok(out)
}

/// One judged question with what the engine makes of it before anything is fitted: its
/// ranking and the features of its best result.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Offering id → grade.
    pub grades: HashMap<String, u8>,
    /// True when no offering answers the question well.
    pub lacune: bool,
    /// The engine's ranking, best first.
    pub ranked: Vec<String>,
    /// The fit model's features of the best result.
    pub x: [f64; N_FEATURES],
    /// Whether a result that can answer a question was found at all (else: `geen`).
    pub antwoord: bool,
}

impl Case {
    /// The case of a judged question and the engine's outcome for it.
    pub fn new(q: &JudgedQuestion, outcome: &MatchOutcome) -> Case {
        Case {
            grades: q.grades.clone(),
            lacune: q.lacune,
            ranked: outcome.resultaten.iter().map(|r| r.id.clone()).collect(),
            x: features(&outcome.signalen),
            antwoord: outcome.signalen.antwoord,
        }
    }

    fn kans(&self, model: &FitModel) -> f64 {
        if self.antwoord {
            model.probability(&self.x)
        } else {
            0.0
        }
    }
}

/// A measure over the folds: the mean and spread of the held-out figures, and the figure when
/// fitted and scored on all questions (in-sample) beside it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measure {
    /// Mean over the held-out folds.
    pub gemiddeld: f64,
    /// Standard deviation over the held-out folds.
    pub spreiding: f64,
    /// Fitted and scored on all questions.
    pub in_sample: f64,
}

/// One reliability bin of the held-out probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bin {
    /// Lower bound of the predicted probability.
    pub van: f64,
    /// Upper bound (exclusive, except for the last bin).
    pub tot: f64,
    /// Number of questions in the bin.
    pub vragen: usize,
    /// Mean predicted probability.
    pub voorspeld: f64,
    /// Observed share of questions with a good answer.
    pub waargenomen: f64,
    /// Within 0.15 (only judged for bins of at least 10 questions).
    pub binnen_marge: bool,
}

/// How the held-out questions fall over the three answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct AnswerCount {
    /// Number of questions with this answer.
    pub vragen: usize,
    /// Of those, how many are judged a lacune.
    pub lacune: usize,
}

/// One point of the learning curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    /// Number of coordinator judgements learned from (per training fold).
    pub oordelen: usize,
    /// Held-out `passend` accuracy, mean over the folds.
    pub passend_accuracy: f64,
    /// Its standard deviation over the folds.
    pub spreiding: f64,
    /// Held-out nDCG@5, mean over the folds (the ranking evidence at work).
    pub ndcg5: f64,
}

/// The outcome of k-fold cross-validation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CvReport {
    /// Number of questions.
    pub vragen: usize,
    /// Number of folds.
    pub folds: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// nDCG@5.
    pub ndcg5: Measure,
    /// recall@10 of grade ≥ 2.
    pub recall10: Measure,
    /// Accuracy of `passend` against `lacune`.
    pub passend_accuracy: Measure,
    /// The scores before anything is learned (the prior rule, no evidence), for comparison.
    pub zonder_leren: Scores,
    /// Accuracy of always answering `passend`, for comparison.
    pub altijd_passend: f64,
    /// Held-out answers: `passend`, `mogelijk`, `geen`.
    pub antwoorden: [(Fit, AnswerCount); 3],
    /// Reliability of the held-out probabilities.
    pub betrouwbaarheid: Vec<Bin>,
    /// Held-out accuracy after learning from 0, 20, 50 and 100 judged questions, replayed one
    /// by one in a seeded order from the training folds through [`Matcher::learn`], starting
    /// from the prior rule.
    pub leercurve: Vec<CurvePoint>,
    /// The regularisation strength chosen within each training fold (by [`FitModel::train_chosen`]).
    pub lambda_per_fold: Vec<f64>,
    /// The regularisation strength chosen on all questions.
    pub lambda: f64,
    /// The model fitted on all questions (the one the engine ships with).
    pub model_alle_vragen: FitModel,
}

/// Points of the learning curve.
pub const CURVE: [usize; 4] = [0, 20, 50, 100];

/// A small deterministic generator (SplitMix64), for fold assignment and replay order.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// `0..n` in the seeded order the folds are dealt from (also for peer matching).
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    SplitMix(seed).shuffle(&mut order);
    order
}

/// The fold of each case: shuffled with `seed`, then dealt out per class (lacune or not) so
/// each fold has about the same share of lacunes.
pub fn assign_folds(cases: &[Case], folds: usize, seed: u64) -> Vec<usize> {
    let folds = folds.max(1);
    let mut order: Vec<usize> = (0..cases.len()).collect();
    SplitMix(seed).shuffle(&mut order);
    order.sort_by_key(|&i| cases[i].lacune);
    let mut out = vec![0; cases.len()];
    for (n, i) in order.into_iter().enumerate() {
        out[i] = n % folds;
    }
    out
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 {
        v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}

/// The scores of `model` on the cases `idx`.
fn score_cases(cases: &[Case], idx: &[usize], model: &FitModel) -> Scores {
    let judged: Vec<Judged> = idx
        .iter()
        .map(|&i| {
            let c = &cases[i];
            Judged {
                grades: &c.grades,
                lacune: c.lacune,
                ranked: c.ranked.iter().map(String::as_str).collect(),
                passend: Fit::of(c.kans(model)) == Fit::Passend,
            }
        })
        .collect();
    score(&judged)
}

/// The scores of `model` on all `cases`.
pub fn score_with(cases: &[Case], model: &FitModel) -> Scores {
    let all: Vec<usize> = (0..cases.len()).collect();
    score_cases(cases, &all, model)
}

/// Reliability bins (five of width 0.2) of predicted probabilities against outcomes.
pub fn reliability(predictions: &[(f64, bool)]) -> Vec<Bin> {
    (0..5)
        .map(|b| {
            let (van, tot) = (b as f64 * 0.2, (b + 1) as f64 * 0.2);
            let inside: Vec<&(f64, bool)> = predictions
                .iter()
                .filter(|(p, _)| *p >= van && (*p < tot || (b == 4 && *p <= tot)))
                .collect();
            let n = inside.len();
            let (voorspeld, waargenomen) = if n == 0 {
                (0.0, 0.0)
            } else {
                (
                    inside.iter().map(|x| x.0).sum::<f64>() / n as f64,
                    inside.iter().filter(|x| x.1).count() as f64 / n as f64,
                )
            };
            Bin {
                van,
                tot,
                vragen: n,
                voorspeld,
                waargenomen,
                binnen_marge: n < 10 || (voorspeld - waargenomen).abs() <= 0.15,
            }
        })
        .collect()
}

/// How many of the engine's first suggestions a simulated coordinator looks at.
pub const SHOWN: usize = 5;

/// A judged question replayed as a coordinator's judgement of the engine's suggestions
/// `ranked`: each offering judged useful (grade ≥ 2) confirmed (or added), each of the first
/// [`SHOWN`] suggestions without a grade removed, and a lacune marked as such.
pub fn simulated_judgement(q: &JudgedQuestion, ranked: &[String]) -> Judgement {
    let mut bevestigd: Vec<String> = q
        .grades
        .iter()
        .filter(|(_, g)| **g >= 2)
        .map(|(d, _)| d.clone())
        .collect();
    bevestigd.sort();
    Judgement {
        vraag: query_of(q),
        lacune: q.lacune,
        bevestigd,
        afgewezen: ranked
            .iter()
            .take(SHOWN)
            .filter(|d| !q.grades.contains_key(*d))
            .cloned()
            .collect(),
    }
}

/// The question as the engine is asked it.
pub fn query_of(q: &JudgedQuestion) -> MatchQuery {
    MatchQuery {
        vraag: q.vraag.clone(),
        doelgroep: q.doelgroep.clone(),
        sector: q.sector.clone(),
        themas: Vec::new(),
    }
}

/// The cases of the questions `idx` for `matcher`.
fn cases_of(matcher: &Matcher, judged: &[JudgedQuestion], idx: &[usize]) -> Vec<(usize, Case)> {
    idx.iter()
        .map(|&i| {
            let q = &judged[i];
            (i, Case::new(q, &matcher.match_question(&query_of(q), 10)))
        })
        .collect()
}

/// The scores and held-out predictions of the matcher that learned from the judgements
/// `train` (in that order), on the questions `test`.
fn learn_and_score(
    matcher: &Matcher,
    judged: &[JudgedQuestion],
    judgements: &[Judgement],
    train: &[usize],
    test: &[usize],
) -> (Scores, Vec<(usize, f64)>) {
    let seen: Vec<Judgement> = train.iter().map(|&i| judgements[i].clone()).collect();
    let learned = matcher.learn(&seen, &FitModel::prior());
    let m = matcher.clone().with_learned(&learned);
    let cases: Vec<Case> = cases_of(&m, judged, test)
        .into_iter()
        .map(|x| x.1)
        .collect();
    let all: Vec<usize> = (0..cases.len()).collect();
    let predictions = test
        .iter()
        .zip(&cases)
        .map(|(&i, c)| (i, c.kans(&learned.model)))
        .collect();
    (score_cases(&cases, &all, &learned.model), predictions)
}

/// k-fold cross-validation of the engine learning from coordinators: per fold, the judged
/// questions of the other folds are replayed as coordinators' judgements
/// ([`simulated_judgement`]) and learned from as the live engine learns
/// ([`Matcher::learn`]: the fit model from the prior rule, the per-offering evidence); the
/// held-out fold is scored. The learning curve replays each training fold one question at a
/// time in a seeded order.
pub fn cross_validate(
    matcher: &Matcher,
    judged: &[JudgedQuestion],
    folds: usize,
    seed: u64,
) -> CvReport {
    let all: Vec<usize> = (0..judged.len()).collect();
    let base = cases_of(matcher, judged, &all);
    let base_cases: Vec<Case> = base.iter().map(|x| x.1.clone()).collect();
    let judgements: Vec<Judgement> = judged
        .iter()
        .zip(&base_cases)
        .map(|(q, c)| simulated_judgement(q, &c.ranked))
        .collect();
    let folds = folds.clamp(2, judged.len().max(2));
    let fold_of = assign_folds(&base_cases, folds, seed);
    let mut per_fold: Vec<Scores> = Vec::new();
    let mut predictions: Vec<(f64, bool)> = Vec::new();
    let mut antwoorden =
        [Fit::Passend, Fit::Mogelijk, Fit::Geen].map(|f| (f, AnswerCount::default()));
    let mut curve: Vec<Vec<(f64, f64)>> = vec![Vec::new(); CURVE.len()];
    let mut lambdas = Vec::new();
    for f in 0..folds {
        let test: Vec<usize> = all.iter().copied().filter(|&i| fold_of[i] == f).collect();
        let mut train: Vec<usize> = all.iter().copied().filter(|&i| fold_of[i] != f).collect();
        if test.is_empty() {
            continue;
        }
        let seen: Vec<Judgement> = train.iter().map(|&i| judgements[i].clone()).collect();
        lambdas.push(matcher.learn(&seen, &FitModel::prior()).summary.lambda);
        let (scores, held_out) = learn_and_score(matcher, judged, &judgements, &train, &test);
        per_fold.push(scores);
        for (i, p) in held_out {
            predictions.push((p, !judged[i].lacune));
            if let Some(a) = antwoorden.iter_mut().find(|a| a.0 == Fit::of(p)) {
                a.1.vragen += 1;
                a.1.lacune += usize::from(judged[i].lacune);
            }
        }
        SplitMix(seed ^ (f as u64 + 1).wrapping_mul(0x5851_F42D_4C95_7F2D)).shuffle(&mut train);
        for (point, &n) in CURVE.iter().enumerate() {
            let (s, _) = learn_and_score(
                matcher,
                judged,
                &judgements,
                &train[..n.min(train.len())],
                &test,
            );
            curve[point].push((s.passend_accuracy, s.ndcg5));
        }
    }
    let learned = matcher.learn(&judgements, &FitModel::prior());
    let (in_sample, _) = learn_and_score(matcher, judged, &judgements, &all, &all);
    let measure = |get: fn(&Scores) -> f64, whole: f64| {
        let v: Vec<f64> = per_fold.iter().map(get).collect();
        let (gemiddeld, spreiding) = mean_sd(&v);
        Measure {
            gemiddeld,
            spreiding,
            in_sample: whole,
        }
    };
    CvReport {
        vragen: judged.len(),
        folds,
        seed,
        ndcg5: measure(|s| s.ndcg5, in_sample.ndcg5),
        recall10: measure(|s| s.recall10, in_sample.recall10),
        passend_accuracy: measure(|s| s.passend_accuracy, in_sample.passend_accuracy),
        zonder_leren: score_with(&base_cases, &FitModel::prior()),
        altijd_passend: judged.iter().filter(|q| !q.lacune).count() as f64
            / judged.len().max(1) as f64,
        antwoorden,
        betrouwbaarheid: reliability(&predictions),
        leercurve: CURVE
            .iter()
            .zip(&curve)
            .map(|(&oordelen, v)| {
                let acc: Vec<f64> = v.iter().map(|x| x.0).collect();
                let nd: Vec<f64> = v.iter().map(|x| x.1).collect();
                let (passend_accuracy, spreiding) = mean_sd(&acc);
                CurvePoint {
                    oordelen,
                    passend_accuracy,
                    spreiding,
                    ndcg5: mean_sd(&nd).0,
                }
            })
            .collect(),
        lambda_per_fold: lambdas,
        lambda: learned.summary.lambda,
        model_alle_vragen: learned.model,
    }
}

#[cfg(test)]
mod tests;
