//! The fit of the best result: how well it covers the question's words, its title and themes,
//! and the target group; the signals behind `passend`.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::query::QTerm;
use super::Matcher;

/// The signals behind `passend`, for diagnostics and gap analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct FitSignals {
    /// Share of the question's term weight that the best offering matches (0..1).
    pub dekking: f64,
    /// Like `dekking`, but a term counts by how prominently the offering uses it (0..1).
    pub nadruk: f64,
    /// Like `dekking`, but only over the title, keywords and summary of the best offering (0..1).
    pub focus: f64,
    /// How far the best text match stands out: its text score over the mean of the next nine.
    pub piek: f64,
    /// Share of the best offering's title (idf-weighted) that the question asks about (0..1).
    pub titel: f64,
    /// How strongly the best offering's themes agree with the question's (0..1).
    pub thema: f64,
    /// Salient coverage (0..1): like `dekking`, but each question word counts by its salience,
    /// its idf times the share of the offerings using it that do so in their title, keywords or
    /// summary (topic words score high, words of running prose low), and each question word the
    /// catalogue does not know counts as half a maximally rare missing word.
    pub kern: f64,
    /// The fit of the rule used before the fit model (0..1): `kern`, lowered when the best
    /// offering is not meant for the asker's target group.
    pub zekerheid: f64,
    /// How far the first result's score stands above the second's.
    pub marge: f64,
    /// The asker named a target group and the best offering is not meant for it.
    pub andere_doelgroep: bool,
    /// A result whose form can answer a question is among the first; without one, nothing fits.
    pub antwoord: bool,
    /// The asker is a resident (a personal question rather than a professional's).
    pub bewoner: bool,
    /// The asker is a policymaker (a question on policy rather than practice).
    pub beleid: bool,
}

impl Matcher {
    /// The fit of the best result.
    pub(super) fn fit(
        &self,
        qterms: &[QTerm],
        unknown: usize,
        doelgroep: Option<&String>,
        best: Option<(usize, f64)>,
        piek: f64,
    ) -> FitSignals {
        let Some((d, theme)) = best else {
            return FitSignals::default();
        };
        // Per question word: the best weight*idf of any term standing for it, and whether the
        // document has one of those terms.
        let mut want: HashMap<usize, f64> = HashMap::new();
        let mut got: HashMap<usize, f64> = HashMap::new();
        let mut soft: HashMap<usize, f64> = HashMap::new();
        let mut foc: HashMap<usize, f64> = HashMap::new();
        let mut sal_want: HashMap<usize, f64> = HashMap::new();
        let mut sal_got: HashMap<usize, f64> = HashMap::new();
        let norm = self.params.k1
            * (1.0 - self.params.b + self.params.b * self.docs[d].len / self.avg_len);
        for qt in qterms {
            let w = qt.weight * self.idf[qt.term as usize];
            let e = want.entry(qt.origin).or_insert(0.0);
            *e = e.max(w);
            let sw = w * self.focus_share[qt.term as usize];
            let e = sal_want.entry(qt.origin).or_insert(0.0);
            *e = e.max(sw);
            if let Some((tf, focus)) = self.postings.list(qt.term as usize).get(d) {
                let g = sal_got.entry(qt.origin).or_insert(0.0);
                *g = g.max(sw);
                let g = got.entry(qt.origin).or_insert(0.0);
                *g = g.max(w);
                let tf = f64::from(tf);
                let s = soft.entry(qt.origin).or_insert(0.0);
                *s = s.max(w * tf / (tf + norm));
                if focus > 0.0 {
                    let f = foc.entry(qt.origin).or_insert(0.0);
                    *f = f.max(w);
                }
            }
        }
        let n = self.docs.len() as f64;
        let rarest = (1.0 + (n + 0.5) / 0.5).ln();
        let total: f64 = want.values().sum::<f64>() + unknown as f64 * rarest;
        let sal_total: f64 =
            sal_want.values().sum::<f64>() + unknown as f64 * rarest * self.params.w_onbekend;
        let kern = if sal_total > 0.0 {
            sal_got.values().sum::<f64>() / sal_total
        } else {
            0.0
        };
        let dekking = if total > 0.0 {
            got.values().sum::<f64>() / total
        } else {
            0.0
        };
        let nadruk = if total > 0.0 {
            soft.values().sum::<f64>() / total
        } else {
            0.0
        };
        let focus = if total > 0.0 {
            foc.values().sum::<f64>() / total
        } else {
            0.0
        };
        let asked: HashSet<u32> = qterms.iter().map(|q| q.term).collect();
        let tt = self.docs[d].title_terms();
        let tmass: f64 = tt.iter().map(|&t| self.idf[t as usize]).sum();
        let tgot: f64 = tt
            .iter()
            .filter(|t| asked.contains(t))
            .map(|&t| self.idf[t as usize])
            .sum();
        let titel = if tmass > 0.0 { tgot / tmass } else { 0.0 };
        let other_group = doelgroep.is_some_and(|g| !self.doc_has(d, g, false));
        let zekerheid = kern
            * if other_group {
                self.params.fit_andere_doelgroep
            } else {
                1.0
            };
        FitSignals {
            dekking,
            nadruk,
            focus,
            piek,
            titel,
            thema: theme,
            kern,
            zekerheid,
            andere_doelgroep: other_group,
            antwoord: true,
            ..FitSignals::default()
        }
    }
}
