//! Suggested partnerships for a gap: providers from different sectors active on the gap's theme
//! or on the themes that share offerings with it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::domain::offering::{slugify, Offering};
use crate::domain::taxonomy::Taxonomy;

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
