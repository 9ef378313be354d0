//! Unit tests of the facet counts.

use super::*;

fn offering(id: &str, thema: &[&str], vorm: &str, doelgroep: &str, regio: &str) -> Offering {
    Offering {
        aanbieder: "Org".into(),
        vorm: vorm.into(),
        themas: thema.iter().map(|s| s.to_string()).collect(),
        doelgroepen: vec![doelgroep.into()],
        sectoren: vec!["veiligheid".into()],
        regio: regio.into(),
        url: "https://a.example".into(),
        ..crate::domain::offering::example(id)
    }
}

/// Every offering as a search hit without a score.
fn unscored(offerings: &[Offering]) -> impl Iterator<Item = (usize, &Offering, f32)> {
    offerings.iter().enumerate().map(|(i, o)| (i, o, 0.0))
}

/// Page `page` (of `size`) of `offerings` that pass `filters`, by title.
fn by_title<'a>(
    offerings: &'a [Offering],
    filters: &Filters,
    page: usize,
    size: usize,
) -> Page<'a> {
    apply(
        &table(offerings),
        unscored(offerings),
        filters,
        Sort::Titel,
        page,
        size,
    )
}

fn sample() -> Vec<Offering> {
    let themes = ["a", "b", "c"];
    let vormen = ["training", "webinar", "intervisie"];
    let groups = ["bewoners", "beleidsmakers"];
    let regios = ["landelijk", "Utrecht"];
    (0..60)
        .map(|i| {
            let mut th = vec![themes[i % 3]];
            if i % 7 == 0 {
                th.push(themes[(i + 1) % 3]);
            }
            offering(
                &format!("o{i}"),
                &th,
                vormen[i % 3 * (i % 2) % 3],
                groups[i % 2],
                regios[i / 30],
            )
        })
        .collect()
}

fn table(offerings: &[Offering]) -> FacetTable {
    FacetTable::new(offerings.iter().map(|o| (o, "org")))
}

/// True when `o` passes every filter of `filters` but the one on `facet`, checked the slow way.
fn passes_other_facets(o: &Offering, filters: &Filters, facet: Facet) -> bool {
    filters
        .facets
        .iter()
        .filter(|(f, v)| **f != facet && !v.is_empty())
        .all(|(f, v)| f.matches(o, &o.provider_slug(), v))
}

fn brute(offerings: &[Offering], filters: &Filters, facet: Facet, value: &str) -> usize {
    offerings
        .iter()
        .filter(|o| passes_other_facets(o, filters, facet))
        .filter(|o| facet.values(o).iter().any(|v| v == value))
        .count()
}

#[test]
fn disjunctive_counts_equal_brute_force() {
    let offerings = sample();
    let mut filters = Filters::default();
    filters
        .facets
        .insert(Facet::Thema, vec!["a".into(), "b".into()]);
    filters
        .facets
        .insert(Facet::Doelgroep, vec!["bewoners".into()]);
    filters
        .facets
        .insert(Facet::Regio, vec!["landelijk".into()]);
    filters.alleen_regio = true;
    let page = by_title(&offerings, &filters, 1, 1000);
    for facet in Facet::ALL {
        let values: std::collections::BTreeSet<String> =
            offerings.iter().flat_map(|o| facet.values(o)).collect();
        for v in values {
            let expected = brute(&offerings, &filters, facet, &v);
            let got = page.facets[&facet].get(&v).copied().unwrap_or(0);
            assert_eq!(got, expected, "facet {facet:?} value {v}");
        }
    }
    let expected_total = offerings
        .iter()
        .filter(|o| {
            filters
                .facets
                .iter()
                .all(|(f, v)| f.matches(o, &o.provider_slug(), v))
        })
        .count();
    assert_eq!(page.total, expected_total);
    assert!(page
        .items
        .iter()
        .all(|(o, _)| o.doelgroepen == ["bewoners"]));
}

/// What a region filter gives, counted the slow way: an offering passes when it lies in
/// the region (a municipality counts for its province) or is national or online.
fn brute_open(offerings: &[Offering], filters: &Filters, value: &str) -> usize {
    let everywhere = |o: &Offering| {
        o.regio == "landelijk" || o.locatie == crate::domain::offering::Location::Online
    };
    offerings
        .iter()
        .filter(|o| passes_other_facets(o, filters, Facet::Regio))
        .filter(|o| everywhere(o) || Facet::Regio.values(o).iter().any(|v| v == value))
        .count()
}

#[test]
fn a_province_includes_its_municipalities_and_national_and_online_offerings() {
    use crate::domain::offering::Location;
    let at = |id: &str, regio: &str, locatie: Location| Offering {
        locatie,
        ..offering(id, &["a"], "training", "bewoners", regio)
    };
    let offerings = vec![
        at("breda", "Breda", Location::Fysiek),
        at("brabant", "Noord-Brabant", Location::Fysiek),
        at("arnhem", "Arnhem", Location::Fysiek),
        at("gelderland", "Gelderland", Location::Hybride),
        at("national", "landelijk", Location::Fysiek),
        at("online-utrecht", "Utrecht", Location::Online),
    ];
    let t = table(&offerings);
    let run = |regio: &[&str], alleen: bool| {
        let mut f = Filters::default();
        f.facets
            .insert(Facet::Regio, regio.iter().map(|r| r.to_string()).collect());
        f.alleen_regio = alleen;
        let page = apply(&t, unscored(&offerings), &f, Sort::Titel, 1, 100);
        let mut ids: Vec<&str> = page.items.iter().map(|(o, _)| o.id.as_str()).collect();
        ids.sort();
        (ids, page.facets[&Facet::Regio].clone(), f)
    };
    let (ids, _, _) = run(&["Noord-Brabant"], true);
    assert_eq!(ids, ["brabant", "breda"]);
    let (ids, _, _) = run(&["Gelderland"], true);
    assert_eq!(ids, ["arnhem", "gelderland"]);
    let (ids, counts, f) = run(&["Noord-Brabant"], false);
    assert_eq!(ids, ["brabant", "breda", "national", "online-utrecht"]);
    for (value, n) in &counts {
        assert_eq!(*n, brute_open(&offerings, &f, value), "{value}");
    }
    assert_eq!(counts["Gelderland"], 4);
    assert_eq!(counts["landelijk"], 2);
    let (ids, _, _) = run(&["Breda"], true);
    assert_eq!(ids, ["breda"]);
}

#[test]
fn a_region_without_own_offerings_in_the_selection_still_counts_the_national_ones() {
    use crate::domain::offering::Location;
    let at = |id: &str, vorm: &str, regio: &str| Offering {
        locatie: Location::Fysiek,
        ..offering(id, &["a"], vorm, "bewoners", regio)
    };
    let offerings = vec![
        at("brabant-webinar", "webinar", "Noord-Brabant"),
        at("breda-webinar", "webinar", "Breda"),
        at("national", "training", "landelijk"),
        at("utrecht", "training", "Utrecht"),
    ];
    let mut f = Filters::default();
    f.facets.insert(Facet::Vorm, vec!["training".into()]);
    let page = by_title(&offerings, &f, 1, 100);
    let counts = &page.facets[&Facet::Regio];
    let regions: std::collections::BTreeSet<String> = offerings
        .iter()
        .flat_map(|o| Facet::Regio.values(o))
        .collect();
    for value in regions {
        let got = counts.get(&value).copied().unwrap_or(0);
        assert_eq!(got, brute_open(&offerings, &f, &value), "{value}");
    }
    assert_eq!(counts["Noord-Brabant"], 1);
}

#[test]
fn or_within_and_across() {
    let offerings = sample();
    let mut one = Filters::default();
    one.facets.insert(Facet::Thema, vec!["a".into()]);
    let mut two = one.clone();
    two.facets
        .insert(Facet::Thema, vec!["a".into(), "b".into()]);
    let n1 = by_title(&offerings, &one, 1, 10).total;
    let n2 = by_title(&offerings, &two, 1, 10).total;
    assert!(n2 > n1);
    let mut three = two.clone();
    three
        .facets
        .insert(Facet::Doelgroep, vec!["bewoners".into()]);
    let n3 = by_title(&offerings, &three, 1, 10).total;
    assert!(n3 < n2);
}

#[test]
fn every_page_is_the_slice_of_the_full_order() {
    let offerings = sample();
    // Scores with ties, so that the tie-breaks decide part of the order.
    let hits = || {
        offerings
            .iter()
            .enumerate()
            .map(|(i, o)| (i, o, (i % 4) as f32))
    };
    let t = table(&offerings);
    for sort in [Sort::Relevantie, Sort::Datum, Sort::Titel] {
        let all: Vec<&str> = apply(&t, hits(), &Filters::default(), sort, 1, 1000)
            .items
            .iter()
            .map(|(o, _)| o.id.as_str())
            .collect();
        for size in [1, 7, 10, 60, 61] {
            let mut paged = Vec::new();
            for page in 1..=(60 / size + 1) {
                let p = apply(&t, hits(), &Filters::default(), sort, page, size);
                paged.extend(p.items.iter().map(|(o, _)| o.id.as_str()));
            }
            assert_eq!(paged, all, "{sort:?} by {size}");
        }
    }
}

#[test]
fn paging_and_sorting() {
    let offerings = sample();
    let all = by_title(&offerings, &Filters::default(), 1, 1000);
    let p2 = by_title(&offerings, &Filters::default(), 2, 10);
    assert_eq!(p2.total, 60);
    assert_eq!(p2.items[0].0.id, all.items[10].0.id);
    let scored = apply(
        &table(&offerings),
        offerings.iter().enumerate().map(|(i, o)| (i, o, i as f32)),
        &Filters::default(),
        Sort::Relevantie,
        1,
        3,
    );
    assert_eq!(scored.items[0].0.id, "o59");
}
