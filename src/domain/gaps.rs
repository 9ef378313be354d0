//! The gap analysis (lacunes) and the learning agenda figures: demand next to supply per theme and
//! per theme × target group, the share of demand without a fitting offering, how concentrated the
//! supply is in one sector, and the ranked gaps with a plain-Dutch explanation. Pure: the same data
//! and thresholds give the same result.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::offering::{slugify, Offering};
use super::taxonomy::Taxonomy;

/// What the analysis needs to know of one learning question.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandItem<'a> {
    /// Theme slugs of the question.
    pub themas: &'a [String],
    /// Target group slug of the asker, if known.
    pub doelgroep: Option<&'a str>,
    /// `Some(false)` when the matching engine found no fitting offering, `None` when not matched yet.
    pub passend: Option<bool>,
    /// True when a coordinator marked the question as a gap.
    pub lacune: bool,
}

/// The thresholds of the analysis (configuration, shown on the page).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Thresholds {
    /// A theme's demand per offering, relative to the average over all themes, from which demand
    /// is "clearly above" what the supply covers.
    pub vraagdruk: f64,
    /// Below this share of cross-domain offerings the supply counts as aimed at one sector.
    pub domeinoverstijgend: f64,
    /// At or above this share of the largest sector the supply counts as aimed at one sector.
    pub grootste_sector: f64,
    /// Minimum number of questions before a theme can be a gap.
    pub min_vraag: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            vraagdruk: 1.5,
            domeinoverstijgend: 0.25,
            grootste_sector: 0.8,
            min_vraag: 3,
        }
    }
}

/// True when an offering spans sectors (domeinoverstijgend): it serves two or more sectors.
pub fn is_cross_domain(o: &Offering) -> bool {
    o.sectoren.len() >= 2
}

/// Demand and supply of one theme for one target group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupFigures {
    /// Target group slug.
    pub doelgroep: String,
    /// Questions from this group on this theme.
    pub vraag: usize,
    /// Offerings on this theme for this group.
    pub aanbod: usize,
}

/// The figures of one theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThemeFigures {
    /// Theme slug.
    pub thema: String,
    /// Theme label.
    pub label: String,
    /// Number of learning questions.
    pub vraag: usize,
    /// Number of offerings.
    pub aanbod: usize,
    /// Questions per offering relative to the average over all themes (1 = average).
    pub vraagdruk: f64,
    /// Share of questions without a fitting offering (engine or coordinator), of those known.
    pub onbeantwoord: f64,
    /// Share of offerings that are cross-domain.
    pub domeinoverstijgend: f64,
    /// Share of the largest sector in the supply's sector mentions.
    pub grootste_sector_aandeel: f64,
    /// The largest sector.
    pub grootste_sector: Option<String>,
    /// Number of sectors the supply reaches.
    pub sectoren: usize,
    /// Per target group.
    pub per_doelgroep: Vec<GroupFigures>,
    /// Demand exceeds what the supply covers.
    pub te_weinig_aanbod: bool,
    /// The supply is aimed at one sector or profession.
    pub eenzijdig_aanbod: bool,
    /// Gap score, higher is a bigger gap.
    pub score: f64,
}

/// A ranked gap with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// A suggested partnership for a gap: providers from different sectors active on the theme or
/// its neighbouring themes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partnership {
    /// Provider names.
    pub aanbieders: Vec<String>,
    /// Their main sectors (same order).
    pub sectoren: Vec<String>,
    /// Why: how active each is on the theme and its neighbours.
    pub uitleg: String,
    /// Ranking score.
    pub score: f64,
}

/// Figures for every theme, in taxonomy order. One pass over the offerings and one over the
/// questions.
pub fn theme_figures(
    tax: &Taxonomy,
    offerings: &[&Offering],
    demand: &[DemandItem<'_>],
    t: &Thresholds,
) -> Vec<ThemeFigures> {
    let index: HashMap<&str, usize> = tax
        .themas
        .iter()
        .enumerate()
        .map(|(i, th)| (th.slug.as_str(), i))
        .collect();
    let mut supply_of: Vec<Vec<&Offering>> = vec![Vec::new(); tax.themas.len()];
    for o in offerings {
        for th in &o.themas {
            if let Some(i) = index.get(th.as_str()) {
                supply_of[*i].push(o);
            }
        }
    }
    let mut asked_of: Vec<Vec<&DemandItem>> = vec![Vec::new(); tax.themas.len()];
    for q in demand {
        for th in q.themas {
            if let Some(i) = index.get(th.as_str()) {
                asked_of[*i].push(q);
            }
        }
    }
    let total_demand: usize = asked_of.iter().map(Vec::len).sum();
    let total_supply: usize = supply_of.iter().map(Vec::len).sum();
    let average = if total_supply == 0 {
        1.0
    } else {
        total_demand as f64 / total_supply as f64
    };
    tax.themas
        .iter()
        .zip(supply_of.iter().zip(&asked_of))
        .map(|(th, (supply, asked))| {
            let mut sector_counts: BTreeMap<&str, usize> = BTreeMap::new();
            for o in supply {
                for s in &o.sectoren {
                    *sector_counts.entry(s).or_insert(0) += 1;
                }
            }
            let mentions: usize = sector_counts.values().sum();
            let (largest, largest_n) = sector_counts
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, n)| (Some(s.to_string()), *n))
                .unwrap_or((None, 0));
            let largest_share = if mentions == 0 {
                0.0
            } else {
                largest_n as f64 / mentions as f64
            };
            let cross = if supply.is_empty() {
                0.0
            } else {
                supply.iter().filter(|o| is_cross_domain(o)).count() as f64 / supply.len() as f64
            };
            let known = asked
                .iter()
                .filter(|q| q.lacune || q.passend.is_some())
                .count();
            let unanswered = if known == 0 {
                0.0
            } else {
                asked
                    .iter()
                    .filter(|q| q.lacune || q.passend == Some(false))
                    .count() as f64
                    / known as f64
            };
            let pressure =
                (asked.len() as f64 / supply.len().max(1) as f64) / average.max(f64::EPSILON);
            let enough_demand = asked.len() >= t.min_vraag;
            let too_little = enough_demand && (supply.is_empty() || pressure >= t.vraagdruk);
            let one_sided = enough_demand
                && !supply.is_empty()
                && (cross < t.domeinoverstijgend || largest_share >= t.grootste_sector);
            let score = if enough_demand {
                pressure * (1.0 + unanswered) * (2.0 - cross)
            } else {
                0.0
            };
            let per_doelgroep = tax
                .doelgroepen
                .iter()
                .map(|g| GroupFigures {
                    doelgroep: g.slug.clone(),
                    vraag: asked
                        .iter()
                        .filter(|q| q.doelgroep == Some(g.slug.as_str()))
                        .count(),
                    aanbod: supply
                        .iter()
                        .filter(|o| o.doelgroepen.contains(&g.slug))
                        .count(),
                })
                .collect();
            ThemeFigures {
                thema: th.slug.clone(),
                label: th.label.clone(),
                vraag: asked.len(),
                aanbod: supply.len(),
                vraagdruk: round2(pressure),
                onbeantwoord: round2(unanswered),
                domeinoverstijgend: round2(cross),
                grootste_sector_aandeel: round2(largest_share),
                grootste_sector: largest,
                sectoren: sector_counts.len(),
                per_doelgroep,
                te_weinig_aanbod: too_little,
                eenzijdig_aanbod: one_sided,
                score: round2(score),
            }
        })
        .collect()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn percent(x: f64) -> String {
    format!("{}%", (x * 100.0).round() as i64)
}

/// The plain-Dutch explanation of a gap.
pub fn explain(f: &ThemeFigures, tax: &Taxonomy) -> String {
    let mut parts = Vec::new();
    if f.aanbod == 0 {
        parts.push(format!(
            "Er zijn {} leervragen over {} maar er is geen leeraanbod.",
            f.vraag,
            f.label.to_lowercase()
        ));
    } else if f.te_weinig_aanbod {
        parts.push(format!(
            "Er zijn {} leervragen over {} en maar {} keer leeraanbod: {} vragen per aanbod, {} keer zoveel als gemiddeld.",
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
                "Het aanbod is alleen gericht op de eigen sector of beroepsgroep: {} van het aanbod is voor meer dan één sector.",
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
            "Voor {} van de vragen is er geen passend aanbod: de koppeling vond het niet, of het coördinatiepunt stelde het vast.",
            percent(f.onbeantwoord)
        ));
    }
    let groups: Vec<String> = f
        .per_doelgroep
        .iter()
        .filter(|g| g.vraag > 0 && g.aanbod == 0)
        .map(|g| {
            tax.doelgroepen
                .iter()
                .find(|t| t.slug == g.doelgroep)
                .map_or(g.doelgroep.clone(), |t| t.label.to_lowercase())
        })
        .collect();
    if !groups.is_empty() {
        parts.push(format!(
            "Er is geen aanbod voor {}, terwijl zij er wel vragen over stellen.",
            groups.join(" en ")
        ));
    }
    parts.join(" ")
}

/// Every theme that is a gap, best first (score, then slug).
pub fn gaps(
    tax: &Taxonomy,
    offerings: &[&Offering],
    demand: &[DemandItem<'_>],
    t: &Thresholds,
) -> Vec<Gap> {
    gaps_from(&theme_figures(tax, offerings, demand, t), tax)
}

/// The gaps among already computed theme figures, best first.
pub fn gaps_from(figures: &[ThemeFigures], tax: &Taxonomy) -> Vec<Gap> {
    let mut out: Vec<Gap> = figures
        .iter()
        .filter(|f| f.te_weinig_aanbod || f.eenzijdig_aanbod)
        .map(|f| Gap {
            thema: f.thema.clone(),
            score: f.score,
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

/// Themes that share offerings with `theme`, by how many offerings they share.
pub fn neighbours(theme: &str, offerings: &[&Offering]) -> Vec<(String, usize)> {
    let mut n: HashMap<&str, usize> = HashMap::new();
    for o in offerings
        .iter()
        .filter(|o| o.themas.iter().any(|t| t == theme))
    {
        for t in o.themas.iter().filter(|t| *t != theme) {
            *n.entry(t).or_insert(0) += 1;
        }
    }
    let mut v: Vec<(String, usize)> = n.into_iter().map(|(k, c)| (k.to_string(), c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Suggested partnerships for a gap theme: pairs of providers from different main sectors who
/// are active on the theme (weight 2 per offering) or a neighbouring theme (weight 1), best first.
pub fn partnerships(
    theme: &str,
    offerings: &[&Offering],
    tax: &Taxonomy,
    k: usize,
) -> Vec<Partnership> {
    let near: BTreeSet<String> = neighbours(theme, offerings)
        .into_iter()
        .take(4)
        .map(|(t, _)| t)
        .collect();
    struct Activity {
        name: String,
        on_theme: usize,
        nearby: usize,
        sectors: BTreeMap<String, usize>,
    }
    let mut providers: BTreeMap<String, Activity> = BTreeMap::new();
    for o in offerings {
        let on = o.themas.iter().any(|t| t == theme);
        let nb = o.themas.iter().any(|t| near.contains(t));
        if !on && !nb {
            continue;
        }
        let a = providers
            .entry(slugify(&o.aanbieder))
            .or_insert_with(|| Activity {
                name: o.aanbieder.clone(),
                on_theme: 0,
                nearby: 0,
                sectors: BTreeMap::new(),
            });
        if on {
            a.on_theme += 1;
        } else {
            a.nearby += 1;
        }
        for s in &o.sectoren {
            *a.sectors.entry(s.clone()).or_insert(0) += 1;
        }
    }
    let main_sector = |a: &Activity| {
        a.sectors
            .iter()
            .max_by(|x, y| x.1.cmp(y.1).then_with(|| y.0.cmp(x.0)))
            .map(|(s, _)| s.clone())
            .unwrap_or_default()
    };
    let weight = |a: &Activity| 2.0 * a.on_theme as f64 + a.nearby as f64;
    let list: Vec<&Activity> = providers.values().collect();
    let mut pairs = Vec::new();
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            let (sa, sb) = (main_sector(a), main_sector(b));
            if sa == sb || (a.on_theme == 0 && b.on_theme == 0) {
                continue;
            }
            let label = |s: &str| {
                tax.sectoren
                    .iter()
                    .find(|t| t.slug == s)
                    .map_or(s.to_string(), |t| t.label.clone())
            };
            let describe = |x: &Activity| {
                format!(
                    "{} ({}: {} keer aanbod op dit thema, {} op verwante thema's)",
                    x.name,
                    label(&main_sector(x)),
                    x.on_theme,
                    x.nearby
                )
            };
            pairs.push(Partnership {
                aanbieders: vec![a.name.clone(), b.name.clone()],
                sectoren: vec![sa.clone(), sb.clone()],
                uitleg: format!(
                    "{} en {} komen uit verschillende sectoren.",
                    describe(a),
                    describe(b)
                ),
                score: weight(a) + weight(b),
            });
        }
    }
    pairs.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.aanbieders.cmp(&b.aanbieders))
    });
    pairs.truncate(k);
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offering::Location;
    use crate::domain::taxonomy::Term;

    fn term(slug: &str) -> Term {
        Term {
            slug: slug.into(),
            label: slug.to_uppercase(),
            description: String::new(),
        }
    }

    fn tax() -> Taxonomy {
        Taxonomy {
            themas: vec![term("a"), term("b"), term("c")],
            doelgroepen: vec![term("bewoners"), term("beleidsmakers")],
            sectoren: vec![term("zorg"), term("veiligheid"), term("wonen")],
            vormen: vec![term("training")],
            vraagstukken: vec![],
        }
    }

    fn offering(id: &str, theme: &str, sectors: &[&str], provider: &str) -> Offering {
        Offering {
            id: id.into(),
            titel: id.into(),
            samenvatting: String::new(),
            beschrijving: String::new(),
            aanbieder: provider.into(),
            partners: vec![],
            vorm: "training".into(),
            themas: vec![theme.into()],
            doelgroepen: vec!["beleidsmakers".into()],
            sectoren: sectors.iter().map(|s| s.to_string()).collect(),
            trefwoorden: vec![],
            kosten: "gratis".into(),
            locatie: Location::Online,
            regio: "landelijk".into(),
            startdatum: None,
            einddatum: None,
            url: "https://a.example".into(),
        }
    }

    struct Data {
        offerings: Vec<Offering>,
        themes: Vec<Vec<String>>,
    }

    impl Data {
        fn demand(&self) -> Vec<DemandItem<'_>> {
            self.themes
                .iter()
                .map(|t| DemandItem {
                    themas: t,
                    doelgroep: Some("bewoners"),
                    passend: None,
                    lacune: false,
                })
                .collect()
        }
    }

    /// Theme a: much demand, one single-sector offering. Theme b: demand met by cross-sector
    /// supply. Theme c: little demand.
    fn data() -> Data {
        let mut offerings = vec![offering("a1", "a", &["zorg"], "Zorg Org")];
        for i in 0..6 {
            offerings.push(offering(
                &format!("b{i}"),
                "b",
                &["zorg", "veiligheid"],
                &format!("Org {i}"),
            ));
        }
        offerings.push(offering("c1", "c", &["wonen", "zorg"], "Woon Org"));
        let mut themes = vec![vec!["a".to_string()]; 8];
        themes.extend(vec![vec!["b".to_string()]; 6]);
        themes.push(vec!["c".to_string()]);
        Data { offerings, themes }
    }

    #[test]
    fn a_theme_with_much_demand_and_one_sided_supply_is_a_gap() {
        let d = data();
        let refs: Vec<&Offering> = d.offerings.iter().collect();
        let g = gaps(&tax(), &refs, &d.demand(), &Thresholds::default());
        assert_eq!(g.len(), 1, "{g:?}");
        assert_eq!(g[0].thema, "a");
        assert!(g[0].cijfers.te_weinig_aanbod && g[0].cijfers.eenzijdig_aanbod);
        assert!(g[0].uitleg.contains("8 leervragen"), "{}", g[0].uitleg);
        assert!(
            g[0].uitleg.contains("alleen gericht op de eigen sector"),
            "{}",
            g[0].uitleg
        );
        assert!(
            g[0].uitleg.contains("geen aanbod voor bewoners"),
            "{}",
            g[0].uitleg
        );
    }

    #[test]
    fn cross_sector_supply_ends_a_gap_and_new_demand_starts_one() {
        let mut d = data();
        for i in 0..6 {
            d.offerings.push(offering(
                &format!("a-x{i}"),
                "a",
                &["zorg", "wonen"],
                &format!("Nieuw {i}"),
            ));
        }
        let refs: Vec<&Offering> = d.offerings.iter().collect();
        assert!(gaps(&tax(), &refs, &d.demand(), &Thresholds::default())
            .iter()
            .all(|g| g.thema != "a"));
        d.themes.extend(vec![vec!["c".to_string()]; 12]);
        let refs: Vec<&Offering> = d.offerings.iter().collect();
        let g = gaps(&tax(), &refs, &d.demand(), &Thresholds::default());
        assert_eq!(g[0].thema, "c", "{g:?}");
    }

    #[test]
    fn unanswered_questions_count_and_raise_the_score() {
        let d = data();
        let refs: Vec<&Offering> = d.offerings.iter().collect();
        let base = gaps(&tax(), &refs, &d.demand(), &Thresholds::default());
        let mut demand = d.demand();
        for q in demand.iter_mut().take(4) {
            q.passend = Some(false);
        }
        for q in demand.iter_mut().skip(4).take(4) {
            q.passend = Some(true);
        }
        let g = gaps(&tax(), &refs, &demand, &Thresholds::default());
        assert_eq!(g[0].cijfers.onbeantwoord, 0.5);
        assert!(g[0].score > base[0].score);
        assert!(g[0].uitleg.contains("50%"));
    }

    #[test]
    fn partnerships_pair_providers_from_different_sectors() {
        let mut d = data();
        d.offerings
            .push(offering("a2", "a", &["veiligheid"], "Politie Academie"));
        let refs: Vec<&Offering> = d.offerings.iter().collect();
        let p = partnerships("a", &refs, &tax(), 5);
        assert!(!p.is_empty());
        assert!(p.iter().all(|x| x.sectoren[0] != x.sectoren[1]));
        assert!(
            p[0].aanbieders.contains(&"Politie Academie".to_string())
                || p[0].aanbieders.contains(&"Zorg Org".to_string())
        );
    }
}
