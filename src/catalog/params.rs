//! Parsing of catalogue search parameters (shared by the API, the catalogue page, the feeds and
//! a saved search in a digest) into a typed query; every bad value becomes a Dutch reason per
//! parameter.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::Snapshot;
use crate::domain::facets::{Facet, Filters, Sort};
use crate::domain::offering::Location;
use crate::domain::taxonomy::Vocabulary;

/// Default and maximum page sizes.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest allowed `pageSize`.
pub const MAX_PAGE_SIZE: usize = 100;

/// The most values one filter takes in a request (more is refused, not silently cut).
pub const MAX_FILTER_VALUES: usize = 20;

/// One rejected parameter.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct InvalidParam {
    /// Parameter name.
    pub name: String,
    /// Dutch reason.
    pub reason: String,
}

impl InvalidParam {
    /// Parameter `name` refused for `reason` (Dutch).
    pub fn new(name: impl Into<String>, reason: impl Into<String>) -> InvalidParam {
        InvalidParam {
            name: name.into(),
            reason: reason.into(),
        }
    }
}

/// A validated catalogue search.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogQuery {
    /// Free text.
    pub q: String,
    /// Filters.
    pub filters: Filters,
    /// Order.
    pub sort: Sort,
    /// Page number from 1.
    pub page: usize,
    /// Page size.
    pub page_size: usize,
}

impl CatalogQuery {
    /// This search in `snapshot`: one page of results with the facet counts.
    pub fn run<'a>(
        &self,
        catalog: &crate::catalog::Catalog,
        snapshot: &'a Snapshot,
    ) -> Result<crate::domain::facets::Page<'a>, crate::catalog::CatalogError> {
        catalog.search(snapshot, self)
    }

    /// Every result of this search, by date (what a calendar of it holds).
    pub fn all_by_date(&self) -> CatalogQuery {
        CatalogQuery {
            sort: Sort::Datum,
            page: 1,
            page_size: usize::MAX,
            ..self.clone()
        }
    }
}

/// Splits a raw query string into pairs.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.and_then(|r| serde_urlencoded::from_str::<Vec<(String, String)>>(r).ok())
        .unwrap_or_default()
}

/// The first value of `name` in `pairs`, or an empty text when there is none.
pub fn first_value(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// Search text without control characters: tabs and line breaks become spaces, the rest
/// (NUL and the like) is dropped, so nothing invisible reaches the index or the page.
pub fn clean_text(value: &str) -> String {
    value
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn facet_of(key: &str) -> Option<Facet> {
    Facet::ALL.into_iter().find(|f| f.key() == key)
}

/// Parses the parameters of `/api/v1/aanbod` (and `/aanbod`). Empty values are ignored;
/// `extra` keys are allowed and left to the caller.
pub fn parse(
    pairs: &[(String, String)],
    snapshot: &Snapshot,
    today: NaiveDate,
    extra: &[&str],
) -> Result<CatalogQuery, Vec<InvalidParam>> {
    let mut errors = Vec::new();
    let mut bad = |name: &str, reason: String| errors.push(InvalidParam::new(name, reason));
    let mut query = CatalogQuery {
        q: String::new(),
        filters: Filters {
            facets: BTreeMap::new(),
            gratis: None,
            vanaf: None,
            domeinoverstijgend: false,
            alleen_regio: false,
            voor: None,
        },
        sort: Sort::Relevantie,
        page: 1,
        page_size: DEFAULT_PAGE_SIZE,
    };
    let mut ook_landelijk: Option<bool> = None;
    // Values given per filter, repeats included.
    let mut counts: BTreeMap<Facet, usize> = BTreeMap::new();
    for (key, value) in pairs {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        if let Some(facet) = facet_of(key) {
            let known = match facet {
                Facet::Thema => snapshot.taxonomy.term(Vocabulary::Theme, value).is_some(),
                Facet::Doelgroep => snapshot
                    .taxonomy
                    .term(Vocabulary::TargetGroup, value)
                    .is_some(),
                Facet::Sector => snapshot.taxonomy.term(Vocabulary::Sector, value).is_some(),
                Facet::Vorm => snapshot.taxonomy.term(Vocabulary::Format, value).is_some(),
                Facet::Aanbieder => snapshot.provider(value).is_some(),
                Facet::Locatie => Location::parse(value).is_some(),
                // Regions come from their vocabulary, in any known spelling (noord-brabant).
                Facet::Regio => false,
            };
            let canonical = if facet == Facet::Regio {
                crate::domain::region::Regions::builtin().canonical(value)
            } else if known {
                Some(value)
            } else {
                None
            };
            let given = counts.entry(facet).or_insert(0);
            *given += 1;
            if *given == MAX_FILTER_VALUES + 1 {
                bad(
                    key,
                    format!("te veel waarden (hoogstens {MAX_FILTER_VALUES} per filter)"),
                );
            }
            if *given > MAX_FILTER_VALUES {
                continue;
            }
            if let Some(value) = canonical {
                let values = query.filters.facets.entry(facet).or_default();
                if !values.iter().any(|v| v == value) {
                    values.push(value.to_string());
                }
            } else {
                bad(key, format!("onbekende waarde '{value}'"));
            }
            continue;
        }
        match key.as_str() {
            "q" => {
                let text = clean_text(value);
                if text.chars().count() > 200 {
                    bad("q", "zoektekst is te lang (maximaal 200 tekens)".into());
                } else {
                    query.q = text;
                }
            }
            "gratis" => match value {
                "true" | "ja" | "1" => query.filters.gratis = Some(true),
                "false" | "nee" | "0" => query.filters.gratis = Some(false),
                _ => bad(
                    "gratis",
                    format!("'{value}' is geen ja/nee-waarde (gebruik true of false)"),
                ),
            },
            // "ook landelijk en online": a ticked box wins over the hidden 'nee' sent beside it.
            "ookLandelijk" => match value {
                "true" | "ja" | "1" => ook_landelijk = Some(true),
                "false" | "nee" | "0" => {
                    ook_landelijk.get_or_insert(false);
                }
                _ => bad(
                    "ookLandelijk",
                    format!("'{value}' is geen ja/nee-waarde (gebruik true of false)"),
                ),
            },
            "voor" => {
                if snapshot
                    .taxonomy
                    .term(Vocabulary::TargetGroup, value)
                    .is_some()
                {
                    query.filters.voor = Some(value.to_string());
                } else {
                    bad("voor", format!("onbekende waarde '{value}'"));
                }
            }
            "domeinoverstijgend" => match value {
                "true" | "ja" | "1" => query.filters.domeinoverstijgend = true,
                "false" | "nee" | "0" => query.filters.domeinoverstijgend = false,
                _ => bad(
                    "domeinoverstijgend",
                    format!("'{value}' is geen ja/nee-waarde (gebruik true of false)"),
                ),
            },
            "vanaf" => {
                if value == "vandaag" {
                    query.filters.vanaf = Some(today);
                } else {
                    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                        Ok(d) => query.filters.vanaf = Some(d),
                        Err(_) => bad(
                            "vanaf",
                            format!("'{value}' is geen datum (JJJJ-MM-DD of 'vandaag')"),
                        ),
                    }
                }
            }
            "sort" => match Sort::parse(value) {
                Some(s) => query.sort = s,
                None => bad(
                    "sort",
                    format!("'{value}' is geen sortering (relevantie, datum of titel)"),
                ),
            },
            "page" => match value.parse::<usize>() {
                Ok(p) if (1..=10_000).contains(&p) => query.page = p,
                _ => bad(
                    "page",
                    format!("'{value}' is geen geldig paginanummer (1 of hoger)"),
                ),
            },
            "pageSize" => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => query.page_size = n,
                _ => bad(
                    "pageSize",
                    format!(
                        "'{value}' is geen geldige paginagrootte (1 tot en met {MAX_PAGE_SIZE})"
                    ),
                ),
            },
            k if extra.contains(&k) => {}
            _ => bad(key, "onbekende parameter".into()),
        }
    }
    query.filters.alleen_regio = ook_landelijk == Some(false);
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Cleaned search text has no control characters and no outer spaces.
        #[test]
        fn clean_text_is_clean(text in any::<String>()) {
            let clean = clean_text(&text);
            prop_assert!(!clean.chars().any(char::is_control));
            prop_assert_eq!(clean.trim(), clean.as_str());
        }
    }

    #[test]
    fn search_text_loses_control_characters() {
        assert_eq!(clean_text("a\u{0}b"), "ab");
        assert_eq!(clean_text("buurt\tbudget\r\nwijk"), "buurt budget  wijk");
        assert_eq!(clean_text("\u{0}\u{7f} "), "");
        assert_eq!(clean_text("café ‘wijk’"), "café ‘wijk’");
    }
}
