//! Catalogue search parameters (the query string of `/aanbod`, the API, feeds and saved
//! searches) against the demo catalogue: arbitrary input gives a query within the limits or a
//! Dutch reason for each refused parameter, and never a panic.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use proptest::prelude::*;
use wijkwijzer::catalog::params::{pairs, parse, MAX_PAGE_SIZE};
use wijkwijzer::catalog::{Catalog, Snapshot};
use wijkwijzer::domain::matching::Thesaurus;
use wijkwijzer::store::Store;

/// The demo catalogue, loaded once for all property tests.
fn demo() -> Arc<Snapshot> {
    static DEMO: OnceLock<(tempfile::TempDir, Arc<Snapshot>)> = OnceLock::new();
    let (_, snapshot) = DEMO.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(&dir.path().join("demo.db")).await.unwrap();
            wijkwijzer::app::load_demo(&store).await.unwrap();
            let catalog = Catalog::open(store, None, Thesaurus::builtin())
                .await
                .unwrap();
            (dir, catalog.snapshot())
        })
    });
    Arc::clone(snapshot)
}

/// A parameter name: mostly the real ones, sometimes anything.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "q", "thema", "doelgroep", "sector", "vorm", "aanbieder", "locatie", "regio",
            "gratis", "domeinoverstijgend", "ookLandelijk", "voor", "vanaf", "sort", "page", "pageSize",
        ])
        .prop_map(String::from),
        1 => any::<String>(),
    ]
}

/// A value: plausible ones (numbers, dates, slugs, words) and arbitrary text.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        (0u32..12_000).prop_map(|n| n.to_string()),
        (-5000i32..15000, 0u32..15, 0u32..40).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        prop::sample::select(vec![
            "",
            " ",
            "vandaag",
            "true",
            "ja",
            "nee",
            "0",
            "1",
            "online",
            "hybride",
            "relevantie",
            "datum",
            "titel",
            "jeugd-en-veiligheid",
            "bewoners",
            "Noord-Brabant",
            "noord-brabant",
            "\u{0}",
            "\u{FFFD}",
        ])
        .prop_map(String::from),
        any::<String>(),
        ".{190,230}",
    ]
}

/// Every reason `parse` gives is one of its Dutch sentences.
fn is_dutch_reason(reason: &str) -> bool {
    reason.starts_with("onbekende waarde '")
        || reason == "onbekende parameter"
        || reason == "zoektekst is te lang (maximaal 200 tekens)"
        || reason.contains("' is geen ja/nee-waarde (gebruik true of false)")
        || reason.contains("' is geen datum (JJJJ-MM-DD of 'vandaag')")
        || reason.contains("' is geen sortering (relevantie, datum of titel)")
        || reason.contains("' is geen geldig paginanummer (1 of hoger)")
        || reason.contains("' is geen geldige paginagrootte (1 tot en met 100)")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Arbitrary parameters never panic: they give a query within the documented limits,
    /// or a Dutch reason for every refused parameter.
    #[test]
    fn parse_gives_a_query_or_dutch_reasons(
        pairs in prop::collection::vec((key(), value()), 0..8),
    ) {
        let snapshot = demo();
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        match parse(&pairs, &snapshot, today, &[]) {
            Ok(query) => {
                prop_assert!((1..=10_000).contains(&query.page));
                prop_assert!((1..=MAX_PAGE_SIZE).contains(&query.page_size));
                prop_assert!(query.q.chars().count() <= 200);
                prop_assert!(!query.q.chars().any(char::is_control));
                for values in query.filters.facets.values() {
                    prop_assert!(!values.is_empty());
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    prop_assert!(pairs.iter().any(|(k, _)| *k == e.name), "{e:?}");
                    prop_assert!(is_dutch_reason(&e.reason), "{e:?}");
                }
            }
        }
    }

    /// Any raw query string splits without panicking, and what it gives parses.
    #[test]
    fn raw_query_strings_never_panic(raw in any::<String>(), encoded in "[a-zA-Z=&%0-9+;.-]{0,80}") {
        let snapshot = demo();
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        for raw in [raw.as_str(), encoded.as_str()] {
            let pairs = pairs(Some(raw));
            let _ = parse(&pairs, &snapshot, today, &[]);
        }
    }
}
