//! The fit model: a small regularised logistic regression over explainable signals of the best
//! result, giving the probability (`kans`) that a good answer exists, and the three answers
//! (`passend`, `mogelijk`, `geen`) it leads to.

use serde::{Deserialize, Serialize};

use super::FitSignals;

/// Number of features of the fit model.
pub const N_FEATURES: usize = 7;

/// The names of the features, in order (for the eval output and the back office): salient
/// coverage, coverage in title/keywords/summary, title overlap, peak over the rest, another
/// target group, and the kind of question (a resident's, a policymaker's).
pub const FEATURES: [&str; N_FEATURES] = [
    "kern",
    "focus",
    "titel",
    "piek",
    "andere_doelgroep",
    "bewoner",
    "beleid",
];

/// From this probability on, a good answer exists (`passend`).
pub const PASSEND_VANAF: f64 = 0.5;

/// From this probability on (and below [`PASSEND_VANAF`]), related offerings exist that may
/// answer the question (`mogelijk`); below it, nothing fits (`geen`).
pub const MOGELIJK_VANAF: f64 = 0.25;

/// Default strength of the pull of the weights towards the prior (L2 regularisation).
pub const LAMBDA: f64 = 1.0;

/// The three answers to "is there a good answer to this question".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fit {
    /// A good answer exists.
    Passend,
    /// Related offerings exist, but it is not sure they answer the question.
    Mogelijk,
    /// Nothing fits; the coordination point looks at the question.
    Geen,
}

impl Fit {
    /// The answer for a probability.
    pub fn of(kans: f64) -> Fit {
        if kans >= PASSEND_VANAF {
            Fit::Passend
        } else if kans >= MOGELIJK_VANAF {
            Fit::Mogelijk
        } else {
            Fit::Geen
        }
    }

    /// The slug used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Fit::Passend => "passend",
            Fit::Mogelijk => "mogelijk",
            Fit::Geen => "geen",
        }
    }

    /// The answer in the back office's Dutch.
    pub fn label(self) -> &'static str {
        match self {
            Fit::Passend => "passend aanbod",
            Fit::Mogelijk => "mogelijk passend: kijk mee",
            Fit::Geen => "geen passend aanbod",
        }
    }

    /// The answer for a slug.
    pub fn parse(s: &str) -> Option<Fit> {
        match s {
            "passend" => Some(Fit::Passend),
            "mogelijk" => Some(Fit::Mogelijk),
            "geen" => Some(Fit::Geen),
            _ => None,
        }
    }
}

/// The feature vector of the signals of a question's best result, each in 0..1.
pub fn features(s: &FitSignals) -> [f64; N_FEATURES] {
    let unit = |x: f64| {
        if x.is_finite() {
            x.clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    [
        unit(s.kern),
        unit(s.focus),
        unit(s.titel),
        // A best match twice as strong as the rest is a clear peak; e² times and more is the top.
        unit(if s.piek > 1.0 { s.piek.ln() / 2.0 } else { 0.0 }),
        flag(s.andere_doelgroep),
        flag(s.bewoner),
        flag(s.beleid),
    ]
}

/// A logistic model: `kans = σ(bias + weights · features)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FitModel {
    /// The intercept.
    pub bias: f64,
    /// One weight per feature of [`FEATURES`].
    pub weights: [f64; N_FEATURES],
}

/// One judged example: the features of a question's best result and whether a good answer
/// exists.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Example {
    /// The features.
    pub x: [f64; N_FEATURES],
    /// True when a good answer exists (the question is not a lacune).
    pub passend: bool,
}

impl FitModel {
    /// The rule the engine used before it learned: salient coverage of at least 0.21, lowered
    /// by 15% when the best offering is for another target group, as a logistic curve. The
    /// starting point every learned model is pulled towards.
    pub fn prior() -> FitModel {
        let mut weights = [0.0; N_FEATURES];
        weights[0] = 10.0;
        weights[4] = -0.4;
        FitModel {
            bias: -2.1,
            weights,
        }
    }

    /// The model fitted on the 140 judged questions of the coordination point with
    /// `wijkwijzer eval --folds 5` (printed there as `model_alle_vragen`).
    pub fn builtin() -> FitModel {
        FitModel {
            bias: -2.187,
            weights: [5.675, 0.4927, 1.191, 0.4079, -0.732, -0.03187, 0.6957],
        }
    }

    /// The probability that a good answer exists.
    pub fn kans(&self, s: &FitSignals) -> f64 {
        self.probability(&features(s))
    }

    /// The probability for a feature vector.
    pub fn probability(&self, x: &[f64; N_FEATURES]) -> f64 {
        let z = self.bias + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>();
        sigmoid(z)
    }

    /// Fits a model on `examples` by penalised maximum likelihood (Newton's method), each
    /// weight pulled towards the same weight of `prior` with strength `lambda` times the
    /// variance of its feature in `examples` (as if the features were standardised, so a
    /// feature that varies little is not held back more than one that varies much; the bias
    /// with a tenth of `lambda`). Deterministic; without examples it returns `prior`.
    pub fn train(examples: &[Example], prior: &FitModel, lambda: f64) -> FitModel {
        const P: usize = N_FEATURES + 1;
        let theta0 = prior.params();
        let mut theta = theta0;
        let spread = feature_variance(examples);
        let penalty = |j: usize| {
            if j == 0 {
                lambda / 10.0
            } else {
                lambda * spread[j - 1]
            }
        };
        let loss = |theta: &[f64; P]| {
            let mut total = 0.0;
            for j in 0..P {
                total += 0.5 * penalty(j) * (theta[j] - theta0[j]).powi(2);
            }
            for e in examples {
                let z: f64 = with_one(&e.x).iter().zip(theta).map(|(a, b)| a * b).sum();
                // log(1 + e^z) - y·z, computed without overflow.
                let softplus = if z > 0.0 {
                    z + (-z).exp().ln_1p()
                } else {
                    z.exp().ln_1p()
                };
                total += softplus - if e.passend { z } else { 0.0 };
            }
            total
        };
        for _ in 0..50 {
            let mut grad = [0.0; P];
            let mut hess = [[0.0; P]; P];
            for j in 0..P {
                grad[j] = penalty(j) * (theta[j] - theta0[j]);
                hess[j][j] = penalty(j);
            }
            for e in examples {
                let row = with_one(&e.x);
                let z: f64 = row.iter().zip(&theta).map(|(a, b)| a * b).sum();
                let p = sigmoid(z);
                let y = if e.passend { 1.0 } else { 0.0 };
                let w = (p * (1.0 - p)).max(1e-9);
                for j in 0..P {
                    grad[j] += (p - y) * row[j];
                    for k in 0..P {
                        hess[j][k] += w * row[j] * row[k];
                    }
                }
            }
            let Some(step) = solve(hess, grad) else {
                break;
            };
            // A Newton step can overshoot far from the optimum: halve it until the loss drops.
            let before = loss(&theta);
            let mut scale = 1.0;
            let mut next = theta;
            for _ in 0..30 {
                for j in 0..P {
                    next[j] = theta[j] - scale * step[j];
                }
                if loss(&next) <= before {
                    break;
                }
                scale /= 2.0;
            }
            let size = (0..P)
                .map(|j| (next[j] - theta[j]).abs())
                .fold(0.0, f64::max);
            theta = next;
            if size < 1e-9 {
                break;
            }
        }
        let mut weights = [0.0; N_FEATURES];
        weights.copy_from_slice(&theta[1..]);
        FitModel {
            bias: theta[0],
            weights,
        }
    }

    /// Fits a model on `examples` with the regularisation strength of [`LAMBDAS`] that has the
    /// lowest log loss in a 4-fold cross-validation within `examples` (dealt out per class in
    /// their order); with fewer than 20 examples, [`LAMBDA`]. Deterministic.
    pub fn train_chosen(examples: &[Example], prior: &FitModel) -> (FitModel, f64) {
        let lambda = choose_lambda(examples, prior);
        (FitModel::train(examples, prior, lambda), lambda)
    }

    fn params(&self) -> [f64; N_FEATURES + 1] {
        let mut theta = with_one(&self.weights);
        theta[0] = self.bias;
        theta
    }
}

/// The variance of each feature over `examples`, at least [`MIN_VARIANCE`].
fn feature_variance(examples: &[Example]) -> [f64; N_FEATURES] {
    let mut out = [MIN_VARIANCE; N_FEATURES];
    if examples.is_empty() {
        return out;
    }
    let n = examples.len() as f64;
    for (j, v) in out.iter_mut().enumerate() {
        let mean = examples.iter().map(|e| e.x[j]).sum::<f64>() / n;
        let var = examples
            .iter()
            .map(|e| (e.x[j] - mean).powi(2))
            .sum::<f64>()
            / n;
        *v = var.max(MIN_VARIANCE);
    }
    out
}

/// The least variance a feature counts with in the penalty, so a feature (nearly) constant in
/// the examples keeps a pull towards the prior.
const MIN_VARIANCE: f64 = 0.01;

/// The regularisation strengths tried by [`FitModel::train_chosen`].
pub const LAMBDAS: [f64; 4] = [0.3, 1.0, 3.0, 10.0];

/// The fold (of `folds`) of each example: dealt out per class in order, so each fold has about
/// the same share of each class.
pub fn class_folds(examples: &[Example], folds: usize) -> Vec<usize> {
    let folds = folds.max(1);
    let mut seen = [0usize; 2];
    examples
        .iter()
        .map(|e| {
            let c = usize::from(e.passend);
            seen[c] += 1;
            (seen[c] - 1) % folds
        })
        .collect()
}

/// The examples outside fold `f` (of [`class_folds`]' `fold_of`): what a model is trained on to
/// be tested on fold `f`.
pub fn training_fold(examples: &[Example], fold_of: &[usize], f: usize) -> Vec<Example> {
    examples
        .iter()
        .zip(fold_of)
        .filter(|(_, &g)| g != f)
        .map(|(e, _)| *e)
        .collect()
}

fn choose_lambda(examples: &[Example], prior: &FitModel) -> f64 {
    if examples.len() < 20 {
        return LAMBDA;
    }
    let fold_of = class_folds(examples, 4);
    let loss = |lambda: f64| {
        let mut total = 0.0;
        for f in 0..4 {
            let model = FitModel::train(&training_fold(examples, &fold_of, f), prior, lambda);
            for (e, _) in examples.iter().zip(&fold_of).filter(|(_, &g)| g == f) {
                let p = model.probability(&e.x).clamp(1e-6, 1.0 - 1e-6);
                total -= if e.passend { p.ln() } else { (1.0 - p).ln() };
            }
        }
        total
    };
    LAMBDAS
        .iter()
        .copied()
        .map(|l| (l, loss(l)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(LAMBDA, |x| x.0)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `[1, x…]`.
fn with_one(x: &[f64; N_FEATURES]) -> [f64; N_FEATURES + 1] {
    let mut row = [1.0; N_FEATURES + 1];
    row[1..].copy_from_slice(x);
    row
}

/// Solves `a · s = b` by Gaussian elimination with partial pivoting; `None` when singular.
fn solve<const P: usize>(mut a: [[f64; P]; P], mut b: [f64; P]) -> Option<[f64; P]> {
    for col in 0..P {
        let pivot = (col..P).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..P {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut s = [0.0; P];
    for row in (0..P).rev() {
        let rest: f64 = (row + 1..P).map(|k| a[row][k] * s[k]).sum();
        s[row] = (b[row] - rest) / a[row][row];
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(kern: f64) -> FitSignals {
        FitSignals {
            kern,
            dekking: kern,
            focus: kern,
            ..FitSignals::default()
        }
    }

    #[test]
    fn three_answers_by_probability() {
        assert_eq!(Fit::of(0.9), Fit::Passend);
        assert_eq!(Fit::of(0.5), Fit::Passend);
        assert_eq!(Fit::of(0.3), Fit::Mogelijk);
        assert_eq!(Fit::of(0.1), Fit::Geen);
        for f in [Fit::Passend, Fit::Mogelijk, Fit::Geen] {
            assert_eq!(Fit::parse(f.as_str()), Some(f));
        }
    }

    #[test]
    fn features_are_bounded_and_named() {
        let s = FitSignals {
            kern: 1.4,
            piek: f64::INFINITY,
            marge: -0.2,
            andere_doelgroep: true,
            ..FitSignals::default()
        };
        let x = features(&s);
        assert_eq!(x.len(), FEATURES.len());
        assert!(x.iter().all(|v| (0.0..=1.0).contains(v)), "{x:?}");
        assert_eq!(x[0], 1.0);
        assert_eq!(x[4], 1.0);
        let peak = features(&FitSignals {
            piek: std::f64::consts::E,
            ..FitSignals::default()
        });
        assert!((peak[3] - 0.5).abs() < 1e-12);
    }

    #[test]
    fn prior_reproduces_the_old_rule() {
        let m = FitModel::prior();
        assert!(m.kans(&signals(0.30)) > PASSEND_VANAF);
        assert!(m.kans(&signals(0.15)) < PASSEND_VANAF);
    }

    #[test]
    fn training_without_examples_keeps_the_prior() {
        let prior = FitModel::prior();
        assert_eq!(FitModel::train(&[], &prior, LAMBDA), prior);
    }

    /// On data drawn from a known logistic curve, the fitted probabilities are calibrated: in
    /// each bin the mean prediction is close to the observed share.
    #[test]
    fn learns_a_calibrated_curve() {
        let truth = |k: f64| sigmoid(8.0 * (k - 0.5));
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let examples: Vec<Example> = (0..4000)
            .map(|_| {
                let k = next();
                Example {
                    x: features(&signals(k)),
                    passend: next() < truth(k),
                }
            })
            .collect();
        let m = FitModel::train(&examples, &FitModel::prior(), LAMBDA);
        let mut bins = [(0.0, 0.0, 0usize); 5];
        for e in &examples {
            let p = m.probability(&e.x);
            let b = ((p * 5.0) as usize).min(4);
            bins[b].0 += p;
            bins[b].1 += if e.passend { 1.0 } else { 0.0 };
            bins[b].2 += 1;
        }
        for (pred, obs, n) in bins {
            if n >= 100 {
                let n = n as f64;
                assert!((pred / n - obs / n).abs() < 0.05, "{pred} {obs} {n}");
            }
        }
        for k in [0.2, 0.5, 0.8] {
            assert!((m.kans(&signals(k)) - truth(k)).abs() < 0.1, "{k}");
        }
    }

    /// A feature that varies little but separates the examples is learned: the pull towards
    /// the prior is scaled by its variance, as if the features were standardised.
    #[test]
    fn penalty_follows_the_spread_of_a_feature() {
        let examples: Vec<Example> = (0..40)
            .map(|i| {
                let passend = i % 2 == 0;
                let focus = if passend { 0.48 } else { 0.42 };
                Example {
                    x: features(&FitSignals {
                        focus,
                        ..FitSignals::default()
                    }),
                    passend,
                }
            })
            .collect();
        let m = FitModel::train(&examples, &FitModel::prior(), 1.0);
        let (yes, no) = (m.probability(&examples[0].x), m.probability(&examples[1].x));
        // The bias is still pulled towards the prior's, so the two stay on either side of 0.5
        // rather than at 0 and 1.
        assert!(yes > 0.6 && no < 0.4, "{yes} {no}");
    }

    #[test]
    fn strong_regularisation_stays_near_the_prior() {
        let prior = FitModel::prior();
        let examples = vec![
            Example {
                x: features(&signals(0.9)),
                passend: false,
            };
            5
        ];
        let m = FitModel::train(&examples, &prior, 1e6);
        assert!((m.bias - prior.bias).abs() < 0.01);
        let loose = FitModel::train(&examples, &prior, 0.01);
        assert!(loose.kans(&signals(0.9)) < prior.kans(&signals(0.9)));
    }
}
