//! Ranking: text relevance (field-weighted BM25) plus theme agreement, target group, sector
//! and date, the best `k` kept; the question's theme profile.

use std::cmp::Ordering;

use super::model::{Fit, FitModel};
use super::query::QTerm;
use super::{FitSignals, MatchOutcome, MatchQuery, MatchResult, Matcher, FIT_CANDIDATES};

/// The target group slug of residents.
const BEWONERS: &str = "bewoners";

/// The target group slug of policymakers.
const BELEIDSMAKERS: &str = "beleidsmakers";

/// The reason the fit model gives on the offering it decided on: for a good answer that the
/// asker's target group is served ("Past bij je rol"), for a doubtful or missing one that the
/// offering is on another theme, or that it covers only part of the question.
pub(super) fn fit_reason(fit: Fit, s: &FitSignals, named_group: bool) -> Option<String> {
    match fit {
        Fit::Passend if named_group && !s.andere_doelgroep => Some("Past bij je rol".to_string()),
        Fit::Geen | Fit::Mogelijk if s.thema < 0.5 => {
            Some("Gaat over een ander onderwerp dan je vraag".to_string())
        }
        Fit::Geen | Fit::Mogelijk if s.kern < 0.3 => {
            Some("Behandelt maar een deel van je vraag".to_string())
        }
        _ => None,
    }
}

/// The coordinators' net judgement of an offering (-1..1) for a question with theme profile
/// `profile`: the judgements per theme, weighted by how much the question is about that theme.
fn judgement_evidence(judged: &[(u16, f32)], profile: &[f64]) -> f64 {
    let mass: f64 = profile.iter().sum::<f64>().max(1.0);
    judged
        .iter()
        .map(|&(t, net)| profile.get(t as usize).copied().unwrap_or(0.0) * f64::from(net))
        .sum::<f64>()
        / mass
}

impl Matcher {
    /// Keeps the best `k` of `items` (by score, ties by offering id), best first.
    pub(super) fn top_k<T: Copy>(
        &self,
        items: &mut Vec<T>,
        k: usize,
        key: impl Fn(&T) -> (usize, f64),
    ) {
        let cmp = |a: &T, b: &T| {
            let (da, sa) = key(a);
            let (db, sb) = key(b);
            sb.partial_cmp(&sa)
                .unwrap_or(Ordering::Equal)
                .then_with(|| self.docs[da].id().cmp(self.docs[db].id()))
        };
        if k == 0 {
            items.clear();
            return;
        }
        if items.len() > k {
            items.select_nth_unstable_by(k - 1, cmp);
            items.truncate(k);
        }
        items.sort_by(cmp);
    }

    /// Ranks the offerings for a question: the best `k`, best first.
    pub fn match_question(&self, q: &MatchQuery, k: usize) -> MatchOutcome {
        self.rank(q, k, &self.evidence, &self.model).0
    }

    /// Ranks with the coordinators' evidence `evidence` (per offering: theme, net judgement;
    /// empty for none) and the fit model `model`; also gives the question's theme profile.
    pub(super) fn rank(
        &self,
        q: &MatchQuery,
        k: usize,
        evidence: &[Vec<(u16, f32)>],
        model: &FitModel,
    ) -> (MatchOutcome, Vec<f64>) {
        let p = &self.params;
        let (qterms, unknown) = self.query_terms(&q.vraag);
        let n = self.docs.len();
        let mut text = vec![0.0f64; n];
        for qt in &qterms {
            let idf = self.idf[qt.term as usize];
            for (d, tf, _) in self.postings.list(qt.term as usize).iter() {
                let tf = f64::from(tf);
                let norm = p.k1 * (1.0 - p.b + p.b * self.docs[d as usize].len / self.avg_len);
                text[d as usize] += qt.weight * idf * tf * (p.k1 + 1.0) / (tf + norm);
            }
        }
        let max_text = text.iter().copied().fold(0.0, f64::max);
        let text_n: Vec<f64> = text
            .iter()
            .map(|t| if max_text > 0.0 { t / max_text } else { 0.0 })
            .collect();

        let profile = self.theme_profile(q, &qterms, &text_n);
        let mut scored: Vec<(usize, f64, f64)> = Vec::with_capacity(n);
        // The scores without the coordinators' evidence, when it changed any: the fit is decided
        // on them, as the fit model was trained on them.
        let mut unjudged: Vec<(usize, f64, f64)> = Vec::new();
        let mut judged_any = false;
        // The question's target group and sector as tag numbers (`Some(None)`: no offering has it).
        let group = q.doelgroep.as_deref().map(|g| self.tag_ids.get(g).copied());
        let sector = q.sector.as_deref().map(|s| self.tag_ids.get(s).copied());
        for (d, doc) in self.docs.iter().enumerate() {
            let theme: f64 = doc
                .themes()
                .iter()
                .map(|&t| profile[t as usize])
                .sum::<f64>()
                .min(1.0);
            let mut s = text_n[d] + p.w_theme * theme;
            if group.flatten().is_some_and(|g| doc.groups().contains(&g)) {
                s += p.w_doelgroep;
            }
            if sector.flatten().is_some_and(|t| doc.sectors().contains(&t)) {
                s += p.w_sector;
            }
            if !doc.current {
                s -= p.w_verlopen;
            }
            let before = s;
            if let Some(judged) = evidence.get(d).filter(|e| !e.is_empty()) {
                s += p.w_oordeel * judgement_evidence(judged, &profile);
                judged_any |= s != before;
            }
            if text[d] > 0.0 || theme > 0.0 {
                scored.push((d, s, theme));
                if !evidence.is_empty() {
                    unjudged.push((d, before, theme));
                }
            }
        }
        // The fit looks at the first few results however few are asked for.
        self.top_k(&mut scored, k.max(FIT_CANDIDATES), |x| (x.0, x.1));
        let fit_order = if judged_any {
            self.top_k(&mut unjudged, FIT_CANDIDATES, |x| (x.0, x.1));
            unjudged
        } else {
            scored.iter().take(FIT_CANDIDATES).copied().collect()
        };
        scored.truncate(k);

        let piek = {
            let mut t: Vec<(usize, f64)> = text
                .iter()
                .copied()
                .enumerate()
                .filter(|x| x.1 > 0.0)
                .collect();
            self.top_k(&mut t, 10, |x| *x);
            let rest: Vec<f64> = t.iter().skip(1).map(|x| x.1).collect();
            if rest.is_empty() || max_text <= 0.0 {
                0.0
            } else {
                max_text / (rest.iter().sum::<f64>() / rest.len() as f64)
            }
        };
        let best = fit_order
            .iter()
            .find(|x| self.docs[x.0].answers)
            .map(|x| (x.0, x.2));
        let mut signalen = self.fit(&qterms, unknown, q.doelgroep.as_ref(), best, piek);
        signalen.marge = match fit_order.as_slice() {
            [first, second, ..] => first.1 - second.1,
            [first] => first.1,
            [] => 0.0,
        };
        signalen.bewoner = q.doelgroep.as_deref() == Some(BEWONERS);
        signalen.beleid = q.doelgroep.as_deref() == Some(BELEIDSMAKERS);
        let kans = if signalen.antwoord {
            model.kans(&signalen)
        } else {
            0.0
        };
        let fit = Fit::of(kans);
        let resultaten = scored
            .iter()
            .map(|&(d, s, _)| {
                let mut waarom = self.reasons(q, &qterms, &profile, d);
                if best.is_some_and(|b| b.0 == d) {
                    waarom.extend(fit_reason(fit, &signalen, q.doelgroep.is_some()));
                }
                MatchResult {
                    id: self.docs[d].id().to_string(),
                    titel: self.docs[d].titel().to_string(),
                    score: (s * 10000.0).round() / 10000.0,
                    waarom,
                }
            })
            .collect();
        let outcome = MatchOutcome {
            passend: fit == Fit::Passend,
            fit,
            kans,
            resultaten,
            signalen,
        };
        (outcome, profile)
    }

    /// The question's theme profile: per theme a weight in 0..1.
    pub(super) fn theme_profile(
        &self,
        q: &MatchQuery,
        qterms: &[QTerm],
        text_n: &[f64],
    ) -> Vec<f64> {
        let nt = self.theme_slugs.len();
        let mut profile = vec![0.0; nt];
        if !q.themas.is_empty() {
            for (i, s) in self.theme_slugs.iter().enumerate() {
                if q.themas.contains(s) {
                    profile[i] = 1.0;
                }
            }
            return profile;
        }
        // Term associations, weighted by idf.
        let mut assoc = vec![0.0; nt];
        let mut mass = 0.0;
        for qt in qterms {
            let w = qt.weight * self.idf[qt.term as usize];
            mass += w;
            for &(t, a) in &self.theme_assoc[qt.term as usize] {
                assoc[t as usize] += w * f64::from(a);
            }
        }
        if mass > 0.0 {
            assoc.iter_mut().for_each(|a| *a /= mass);
        }
        let top = assoc.iter().copied().fold(0.0, f64::max);
        if top > 0.0 {
            assoc.iter_mut().for_each(|a| *a /= top);
        }
        // Feedback from the best text matches.
        let mut best: Vec<(usize, f64)> = text_n
            .iter()
            .copied()
            .enumerate()
            .filter(|x| x.1 > 0.0)
            .collect();
        self.top_k(&mut best, self.params.feedback_docs, |x| *x);
        let mut fb = vec![0.0; nt];
        let total: f64 = best.iter().map(|x| x.1).sum();
        for &(d, s) in &best {
            let doc = &self.docs[d];
            for &t in doc.themes() {
                fb[t as usize] += s / doc.themes().len() as f64;
            }
        }
        let top_fb = fb.iter().copied().fold(0.0, f64::max);
        if total > 0.0 && top_fb > 0.0 {
            fb.iter_mut().for_each(|a| *a /= top_fb);
        }
        let g = self.params.theme_feedback;
        for i in 0..nt {
            profile[i] = (1.0 - g) * assoc[i] + g * fb[i];
        }
        profile
    }
}
