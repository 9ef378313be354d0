//! The gap score of one theme or one (theme, target group) cell: the shortfall of supply in
//! offerings, its interval from the Wilson interval of the unanswered share, the label with its
//! dead band ("bijna lacune") and what would change the verdict.

use serde::{Deserialize, Serialize};

use super::Thresholds;

/// Weight of a question without a fitting offering in the unmet demand.
pub const WEIGHT_UNANSWERED: f64 = 1.25;
/// Weight of a question whose fit is not known yet.
pub const WEIGHT_UNKNOWN: f64 = 1.0;
/// Weight of a question with a fitting offering.
pub const WEIGHT_ANSWERED: f64 = 0.75;

/// The verdict on a theme or a (theme, target group) cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Label {
    /// The supply falls short by at least the gap threshold.
    #[serde(rename = "geen lacune")]
    NoGap,
    /// In the dead band between the two thresholds.
    #[serde(rename = "bijna lacune")]
    NearGap,
    /// A gap.
    #[serde(rename = "lacune")]
    Gap,
}

impl Label {
    /// The Dutch label.
    pub fn text(self) -> &'static str {
        match self {
            Label::NoGap => "geen lacune",
            Label::NearGap => "bijna lacune",
            Label::Gap => "lacune",
        }
    }

    /// Steps between two labels (0, 1 or 2).
    pub fn steps(self, other: Label) -> usize {
        (self as i32 - other as i32).unsigned_abs() as usize
    }
}

/// The Wilson score interval of `k` successes in `n` trials at normal quantile `z`; `(0, 1)`
/// when `n` is 0 (nothing known).
pub fn wilson(k: usize, n: usize, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) + z2 / (4.0 * n)) / n).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The counts of one theme or cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Questions.
    pub vraag: usize,
    /// Questions whose fit is known.
    pub bekend: usize,
    /// Known questions without a fitting offering.
    pub onbeantwoord: usize,
    /// Usable offerings (current or always available).
    pub aanbod: usize,
    /// Usable cross-domain offerings.
    pub domeinoverstijgend: usize,
    /// Ended offerings (history, not counted as supply).
    pub beeindigd: usize,
}

impl Tally {
    /// The weighted unmet demand: unanswered 1.25, unknown 1, answered 0.75 per question.
    pub fn unmet(&self) -> f64 {
        let answered = self.bekend - self.onbeantwoord;
        let unknown = self.vraag - self.bekend;
        WEIGHT_UNANSWERED * self.onbeantwoord as f64
            + WEIGHT_ANSWERED * answered as f64
            + WEIGHT_UNKNOWN * unknown as f64
    }

    /// The weighted supply: a cross-domain offering 1, a one-sector offering less.
    pub fn supply(&self, t: &Thresholds) -> f64 {
        self.domeinoverstijgend as f64
            + t.gewicht_eenzijdig * (self.aanbod - self.domeinoverstijgend) as f64
    }
}

/// The score of a theme or cell: how many offerings short the supply is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// Shortfall in offerings (unmet demand / carrying capacity − weighted supply); positive
    /// means too little supply.
    #[serde(rename = "tekort")]
    pub score: f64,
    /// Lower end of the interval of the score.
    #[serde(rename = "tekortLaag")]
    pub score_laag: f64,
    /// Upper end of the interval of the score.
    #[serde(rename = "tekortHoog")]
    pub score_hoog: f64,
    /// Lower end of the 95% interval of the unanswered share (unknown questions count as
    /// answered).
    pub onbeantwoord_laag: f64,
    /// Upper end (unknown questions count as unanswered).
    pub onbeantwoord_hoog: f64,
    /// The verdict.
    #[serde(rename = "oordeel")]
    pub label: Label,
    /// What would change the verdict, in Dutch (for the target group `wie`, if given).
    pub wat_verandert: String,
}

/// The label of a score: a gap from `t.lacune`, no gap at or below `t.geen_lacune`, and in
/// between "bijna lacune". The band is wider than what one offering or one question moves the
/// score, and a cell without demand or supply (score 0) is no gap.
pub fn label_of(score: f64, t: &Thresholds) -> Label {
    if score >= t.lacune {
        Label::Gap
    } else if score > t.geen_lacune {
        Label::NearGap
    } else {
        Label::NoGap
    }
}

/// Questions of one unit of demand per offering the platform carries: `t.draagkracht` times the
/// average (at least 1).
pub fn capacity(total_demand: usize, total_supply: usize, t: &Thresholds) -> f64 {
    let average = total_demand as f64 / total_supply.max(1) as f64;
    (t.draagkracht * average).max(1.0)
}

/// The score, its interval, the label and what would change it, for the cell `tally`;
/// `wie` names the target group in the explanation (e.g. "voor beleidsmakers").
pub fn assess(tally: &Tally, cap: f64, t: &Thresholds, wie: &str) -> Assessment {
    let supply = tally.supply(t);
    let score = tally.unmet() / cap - supply;
    let (lo, hi) = wilson(tally.onbeantwoord, tally.bekend, t.z);
    let n = tally.vraag as f64;
    let known = tally.bekend as f64;
    let unknown = n - known;
    // Unknown questions may go either way: the low end counts them answered, the high end not.
    let share_lo = if n > 0.0 { known * lo / n } else { 0.0 };
    let share_hi = if n > 0.0 {
        (known * hi + unknown) / n
    } else {
        1.0
    };
    let unmet_at =
        |share: f64| n * (WEIGHT_ANSWERED + share * (WEIGHT_UNANSWERED - WEIGHT_ANSWERED));
    let score_lo = unmet_at(share_lo) / cap - supply;
    let score_hi = unmet_at(share_hi) / cap - supply;
    let label = label_of(score, t);
    Assessment {
        score: round2(score),
        score_laag: round2(score_lo.min(score)),
        score_hoog: round2(score_hi.max(score)),
        onbeantwoord_laag: round2(share_lo),
        onbeantwoord_hoog: round2(share_hi),
        label,
        wat_verandert: what_changes(score, label, cap, t, wie),
    }
}

/// The smallest whole number of units of `per_unit` that covers `distance` (at least 1).
fn reach(distance: f64, per_unit: f64) -> usize {
    ((distance / per_unit - 1e-9).ceil().max(1.0)) as usize
}

/// The smallest whole number of units of `per_unit` that exceeds `distance` (at least 1).
fn exceed(distance: f64, per_unit: f64) -> usize {
    ((distance / per_unit + 1e-9).floor().max(0.0) as usize) + 1
}

fn offerings_text(n: usize, wie: &str) -> String {
    let wie = if wie.is_empty() {
        String::new()
    } else {
        format!(" {wie}")
    };
    if n == 1 {
        format!("nog 1 keer domeinoverstijgend leeraanbod{wie}")
    } else {
        format!("nog {n} keer domeinoverstijgend leeraanbod{wie}")
    }
}

fn questions_text(n: usize, wie: &str) -> String {
    let wie = if wie.is_empty() {
        String::new()
    } else {
        format!(" {wie}")
    };
    if n == 1 {
        format!("1 leervraag meer{wie} zonder passend aanbod")
    } else {
        format!("{n} leervragen meer{wie} zonder passend aanbod")
    }
}

/// What would change the verdict: offerings that lower a gap, questions that raise a non-gap.
pub fn what_changes(score: f64, label: Label, cap: f64, t: &Thresholds, wie: &str) -> String {
    let per_question = WEIGHT_UNANSWERED / cap;
    match label {
        Label::Gap => format!(
            "Met {} wordt dit 'bijna lacune', met {} 'geen lacune'.",
            offerings_text(exceed(score - t.lacune, 1.0), wie),
            offerings_text(reach(score - t.geen_lacune, 1.0), wie)
        ),
        Label::NearGap => format!(
            "Met {} wordt dit 'geen lacune'; met {} wordt het een lacune.",
            offerings_text(reach(score - t.geen_lacune, 1.0), wie),
            questions_text(reach(t.lacune - score, per_question), wie)
        ),
        Label::NoGap => format!(
            "Met {} wordt dit 'bijna lacune'.",
            questions_text(exceed(t.geen_lacune - score, per_question), wie)
        ),
    }
}

/// `x` rounded to two decimals.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_is_wide_for_few_questions_and_narrow_for_many() {
        let (lo, hi) = wilson(2, 3, 1.96);
        assert!(lo < 0.25 && hi > 0.9, "{lo} {hi}");
        let (lo, hi) = wilson(200, 300, 1.96);
        assert!(hi - lo < 0.12, "{lo} {hi}");
        assert!(lo < 2.0 / 3.0 && 2.0 / 3.0 < hi);
        assert_eq!(wilson(0, 0, 1.96), (0.0, 1.0));
        let (lo, hi) = wilson(0, 10, 1.96);
        assert_eq!(lo, 0.0);
        assert!(hi > 0.2 && hi < 0.35, "{hi}");
        let (lo, hi) = wilson(10, 10, 1.96);
        assert_eq!(hi, 1.0);
        assert!(lo > 0.65 && lo < 0.8, "{lo}");
    }

    #[test]
    fn wilson_matches_the_textbook_value() {
        // 4 of 10 at 95%: 0.168 to 0.687.
        let (lo, hi) = wilson(4, 10, 1.96);
        assert!((lo - 0.168).abs() < 0.001, "{lo}");
        assert!((hi - 0.687).abs() < 0.001, "{hi}");
    }

    #[test]
    fn the_interval_holds_the_score_and_narrows_as_questions_are_matched() {
        let t = Thresholds::default();
        let unknown = Tally {
            vraag: 10,
            ..Tally::default()
        };
        let a = assess(&unknown, 2.0, &t, "");
        assert!(a.score_laag <= a.score && a.score <= a.score_hoog);
        assert_eq!(a.score, 5.0);
        assert_eq!((a.score_laag, a.score_hoog), (3.75, 6.25));
        let known = Tally {
            vraag: 10,
            bekend: 10,
            onbeantwoord: 5,
            ..Tally::default()
        };
        let b = assess(&known, 2.0, &t, "");
        assert!(b.score_laag <= b.score && b.score <= b.score_hoog);
        assert!(b.score_hoog - b.score_laag < a.score_hoog - a.score_laag);
        let many = Tally {
            vraag: 100,
            bekend: 100,
            onbeantwoord: 50,
            ..Tally::default()
        };
        let c = assess(&many, 20.0, &t, "");
        assert!(c.score_hoog - c.score_laag < b.score_hoog - b.score_laag);
    }

    #[test]
    fn unanswered_questions_weigh_more_than_answered_ones() {
        let t = Thresholds::default();
        let base = Tally {
            vraag: 6,
            bekend: 6,
            aanbod: 2,
            domeinoverstijgend: 1,
            ..Tally::default()
        };
        let worse = Tally {
            onbeantwoord: 4,
            ..base
        };
        assert!(assess(&worse, 1.5, &t, "").score > assess(&base, 1.5, &t, "").score);
        // One-sector supply weighs half.
        let one_sided = Tally {
            domeinoverstijgend: 0,
            ..base
        };
        assert_eq!(one_sided.supply(&t), 1.0);
        assert_eq!(base.supply(&t), 1.5);
    }

    #[test]
    fn the_label_has_a_dead_band_wider_than_one_offering_or_question() {
        let t = Thresholds::default();
        assert_eq!(label_of(2.0, &t), Label::Gap);
        assert_eq!(label_of(1.99, &t), Label::NearGap);
        assert_eq!(label_of(0.01, &t), Label::NearGap);
        assert_eq!(label_of(0.0, &t), Label::NoGap);
        // One offering moves the score by at most 1, one question by at most 1.25 / capacity.
        assert!(t.lacune - t.geen_lacune > 1.0);
        assert!(t.lacune - t.geen_lacune > WEIGHT_UNANSWERED / capacity(1, 1, &t));
        assert_eq!(Label::Gap.steps(Label::NoGap), 2);
        assert_eq!(Label::NearGap.steps(Label::Gap), 1);
    }

    #[test]
    fn one_offering_or_one_question_moves_a_label_at_most_one_step() {
        let t = Thresholds::default();
        for cap in [1.0, 1.4, 2.5, 6.0] {
            for vraag in 0..25 {
                for bekend in 0..=vraag.min(8) {
                    for onbeantwoord in 0..=bekend {
                        for aanbod in 0..8 {
                            for domeinoverstijgend in 0..=aanbod {
                                let x = Tally {
                                    vraag,
                                    bekend,
                                    onbeantwoord,
                                    aanbod,
                                    domeinoverstijgend,
                                    beeindigd: 0,
                                };
                                let l = assess(&x, cap, &t, "").label;
                                let changed = [
                                    Tally {
                                        aanbod: aanbod + 1,
                                        ..x
                                    },
                                    Tally {
                                        aanbod: aanbod + 1,
                                        domeinoverstijgend: domeinoverstijgend + 1,
                                        ..x
                                    },
                                    Tally {
                                        vraag: vraag + 1,
                                        ..x
                                    },
                                    Tally {
                                        vraag: vraag + 1,
                                        bekend: bekend + 1,
                                        ..x
                                    },
                                    Tally {
                                        vraag: vraag + 1,
                                        bekend: bekend + 1,
                                        onbeantwoord: onbeantwoord + 1,
                                        ..x
                                    },
                                ];
                                for y in changed {
                                    let m = assess(&y, cap, &t, "").label;
                                    assert!(l.steps(m) <= 1, "{x:?} → {y:?}: {l:?} → {m:?}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_explanation_says_what_would_change_the_verdict() {
        let t = Thresholds::default();
        // Score 2.5: 1 offering takes it below 2, 3 to 0 or below.
        let gap = Tally {
            vraag: 5,
            ..Tally::default()
        };
        let a = assess(&gap, 2.0, &t, "voor beleidsmakers");
        assert_eq!(a.label, Label::Gap);
        assert_eq!(
            a.wat_verandert,
            "Met nog 1 keer domeinoverstijgend leeraanbod voor beleidsmakers wordt dit 'bijna lacune', met nog 3 keer domeinoverstijgend leeraanbod voor beleidsmakers 'geen lacune'."
        );
        // Check the counts by applying them.
        let supplied = |n| Tally {
            aanbod: n,
            domeinoverstijgend: n,
            ..gap
        };
        assert_eq!(assess(&supplied(1), 2.0, &t, "").label, Label::NearGap);
        assert_eq!(assess(&supplied(2), 2.0, &t, "").label, Label::NearGap);
        assert_eq!(assess(&supplied(3), 2.0, &t, "").label, Label::NoGap);
        // A quiet theme: how many unanswered questions make it "bijna lacune".
        let quiet = Tally {
            aanbod: 3,
            domeinoverstijgend: 3,
            ..Tally::default()
        };
        let q = assess(&quiet, 1.5, &t, "");
        assert_eq!(q.label, Label::NoGap);
        assert_eq!(
            q.wat_verandert,
            "Met 4 leervragen meer zonder passend aanbod wordt dit 'bijna lacune'."
        );
        let unanswered = |n| Tally {
            vraag: n,
            bekend: n,
            onbeantwoord: n,
            ..quiet
        };
        assert_eq!(assess(&unanswered(4), 1.5, &t, "").label, Label::NearGap);
        assert_eq!(assess(&unanswered(3), 1.5, &t, "").label, Label::NoGap);
        // Without demand or supply there is no gap.
        assert_eq!(assess(&Tally::default(), 1.5, &t, "").label, Label::NoGap);
    }
}
