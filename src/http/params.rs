//! Parsing of catalogue search parameters (shared by the API and the catalogue page) into a
//! typed query; every bad value becomes a Dutch reason per parameter.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::catalog::Snapshot;
use crate::domain::facets::{Facet, Filters, Sort};
use crate::domain::offering::Location;
use crate::domain::taxonomy::Vocabulary;

use super::error::InvalidParam;

/// Default and maximum page sizes.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest allowed `pageSize`.
pub const MAX_PAGE_SIZE: usize = 100;

/// The most values one filter takes in a request (more is refused, not silently cut).
pub const MAX_FILTER_VALUES: usize = 20;

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

/// Splits a raw query string into pairs.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.and_then(|r| serde_urlencoded::from_str::<Vec<(String, String)>>(r).ok())
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
    let mut bad = |name: &str, reason: String| {
        errors.push(InvalidParam {
            name: name.to_string(),
            reason,
        })
    };
    let mut query = CatalogQuery {
        q: String::new(),
        filters: Filters {
            facets: BTreeMap::new(),
            gratis: None,
            vanaf: None,
            domeinoverstijgend: false,
        },
        sort: Sort::Relevantie,
        page: 1,
        page_size: DEFAULT_PAGE_SIZE,
    };
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
                // A region written in other letter case (noord-brabant) means the same region.
                Facet::Regio => false,
            };
            let canonical = if facet == Facet::Regio {
                snapshot.region(value)
            } else if known {
                Some(value)
            } else {
                None
            };
            if let Some(value) = canonical {
                let values = query.filters.facets.entry(facet).or_default();
                if values.len() >= MAX_FILTER_VALUES {
                    bad(
                        key,
                        format!("te veel waarden (hoogstens {MAX_FILTER_VALUES} per filter)"),
                    );
                } else if !values.iter().any(|v| v == value) {
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
    if errors.is_empty() {
        Ok(query)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::clean_text;

    #[test]
    fn search_text_loses_control_characters() {
        assert_eq!(clean_text("a\u{0}b"), "ab");
        assert_eq!(clean_text("buurt\tbudget\r\nwijk"), "buurt budget  wijk");
        assert_eq!(clean_text("\u{0}\u{7f} "), "");
        assert_eq!(clean_text("café ‘wijk’"), "café ‘wijk’");
    }
}
