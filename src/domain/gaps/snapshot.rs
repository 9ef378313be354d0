//! A peiling (`Snapshot`): the learning agenda and the gaps frozen at a date with the version of
//! the method, as it is stored, cited and compared; the figures per vraagstuk and their course
//! over a series of peilingen. Pure: made from an analysis, read back from its JSON.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::compare::{compare, Comparison};
use super::{gaps_from, group_gaps, Gap, GroupGap, Label, ThemeFigures, Thresholds};
use crate::domain::taxonomy::{Taxonomy, Term};

/// The version of the method a peiling was computed with; it changes when the rules or weights of
/// the gap analysis do, so that a comparison can say that two peilingen were computed apart.
pub const METHOD_VERSION: &str = "2026.12-tekort-wilson-mogelijk";

/// A development track as it stood when the peiling was published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackNote {
    /// The track's row number.
    pub id: i64,
    /// Title.
    pub titel: String,
    /// Status label ("In ontwikkeling").
    pub status: String,
    /// Theme slugs it works on.
    pub themas: Vec<String>,
}

/// The figures of one vraagstuk (topic): its themes taken together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicFigures {
    /// Topic slug.
    pub slug: String,
    /// The topic's question.
    pub label: String,
    /// Its theme slugs.
    pub themas: Vec<String>,
    /// Questions on its themes (a question on two of them counts on each).
    pub vraag: usize,
    /// Usable offerings on its themes (likewise).
    pub aanbod: usize,
    /// The largest shortfall among its themes.
    pub tekort: f64,
    /// The heaviest verdict among its themes.
    pub oordeel: Label,
}

/// A peiling: everything its pages, downloads and comparisons show, frozen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The date the figures hold for ("stand per").
    pub datum: NaiveDate,
    /// The version of the method ([`METHOD_VERSION`] when it was made).
    pub methode: String,
    /// Number of learning questions.
    pub leervragen: usize,
    /// Number of offerings in the catalogue (usable and ended).
    pub leeraanbod: usize,
    /// Questions whose fit was not known yet.
    pub nog_te_koppelen: usize,
    /// The summary in plain Dutch.
    pub samenvatting: String,
    /// The thresholds in force.
    pub drempels: Thresholds,
    /// The target groups with their labels at the time.
    pub doelgroepen: Vec<Term>,
    /// Figures per theme (with the target groups).
    pub themas: Vec<ThemeFigures>,
    /// The themes labelled "lacune", best first.
    pub lacunes: Vec<Gap>,
    /// The (theme, target group) cells labelled "lacune", best first.
    pub lacunes_per_doelgroep: Vec<GroupGap>,
    /// Figures per vraagstuk.
    pub vraagstukken: Vec<TopicFigures>,
    /// The development tracks at the time.
    pub trajecten: Vec<TrackNote>,
    /// The inventory round this peiling closed, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ronde: Option<String>,
}

/// What a peiling is made from besides the analysis.
pub struct Counts {
    /// Number of learning questions.
    pub leervragen: usize,
    /// Number of offerings.
    pub leeraanbod: usize,
    /// Questions whose fit is not known yet.
    pub nog_te_koppelen: usize,
}

/// The figures of every vraagstuk of `tax` from the theme figures.
pub fn topic_figures(tax: &Taxonomy, themes: &[ThemeFigures]) -> Vec<TopicFigures> {
    tax.vraagstukken
        .iter()
        .map(|topic| {
            let mine: Vec<&ThemeFigures> = themes
                .iter()
                .filter(|f| topic.themas.contains(&f.thema))
                .collect();
            TopicFigures {
                slug: topic.slug.clone(),
                label: topic.label.clone(),
                themas: topic.themas.clone(),
                vraag: mine.iter().map(|f| f.vraag).sum(),
                aanbod: mine.iter().map(|f| f.aanbod).sum(),
                tekort: mine
                    .iter()
                    .map(|f| f.score())
                    .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))))
                    .unwrap_or(0.0),
                oordeel: mine
                    .iter()
                    .map(|f| f.verdict())
                    .max()
                    .unwrap_or(Label::NoGap),
            }
        })
        .collect()
}

/// Freezes the theme figures of an analysis made on `datum` into a peiling (the gaps follow from
/// them).
pub fn freeze(
    datum: NaiveDate,
    tax: &Taxonomy,
    counts: Counts,
    samenvatting: String,
    drempels: Thresholds,
    themas: &[ThemeFigures],
    trajecten: Vec<TrackNote>,
) -> Snapshot {
    Snapshot {
        datum,
        methode: METHOD_VERSION.to_string(),
        leervragen: counts.leervragen,
        leeraanbod: counts.leeraanbod,
        nog_te_koppelen: counts.nog_te_koppelen,
        samenvatting,
        drempels,
        doelgroepen: tax.doelgroepen.clone(),
        themas: themas.to_vec(),
        lacunes: gaps_from(themas, tax),
        lacunes_per_doelgroep: group_gaps(themas),
        vraagstukken: topic_figures(tax, themas),
        trajecten,
        ronde: None,
    }
}

impl Snapshot {
    /// Reads a stored peiling back.
    pub fn from_json(text: &str) -> Result<Snapshot, serde_json::Error> {
        let mut s: Snapshot = serde_json::from_str(text)?;
        // A gap's theme and score are serialised once, in its figures.
        for g in &mut s.lacunes {
            g.thema = g.cijfers.thema.clone();
            g.score = g.cijfers.score();
        }
        Ok(s)
    }

    /// The peiling as stored (JSON).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The label of a target group as it was at the time.
    pub fn group_label(&self, slug: &str) -> String {
        self.doelgroepen
            .iter()
            .find(|g| g.slug == slug)
            .map_or_else(|| slug.to_string(), |g| g.label.clone())
    }
}

/// One theme or (theme, target group) in two peilingen, with the tracks that worked on its theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Development {
    /// Demand, supply and verdict then and now.
    #[serde(flatten)]
    pub vergelijking: Comparison,
    /// The development tracks on the theme in either peiling (as they stood in the later one
    /// when they are in both).
    pub trajecten: Vec<TrackNote>,
}

/// Two peilingen side by side: every theme and cell, with the tracks on its theme.
pub fn develop(then: &Snapshot, now: &Snapshot) -> Vec<Development> {
    let mut tracks: Vec<&TrackNote> = now.trajecten.iter().collect();
    for t in &then.trajecten {
        if !tracks.iter().any(|x| x.id == t.id) {
            tracks.push(t);
        }
    }
    compare(&then.themas, &now.themas)
        .into_iter()
        .map(|c| Development {
            trajecten: tracks
                .iter()
                .filter(|t| t.themas.contains(&c.thema))
                .map(|t| (*t).clone())
                .collect(),
            vergelijking: c,
        })
        .collect()
}

/// One point of a vraagstuk's course: its figures in one peiling.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The peiling's date.
    pub datum: NaiveDate,
    /// The vraagstuk's figures then.
    pub figures: TopicFigures,
}

/// The course of the vraagstuk `slug` over `snapshots` (in their order); peilingen without it
/// are left out.
pub fn course(snapshots: &[Snapshot], slug: &str) -> Vec<Point> {
    snapshots
        .iter()
        .filter_map(|s| {
            s.vraagstukken
                .iter()
                .find(|t| t.slug == slug)
                .map(|t| Point {
                    datum: s.datum,
                    figures: t.clone(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::gaps::tests::term;
    use crate::domain::gaps::{theme_figures, DemandItem};
    use crate::domain::offering::Offering;
    use crate::domain::taxonomy::Topic;

    fn tax() -> Taxonomy {
        Taxonomy {
            themas: vec![term("a"), term("b")],
            doelgroepen: vec![term("bewoners"), term("beleidsmakers")],
            sectoren: vec![term("zorg"), term("wonen")],
            vormen: vec![term("training")],
            vraagstukken: vec![Topic {
                slug: "va".into(),
                label: "Hoe a?".into(),
                description: String::new(),
                themas: vec!["a".into()],
            }],
        }
    }

    fn offering(id: &str, theme: &str) -> Offering {
        super::super::tests::offering(id, theme, &["zorg", "wonen"], "X")
    }

    fn peiling(day: u32, offerings_on_a: usize) -> Snapshot {
        let tax = tax();
        let mut offerings: Vec<Offering> = (0..offerings_on_a)
            .map(|i| offering(&format!("a{i}"), "a"))
            .collect();
        offerings.extend((0..4).map(|i| offering(&format!("b{i}"), "b")));
        let refs: Vec<&Offering> = offerings.iter().collect();
        let a = vec!["a".to_string()];
        let b = vec!["b".to_string()];
        let mut demand: Vec<DemandItem> = (0..12)
            .map(|_| DemandItem {
                themas: &a,
                doelgroep: Some("beleidsmakers"),
                beantwoord: Some(false),
                mogelijk: false,
            })
            .collect();
        demand.extend((0..4).map(|_| DemandItem {
            themas: &b,
            doelgroep: Some("bewoners"),
            beantwoord: Some(true),
            mogelijk: false,
        }));
        let datum = NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        let t = Thresholds::default();
        let themes = theme_figures(&tax, &refs, &demand, &t, datum);
        freeze(
            datum,
            &tax,
            Counts {
                leervragen: demand.len(),
                leeraanbod: offerings.len(),
                nog_te_koppelen: 0,
            },
            "samen".into(),
            t,
            &themes,
            vec![TrackNote {
                id: i64::from(day),
                titel: format!("Traject {day}"),
                status: "Verkenning".into(),
                themas: vec!["a".into()],
            }],
        )
    }

    #[test]
    fn a_peiling_reads_back_as_it_was_stored() {
        let p = peiling(6, 0);
        assert_eq!(p.methode, METHOD_VERSION);
        assert!(!p.lacunes.is_empty(), "{p:?}");
        let back = Snapshot::from_json(&p.to_json()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.lacunes[0].thema, "a");
        assert_eq!(back.group_label("beleidsmakers"), "BELEIDSMAKERS");
        assert_eq!(back.group_label("onbekend"), "onbekend");
    }

    #[test]
    fn a_vraagstuk_takes_its_themes_figures() {
        let p = peiling(6, 1);
        assert_eq!(p.vraagstukken.len(), 1);
        let v = &p.vraagstukken[0];
        let a = &p.themas[0];
        assert_eq!((v.vraag, v.aanbod), (a.vraag, a.aanbod));
        assert_eq!(v.tekort, a.score());
        assert_eq!(v.oordeel, a.verdict());
    }

    #[test]
    fn two_peilingen_show_a_gap_closing_with_the_tracks_on_it() {
        let then = peiling(6, 0);
        let now = peiling(20, 20);
        let d = develop(&then, &now);
        let a = d
            .iter()
            .find(|x| x.vergelijking.thema == "a" && x.vergelijking.doelgroep.is_none())
            .unwrap();
        assert_eq!(
            a.vergelijking.verandering,
            crate::domain::gaps::compare::Change::Closed
        );
        assert_eq!(
            (a.vergelijking.aanbod_toen, a.vergelijking.aanbod_nu),
            (0, 20)
        );
        let ids: Vec<i64> = a.trajecten.iter().map(|t| t.id).collect();
        assert_eq!(ids, vec![20, 6]);
        let b = d
            .iter()
            .find(|x| x.vergelijking.thema == "b" && x.vergelijking.doelgroep.is_none())
            .unwrap();
        assert!(b.trajecten.is_empty());
        let c = course(&[then, now], "va");
        assert_eq!(c.len(), 2);
        assert!(c[0].figures.tekort > c[1].figures.tekort);
        assert_eq!(c[1].datum, NaiveDate::from_ymd_opt(2026, 12, 20).unwrap());
    }
}
