//! The gap analysis (lacunes) and the learning agenda figures: demand next to usable supply per
//! theme and per (theme, target group), the share of demand without a fitting offering with its
//! interval, how cross-domain the supply is, the score and label of every theme and cell, and the
//! ranked gaps with a plain-Dutch explanation. Pure: the same data, date and thresholds give the
//! same result.

pub mod compare;
pub mod partners;
pub mod score;
pub mod snapshot;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use partners::{neighbours, partnerships, Partnership};
pub use score::{Assessment, Label, Tally};

use super::offering::Offering;
use super::taxonomy::Taxonomy;

/// What the analysis needs to know of one learning question.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandItem<'a> {
    /// Theme slugs of the question.
    pub themas: &'a [String],
    /// Target group slug of the asker, if known.
    pub doelgroep: Option<&'a str>,
    /// Whether the question has a fitting offering: `Some(false)` counts as unanswered,
    /// `None` as not known yet. The caller decides (matching, coordinator's verdict).
    pub beantwoord: Option<bool>,
    /// The engine found related offerings but is not sure they answer the question (`mogelijk`;
    /// `beantwoord` is then `None`): counted apart.
    pub mogelijk: bool,
}

/// The thresholds of the analysis (configuration, shown on the page).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    /// A theme's demand per offering, relative to the average over all themes, from which demand
    /// is "clearly above" what the supply covers.
    pub vraagdruk: f64,
    /// Below this share of cross-domain offerings the supply counts as aimed at one sector.
    pub domeinoverstijgend: f64,
    /// At or above this share of the largest sector the supply counts as aimed at one sector.
    pub grootste_sector: f64,
    /// Minimum number of questions before a theme is named for its unanswered share alone.
    pub min_vraag: usize,
    /// Questions one offering carries, as a multiple of the average over all themes.
    pub draagkracht: f64,
    /// Weight of an offering for one professional domain (a cross-domain one weighs 1).
    pub gewicht_eenzijdig: f64,
    /// From this score (offerings short) a theme or cell is a gap.
    pub lacune: f64,
    /// At or below this score it is no gap; in between "bijna lacune".
    pub geen_lacune: f64,
    /// Normal quantile of the interval (1.96: 95%).
    pub z: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            vraagdruk: 1.5,
            domeinoverstijgend: 0.25,
            grootste_sector: 0.8,
            min_vraag: 3,
            draagkracht: 0.9,
            gewicht_eenzijdig: 0.5,
            lacune: 2.0,
            geen_lacune: 0.0,
            z: 1.96,
        }
    }
}

/// Sectors that are an audience rather than a professional domain: they do not make an offering
/// cross-domain.
pub const AUDIENCE_SECTORS: [&str; 1] = ["bewonersorganisaties"];

/// The professional domains an offering is made for (its sectors without the audiences).
pub fn professional_domains(o: &Offering) -> usize {
    o.sectoren
        .iter()
        .filter(|s| !AUDIENCE_SECTORS.contains(&s.as_str()))
        .count()
}

/// True when an offering is cross-domain (domeinoverstijgend): made for two or more
/// professional domains; residents' organisations are an audience and do not count.
pub fn is_cross_domain(o: &Offering) -> bool {
    professional_domains(o) >= 2
}

/// True when an offering can be used on `today`: always available, or not ended yet.
pub fn is_usable(o: &Offering, today: NaiveDate) -> bool {
    o.einddatum.is_none_or(|end| end >= today)
}

/// Demand and supply of one theme for one target group, with its score and label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    /// Target group slug.
    pub doelgroep: String,
    /// Questions from this group on this theme.
    pub vraag: usize,
    /// Usable offerings on this theme for this group.
    pub aanbod: usize,
    /// Score, interval, label and what would change it.
    #[serde(flatten)]
    pub beoordeling: Assessment,
}

/// The figures of one theme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThemeFigures {
    /// Theme slug.
    pub thema: String,
    /// Theme label.
    pub label: String,
    /// Number of learning questions.
    pub vraag: usize,
    /// Number of usable offerings (current or always available).
    pub aanbod: usize,
    /// Number of ended offerings (history; not counted as supply).
    pub beeindigd: usize,
    /// Questions per offering relative to the average over all themes (1 = average).
    pub vraagdruk: f64,
    /// Share of questions without a fitting offering, of those known.
    pub onbeantwoord: f64,
    /// Number of questions for which the engine found related offerings without being sure
    /// they answer them (`mogelijk`; not counted as answered or unanswered).
    #[serde(default)]
    pub mogelijk: usize,
    /// Share of usable offerings that are cross-domain.
    pub domeinoverstijgend: f64,
    /// Share of the largest sector in the supply's sector mentions.
    pub grootste_sector_aandeel: f64,
    /// The largest sector.
    pub grootste_sector: Option<String>,
    /// Number of sectors the supply reaches.
    pub sectoren: usize,
    /// Per target group.
    pub per_doelgroep: Vec<GroupFigures>,
    /// Demand exceeds what the supply covers (vraagdruk at or above its threshold).
    pub te_weinig_aanbod: bool,
    /// The supply is aimed at one sector or profession.
    pub eenzijdig_aanbod: bool,
    /// Gap score: the shortfall in offerings (`tekort`), higher is a bigger gap.
    pub score: f64,
    /// Score, interval, label and what would change it.
    #[serde(flatten)]
    pub beoordeling: Assessment,
}

impl ThemeFigures {
    /// The gap score (offerings short).
    pub fn score(&self) -> f64 {
        self.beoordeling.score
    }

    /// The verdict on the theme.
    pub fn verdict(&self) -> Label {
        self.beoordeling.label
    }
}

/// A ranked gap with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gap {
    /// Theme slug (serialised once, from the figures).
    #[serde(skip)]
    pub thema: String,
    /// Gap score, higher first (serialised once, from the figures).
    #[serde(skip)]
    pub score: f64,
    /// Plain-Dutch explanation a policymaker can quote.
    pub uitleg: String,
    /// The figures behind it.
    #[serde(flatten)]
    pub cijfers: ThemeFigures,
}

/// Figures for every theme, in taxonomy order, with the supply usable on `today`. One pass over
/// the offerings and one over the questions.
pub fn theme_figures(
    tax: &Taxonomy,
    offerings: &[&Offering],
    demand: &[DemandItem<'_>],
    t: &Thresholds,
    today: NaiveDate,
) -> Vec<ThemeFigures> {
    let index: HashMap<&str, usize> = tax
        .themas
        .iter()
        .enumerate()
        .map(|(i, th)| (th.slug.as_str(), i))
        .collect();
    let groups: HashMap<&str, usize> = tax
        .doelgroepen
        .iter()
        .enumerate()
        .map(|(i, g)| (g.slug.as_str(), i))
        .collect();
    let mut theme: Vec<Tally> = vec![Tally::default(); tax.themas.len()];
    let mut cell: Vec<Vec<Tally>> = vec![vec![Tally::default(); groups.len()]; tax.themas.len()];
    let mut sector_counts: Vec<BTreeMap<&str, usize>> = vec![BTreeMap::new(); tax.themas.len()];
    let mut possible: Vec<usize> = vec![0; tax.themas.len()];
    for o in offerings {
        let usable = is_usable(o, today);
        let cross = usize::from(is_cross_domain(o));
        let for_groups: Vec<usize> = o
            .doelgroepen
            .iter()
            .filter_map(|g| groups.get(g.as_str()).copied())
            .collect();
        for th in &o.themas {
            let Some(&i) = index.get(th.as_str()) else {
                continue;
            };
            if !usable {
                theme[i].beeindigd += 1;
                continue;
            }
            theme[i].aanbod += 1;
            theme[i].domeinoverstijgend += cross;
            for &g in &for_groups {
                cell[i][g].aanbod += 1;
                cell[i][g].domeinoverstijgend += cross;
            }
            for s in &o.sectoren {
                *sector_counts[i].entry(s).or_insert(0) += 1;
            }
        }
    }
    for q in demand {
        let g = q.doelgroep.and_then(|g| groups.get(g).copied());
        let known = usize::from(q.beantwoord.is_some());
        let unanswered = usize::from(q.beantwoord == Some(false));
        for th in q.themas {
            let Some(&i) = index.get(th.as_str()) else {
                continue;
            };
            possible[i] += usize::from(q.mogelijk);
            for x in std::iter::once(&mut theme[i]).chain(g.map(|g| &mut cell[i][g])) {
                x.vraag += 1;
                x.bekend += known;
                x.onbeantwoord += unanswered;
            }
        }
    }
    let total_demand: usize = theme.iter().map(|x| x.vraag).sum();
    let total_supply: usize = theme.iter().map(|x| x.aanbod).sum();
    let cap = score::capacity(total_demand, total_supply, t);
    let cell_cap = score::capacity(
        cell.iter().flatten().map(|x| x.vraag).sum(),
        cell.iter().flatten().map(|x| x.aanbod).sum(),
        t,
    );
    let average = if total_supply == 0 {
        1.0
    } else {
        total_demand as f64 / total_supply as f64
    };
    tax.themas
        .iter()
        .enumerate()
        .map(|(i, th)| {
            let x = &theme[i];
            let sectors = &sector_counts[i];
            let mentions: usize = sectors.values().sum();
            let (largest, largest_n) = sectors
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, n)| (Some(s.to_string()), *n))
                .unwrap_or((None, 0));
            let largest_share = if mentions == 0 {
                0.0
            } else {
                largest_n as f64 / mentions as f64
            };
            let cross = if x.aanbod == 0 {
                0.0
            } else {
                x.domeinoverstijgend as f64 / x.aanbod as f64
            };
            let unanswered = if x.bekend == 0 {
                0.0
            } else {
                x.onbeantwoord as f64 / x.bekend as f64
            };
            let pressure = (x.vraag as f64 / x.aanbod.max(1) as f64) / average.max(f64::EPSILON);
            let enough_demand = x.vraag >= t.min_vraag;
            let per_doelgroep = tax
                .doelgroepen
                .iter()
                .enumerate()
                .map(|(g, group)| {
                    let c = &cell[i][g];
                    let wie = format!("voor {}", group.label.to_lowercase());
                    GroupFigures {
                        doelgroep: group.slug.clone(),
                        vraag: c.vraag,
                        aanbod: c.aanbod,
                        beoordeling: score::assess(c, cell_cap, t, &wie),
                    }
                })
                .collect();
            ThemeFigures {
                thema: th.slug.clone(),
                label: th.label.clone(),
                vraag: x.vraag,
                aanbod: x.aanbod,
                beeindigd: x.beeindigd,
                vraagdruk: round2(pressure),
                onbeantwoord: round2(unanswered),
                mogelijk: possible[i],
                domeinoverstijgend: round2(cross),
                grootste_sector_aandeel: round2(largest_share),
                grootste_sector: largest,
                sectoren: sectors.len(),
                per_doelgroep,
                te_weinig_aanbod: enough_demand && (x.aanbod == 0 || pressure >= t.vraagdruk),
                eenzijdig_aanbod: enough_demand
                    && x.aanbod > 0
                    && (cross < t.domeinoverstijgend || largest_share >= t.grootste_sector),
                score: 0.0,
                beoordeling: score::assess(x, cap, t, ""),
            }
        })
        .map(|mut f| {
            f.score = f.beoordeling.score;
            f
        })
        .collect()
}

use score::round2;

fn percent(x: f64) -> String {
    format!("{}%", (x * 100.0).round() as i64)
}

fn group_label(tax: &Taxonomy, slug: &str) -> String {
    tax.doelgroepen
        .iter()
        .find(|t| t.slug == slug)
        .map_or(slug.to_string(), |t| t.label.to_lowercase())
}

/// The plain-Dutch explanation of a theme's verdict.
pub fn explain(f: &ThemeFigures, tax: &Taxonomy) -> String {
    let mut parts = Vec::new();
    if f.aanbod == 0 {
        parts.push(format!(
            "Er zijn {} leervragen over {} maar er is geen bruikbaar leeraanbod.",
            f.vraag,
            f.label.to_lowercase()
        ));
    } else if f.te_weinig_aanbod {
        parts.push(format!(
            "Er zijn {} leervragen over {} en maar {} keer bruikbaar leeraanbod: {} vragen per aanbod, {} keer zoveel als gemiddeld.",
            f.vraag,
            f.label.to_lowercase(),
            f.aanbod,
            format!("{:.1}", f.vraag as f64 / f.aanbod as f64).replace('.', ","),
            format!("{:.1}", f.vraagdruk).replace('.', ",")
        ));
    }
    if f.eenzijdig_aanbod {
        let sector = f
            .grootste_sector
            .as_deref()
            .map(|s| {
                tax.sectoren
                    .iter()
                    .find(|t| t.slug == s)
                    .map_or(s.to_string(), |t| t.label.clone())
            })
            .unwrap_or_default();
        if f.domeinoverstijgend < 0.25 {
            parts.push(format!(
                "Het aanbod is alleen gericht op de eigen sector of beroepsgroep: {} van het aanbod is voor meer dan één beroepsdomein.",
                percent(f.domeinoverstijgend)
            ));
        } else {
            parts.push(format!(
                "Het aanbod is vooral gericht op één sector ({sector}: {} van het aanbod).",
                percent(f.grootste_sector_aandeel)
            ));
        }
    }
    if f.onbeantwoord > 0.0 {
        parts.push(format!(
            "Voor {} van de vragen is er geen passend aanbod (tussen {} en {}, als we meetellen dat dit bij weinig of nog niet gekoppelde vragen onzeker is).",
            percent(f.onbeantwoord),
            percent(f.beoordeling.onbeantwoord_laag),
            percent(f.beoordeling.onbeantwoord_hoog)
        ));
    }
    let empty: Vec<String> = f
        .per_doelgroep
        .iter()
        .filter(|g| g.vraag > 0 && g.aanbod == 0)
        .map(|g| group_label(tax, &g.doelgroep))
        .collect();
    if !empty.is_empty() {
        parts.push(format!(
            "Er is geen aanbod voor {}, terwijl zij er wel vragen over stellen.",
            empty.join(" en ")
        ));
    }
    let short: Vec<String> = f
        .per_doelgroep
        .iter()
        .filter(|g| g.beoordeling.label == Label::Gap)
        .map(|g| group_label(tax, &g.doelgroep))
        .collect();
    if !short.is_empty() {
        parts.push(format!("Een lacune voor {}.", short.join(" en ")));
    }
    parts.push(f.beoordeling.wat_verandert.clone());
    parts.join(" ")
}

/// Every theme labelled "lacune", best first (score, then slug).
pub fn gaps(
    tax: &Taxonomy,
    offerings: &[&Offering],
    demand: &[DemandItem<'_>],
    t: &Thresholds,
    today: NaiveDate,
) -> Vec<Gap> {
    gaps_from(&theme_figures(tax, offerings, demand, t, today), tax)
}

/// The gaps among already computed theme figures, best first.
pub fn gaps_from(figures: &[ThemeFigures], tax: &Taxonomy) -> Vec<Gap> {
    let mut out: Vec<Gap> = figures
        .iter()
        .filter(|f| f.verdict() == Label::Gap)
        .map(|f| Gap {
            thema: f.thema.clone(),
            score: f.score(),
            uitleg: explain(f, tax),
            cijfers: f.clone(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.thema.cmp(&b.thema))
    });
    out
}

/// A (theme, target group) cell labelled "lacune".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupGap {
    /// Theme slug.
    pub thema: String,
    /// Target group slug.
    pub doelgroep: String,
    /// Questions and usable supply of the cell.
    pub vraag: usize,
    /// Usable offerings for the group on the theme.
    pub aanbod: usize,
    /// Score, interval, label and what would change it.
    #[serde(flatten)]
    pub beoordeling: Assessment,
}

/// Every (theme, target group) cell labelled "lacune", best first (score, theme, group).
pub fn group_gaps(figures: &[ThemeFigures]) -> Vec<GroupGap> {
    let mut out: Vec<GroupGap> = figures
        .iter()
        .flat_map(|f| {
            f.per_doelgroep
                .iter()
                .filter(|g| g.beoordeling.label == Label::Gap)
                .map(|g| GroupGap {
                    thema: f.thema.clone(),
                    doelgroep: g.doelgroep.clone(),
                    vraag: g.vraag,
                    aanbod: g.aanbod,
                    beoordeling: g.beoordeling.clone(),
                })
        })
        .collect();
    out.sort_by(|a, b| {
        b.beoordeling
            .score
            .total_cmp(&a.beoordeling.score)
            .then_with(|| a.thema.cmp(&b.thema))
            .then_with(|| a.doelgroep.cmp(&b.doelgroep))
    });
    out
}

#[cfg(test)]
mod tests;
