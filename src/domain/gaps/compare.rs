//! Two gap analyses side by side (two peilingen, or a peiling and today): per theme and per
//! (theme, target group) the demand and supply then and now, and whether a gap closed, opened
//! or stayed.

use serde::{Deserialize, Serialize};

use super::{Label, ThemeFigures};

/// What happened to a theme or cell between two analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Change {
    /// A gap then, no gap now.
    #[serde(rename = "gesloten")]
    Closed,
    /// No gap then, a gap now.
    #[serde(rename = "geopend")]
    Opened,
    /// A gap then and now.
    #[serde(rename = "gebleven")]
    Stayed,
    /// No gap then or now.
    #[serde(rename = "geen lacune")]
    Never,
}

impl Change {
    /// The change between two labels: only "lacune" counts as a gap.
    pub fn between(then: Label, now: Label) -> Change {
        match (then == Label::Gap, now == Label::Gap) {
            (true, false) => Change::Closed,
            (false, true) => Change::Opened,
            (true, true) => Change::Stayed,
            (false, false) => Change::Never,
        }
    }

    /// The Dutch word.
    pub fn text(self) -> &'static str {
        match self {
            Change::Closed => "gesloten",
            Change::Opened => "geopend",
            Change::Stayed => "gebleven",
            Change::Never => "geen lacune",
        }
    }
}

/// One theme or cell in two analyses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    /// Theme slug.
    pub thema: String,
    /// Target group slug; `None` for the theme as a whole.
    pub doelgroep: Option<String>,
    /// Questions then and now.
    pub vraag_toen: usize,
    /// Questions now.
    pub vraag_nu: usize,
    /// Usable offerings then.
    pub aanbod_toen: usize,
    /// Usable offerings now.
    pub aanbod_nu: usize,
    /// Shortfall then.
    pub tekort_toen: f64,
    /// Shortfall now.
    pub tekort_nu: f64,
    /// Verdict then.
    pub oordeel_toen: Label,
    /// Verdict now.
    pub oordeel_nu: Label,
    /// What happened.
    pub verandering: Change,
}

/// Every theme (and its target groups) present in both analyses, in the order of `now`.
pub fn compare(then: &[ThemeFigures], now: &[ThemeFigures]) -> Vec<Comparison> {
    let mut out = Vec::new();
    for n in now {
        let Some(t) = then.iter().find(|t| t.thema == n.thema) else {
            continue;
        };
        out.push(Comparison {
            thema: n.thema.clone(),
            doelgroep: None,
            vraag_toen: t.vraag,
            vraag_nu: n.vraag,
            aanbod_toen: t.aanbod,
            aanbod_nu: n.aanbod,
            tekort_toen: t.beoordeling.score,
            tekort_nu: n.beoordeling.score,
            oordeel_toen: t.beoordeling.label,
            oordeel_nu: n.beoordeling.label,
            verandering: Change::between(t.beoordeling.label, n.beoordeling.label),
        });
        for gn in &n.per_doelgroep {
            let Some(gt) = t.per_doelgroep.iter().find(|g| g.doelgroep == gn.doelgroep) else {
                continue;
            };
            out.push(Comparison {
                thema: n.thema.clone(),
                doelgroep: Some(gn.doelgroep.clone()),
                vraag_toen: gt.vraag,
                vraag_nu: gn.vraag,
                aanbod_toen: gt.aanbod,
                aanbod_nu: gn.aanbod,
                tekort_toen: gt.beoordeling.score,
                tekort_nu: gn.beoordeling.score,
                oordeel_toen: gt.beoordeling.label,
                oordeel_nu: gn.beoordeling.label,
                verandering: Change::between(gt.beoordeling.label, gn.beoordeling.label),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::gaps::score::{assess, Tally};
    use crate::domain::gaps::{GroupFigures, Thresholds};

    fn figures(thema: &str, vraag: usize, aanbod: usize, group_vraag: usize) -> ThemeFigures {
        let t = Thresholds::default();
        let tally = |vraag, aanbod| Tally {
            vraag,
            aanbod,
            domeinoverstijgend: aanbod,
            ..Tally::default()
        };
        ThemeFigures {
            thema: thema.into(),
            label: thema.into(),
            vraag,
            aanbod,
            beeindigd: 0,
            vraagdruk: 1.0,
            onbeantwoord: 0.0,
            mogelijk: 0,
            domeinoverstijgend: 1.0,
            grootste_sector_aandeel: 0.0,
            grootste_sector: None,
            sectoren: 0,
            per_doelgroep: vec![GroupFigures {
                doelgroep: "beleidsmakers".into(),
                vraag: group_vraag,
                aanbod: 0,
                beoordeling: assess(&tally(group_vraag, 0), 1.0, &t, ""),
            }],
            te_weinig_aanbod: false,
            eenzijdig_aanbod: false,
            score: 0.0,
            beoordeling: assess(&tally(vraag, aanbod), 1.0, &t, ""),
        }
    }

    #[test]
    fn a_gap_closes_opens_or_stays_per_theme_and_group() {
        let then = vec![
            figures("a", 10, 1, 0),
            figures("b", 1, 5, 5),
            figures("c", 9, 0, 0),
        ];
        let now = vec![
            figures("a", 10, 10, 4),
            figures("b", 12, 5, 5),
            figures("c", 9, 1, 0),
        ];
        let c = compare(&then, &now);
        assert_eq!(c.len(), 6);
        let theme = |s: &str| {
            c.iter()
                .find(|x| x.thema == s && x.doelgroep.is_none())
                .unwrap()
        };
        assert_eq!(theme("a").verandering, Change::Closed);
        assert_eq!((theme("a").aanbod_toen, theme("a").aanbod_nu), (1, 10));
        assert_eq!(theme("b").verandering, Change::Opened);
        assert_eq!(theme("c").verandering, Change::Stayed);
        let group = c
            .iter()
            .find(|x| x.thema == "a" && x.doelgroep.as_deref() == Some("beleidsmakers"))
            .unwrap();
        assert_eq!(group.verandering, Change::Opened);
        assert_eq!(Change::between(Label::NearGap, Label::NoGap), Change::Never);
        assert_eq!(Change::Closed.text(), "gesloten");
    }
}
