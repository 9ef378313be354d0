//! Diagnostics of one question for the eval's feature dump: the question's terms and, for each
//! of the best results, which of them it holds and the fit signals it would have.

use serde::Serialize;

use super::{FitSignals, MatchQuery, Matcher};

/// One analysed question term.
#[derive(Debug, Clone, Serialize)]
pub struct DiagTerm {
    /// The word shown in the "waarom".
    pub label: String,
    /// The question word it stands for.
    pub origin: usize,
    /// Query weight.
    pub weight: f64,
    /// Inverse document frequency.
    pub idf: f64,
    /// Share of the offerings using it that do so in title, keywords or summary.
    pub focus: f64,
    /// Number of offerings using it.
    pub df: usize,
}

/// One of the best results with what it holds of the question.
#[derive(Debug, Clone, Serialize)]
pub struct DiagResult {
    /// Offering id.
    pub id: String,
    /// Final score.
    pub score: f64,
    /// Raw text score (BM25).
    pub tekst: f64,
    /// Theme agreement with the question (0..1).
    pub thema: f64,
    /// Whether its form can answer a question.
    pub antwoord: bool,
    /// Its target groups.
    pub doelgroepen: Vec<String>,
    /// Its theme slugs.
    pub themas: Vec<String>,
    /// Per question term (index into the terms): weighted term frequency, part in the
    /// title/keywords/summary.
    pub treffers: Vec<(usize, f32, f32)>,
    /// The fit signals were it the best result.
    pub signalen: FitSignals,
}

/// The diagnosis of one question.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    /// The analysed terms.
    pub termen: Vec<DiagTerm>,
    /// Question words the catalogue does not know.
    pub onbekend: usize,
    /// Number of offerings.
    pub aanbod: usize,
    /// The question's theme profile: (slug, weight) for weights above 0.
    pub profiel: Vec<(String, f64)>,
    /// The best results, best first.
    pub resultaten: Vec<DiagResult>,
}

impl Matcher {
    /// The diagnosis of `q` over its best `k` results (without coordinators' evidence).
    pub fn diagnose(&self, q: &MatchQuery, k: usize) -> Diagnosis {
        let (outcome, profile) = self.rank(q, k, &[], &self.model);
        let (qterms, unknown) = self.query_terms(&q.vraag);
        let p = &self.params;
        let text_of = |d: usize| -> f64 {
            qterms
                .iter()
                .filter_map(|qt| {
                    let (tf, _) = self.postings.list(qt.term as usize).get(d)?;
                    let tf = f64::from(tf);
                    let norm = p.k1 * (1.0 - p.b + p.b * self.docs[d].len / self.avg_len);
                    Some(qt.weight * self.idf[qt.term as usize] * tf * (p.k1 + 1.0) / (tf + norm))
                })
                .sum()
        };
        let resultaten = outcome
            .resultaten
            .iter()
            .filter_map(|r| {
                let d = self.docs.iter().position(|x| x.id() == r.id)?;
                let doc = &self.docs[d];
                let thema: f64 = doc
                    .themes()
                    .iter()
                    .map(|&t| profile[t as usize])
                    .sum::<f64>()
                    .min(1.0);
                let treffers = qterms
                    .iter()
                    .enumerate()
                    .filter_map(|(i, qt)| {
                        let (tf, focus) = self.postings.list(qt.term as usize).get(d)?;
                        Some((i, tf, focus))
                    })
                    .collect();
                Some(DiagResult {
                    id: r.id.clone(),
                    score: r.score,
                    tekst: text_of(d),
                    thema,
                    antwoord: doc.answers,
                    doelgroepen: self.tag_slugs(doc.groups()).cloned().collect(),
                    themas: doc
                        .themes()
                        .iter()
                        .map(|&t| self.theme_slugs[t as usize].clone())
                        .collect(),
                    treffers,
                    signalen: self.fit(
                        &qterms,
                        unknown,
                        q.doelgroep.as_ref(),
                        Some((d, thema)),
                        0.0,
                    ),
                })
            })
            .collect();
        Diagnosis {
            termen: qterms
                .iter()
                .map(|qt| DiagTerm {
                    label: qt.label.clone(),
                    origin: qt.origin,
                    weight: qt.weight,
                    idf: self.idf[qt.term as usize],
                    focus: self.focus_share[qt.term as usize],
                    df: self.postings.list(qt.term as usize).len(),
                })
                .collect(),
            onbekend: unknown,
            aanbod: self.docs.len(),
            profiel: self
                .theme_slugs
                .iter()
                .zip(&profile)
                .filter(|x| *x.1 > 0.0)
                .map(|(s, w)| (s.clone(), *w))
                .collect(),
            resultaten,
        }
    }
}
