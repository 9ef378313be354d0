//! The catalogue view: search box, facet checkboxes with disjunctive counts, active-filter
//! chips, results and pagination; used by `/aanbod` (here) and `/themas/{slug}`.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;

use crate::catalog::params::{self, CatalogQuery, DEFAULT_PAGE_SIZE};
use crate::catalog::{Catalog, CatalogError, Snapshot};
use crate::domain::facets::{Facet, Sort};
use crate::domain::taxonomy::Vocabulary;
use crate::http::AppState;

use super::view::{location_label, Card, Layout};
use super::{render, PageError};

/// One checkbox.
pub struct FacetOption {
    /// Unique input id.
    pub input_id: String,
    /// Submitted value.
    pub value: String,
    /// Shown label.
    pub label: String,
    /// Results this choice gives.
    pub count: usize,
    /// Selected now.
    pub checked: bool,
}

/// One fieldset of checkboxes.
pub struct FacetGroup {
    /// Parameter name.
    pub key: &'static str,
    /// Legend.
    pub legend: &'static str,
    /// Shown unfolded: the first group, and every group with a chosen value.
    pub open: bool,
    /// Number of chosen values.
    pub chosen: usize,
    /// Options.
    pub options: Vec<FacetOption>,
}

/// Everything the catalogue partial shows.
pub struct CatalogueView {
    /// Form action.
    pub action: String,
    /// Search text.
    pub q: String,
    /// `(value, label, selected)` per sort order.
    pub sorts: Vec<(&'static str, &'static str, bool)>,
    /// Facet groups.
    pub groups: Vec<FacetGroup>,
    /// "Alleen gratis" checked.
    pub gratis: bool,
    /// "Alleen toekomstige data" checked.
    pub toekomst: bool,
    /// "Alleen domeinoverstijgend" checked.
    pub domein: bool,
    /// Results the cross-domain filter gives.
    pub domein_count: usize,
    /// "Ook landelijk en online" checked (a region filter includes national and online offerings).
    pub ook_landelijk: bool,
    /// Number of active filters (facet values and checkboxes), for "Filters (3)".
    pub active_filters: usize,
    /// "12 resultaten".
    pub count_text: String,
    /// Active filters `(label, href without it)`.
    pub chips: Vec<(String, String)>,
    /// Results on this page.
    pub results: Vec<Card>,
    /// Pages `(number, href, current)`.
    pub pages: Vec<(usize, String, bool)>,
    /// Total results.
    pub total: usize,
    /// The iCalendar agenda of this selection.
    pub ics: String,
    /// Parts of the request that were not used, with the reason (Dutch).
    pub ignored: Vec<String>,
    /// "Stel je leervraag" with the search text filled in.
    pub leervraag: String,
    /// This search with its filters as a query string (for "Volg deze zoekopdracht").
    pub zoek: String,
}

fn legend(f: Facet) -> &'static str {
    match f {
        Facet::Thema => "Thema",
        Facet::Doelgroep => "Doelgroep",
        Facet::Sector => "Sector",
        Facet::Vorm => "Leervorm",
        Facet::Aanbieder => "Aanbieder",
        Facet::Locatie => "Locatie",
        Facet::Regio => "Regio",
    }
}

fn value_label(snapshot: &Snapshot, f: Facet, v: &str) -> String {
    let vocab = match f {
        Facet::Thema => Some(Vocabulary::Theme),
        Facet::Doelgroep => Some(Vocabulary::TargetGroup),
        Facet::Sector => Some(Vocabulary::Sector),
        Facet::Vorm => Some(Vocabulary::Format),
        _ => None,
    };
    match (vocab, f) {
        (Some(vocab), _) => super::view::label(snapshot, vocab, v),
        (None, Facet::Aanbieder) => snapshot
            .provider(v)
            .map_or_else(|| v.to_string(), |p| p.name.clone()),
        (None, Facet::Locatie) => crate::domain::offering::Location::parse(v)
            .map_or_else(|| v.to_string(), |l| location_label(l).to_string()),
        (None, Facet::Regio) => crate::domain::region::Regions::builtin().label(v),
        _ => v.to_string(),
    }
}

/// The query as URL pairs (without the page number unless asked), leaving out `skip`.
pub fn to_pairs(
    q: &CatalogQuery,
    fixed: Option<Facet>,
    skip: Option<(&str, &str)>,
    page: Option<usize>,
) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut push = |k: &str, v: String| {
        if skip != Some((k, v.as_str())) {
            pairs.push((k.to_string(), v));
        }
    };
    if !q.q.is_empty() {
        push("q", q.q.clone());
    }
    for (facet, values) in &q.filters.facets {
        if Some(*facet) == fixed {
            continue;
        }
        for v in values {
            push(facet.key(), v.clone());
        }
    }
    if q.filters.gratis == Some(true) {
        push("gratis", "true".into());
    }
    if q.filters.vanaf.is_some() {
        push("vanaf", "vandaag".into());
    }
    if q.filters.domeinoverstijgend {
        push("domeinoverstijgend", "true".into());
    }
    if q.filters.alleen_regio {
        push("ookLandelijk", "false".into());
    }
    if let Some(g) = &q.filters.voor {
        push("voor", g.clone());
    }
    if q.sort != Sort::Relevantie {
        push("sort", q.sort.key().into());
    }
    if q.page_size != DEFAULT_PAGE_SIZE {
        push("pageSize", q.page_size.to_string());
    }
    if let Some(p) = page.filter(|p| *p > 1) {
        push("page", p.to_string());
    }
    pairs
}

fn href(action: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        action.to_string()
    } else {
        format!(
            "{action}?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

/// [`build`] on a blocking thread: search and facet counting are CPU work, kept off the async
/// workers so that one heavy request does not hold up others (or `/healthz`).
pub async fn build_off_runtime(
    catalog: std::sync::Arc<Catalog>,
    snapshot: std::sync::Arc<Snapshot>,
    query: CatalogQuery,
    action: String,
    fixed: Option<Facet>,
) -> Result<CatalogueView, CatalogError> {
    tokio::task::spawn_blocking(move || build(&catalog, &snapshot, &query, &action, fixed)).await?
}

/// Builds the catalogue view for `query`; `fixed` is a facet fixed by the page (the theme).
pub fn build(
    catalog: &Catalog,
    snapshot: &Snapshot,
    query: &CatalogQuery,
    action: &str,
    fixed: Option<Facet>,
) -> Result<CatalogueView, CatalogError> {
    build_within(catalog, snapshot, query, action, fixed, &|_| true)
}

/// [`build`] over the offerings that `keep` accepts: results and facet counts of that part.
pub fn build_within(
    catalog: &Catalog,
    snapshot: &Snapshot,
    query: &CatalogQuery,
    action: &str,
    fixed: Option<Facet>,
    keep: &dyn Fn(&crate::domain::offering::Offering) -> bool,
) -> Result<CatalogueView, CatalogError> {
    let page = catalog.search_within(snapshot, query, keep)?;
    let mut groups = Vec::new();
    for facet in Facet::ALL {
        if Some(facet) == fixed {
            continue;
        }
        let selected = query
            .filters
            .facets
            .get(&facet)
            .cloned()
            .unwrap_or_default();
        let counts = page.facets.get(&facet).cloned().unwrap_or_default();
        let mut values: Vec<String> = match facet {
            Facet::Thema => snapshot
                .taxonomy
                .themas
                .iter()
                .map(|t| t.slug.clone())
                .collect(),
            Facet::Doelgroep => snapshot
                .taxonomy
                .doelgroepen
                .iter()
                .map(|t| t.slug.clone())
                .collect(),
            Facet::Sector => snapshot
                .taxonomy
                .sectoren
                .iter()
                .map(|t| t.slug.clone())
                .collect(),
            Facet::Vorm => snapshot
                .taxonomy
                .vormen
                .iter()
                .map(|t| t.slug.clone())
                .collect(),
            Facet::Locatie => ["online", "fysiek", "hybride"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            // Landelijk, the provinces, then the municipalities (vocabulary order).
            Facet::Regio => {
                let mut all: Vec<String> = crate::domain::region::Regions::builtin()
                    .all()
                    .iter()
                    .filter(|r| counts.contains_key(&r.name))
                    .map(|r| r.name.clone())
                    .collect();
                for v in counts.keys().chain(&selected) {
                    if !all.contains(v) {
                        all.push(v.clone());
                    }
                }
                all
            }
            Facet::Aanbieder => {
                // Every value, the most frequent first.
                let mut v: Vec<(&String, &usize)> = counts.iter().collect();
                v.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
                let mut all: Vec<String> = v.into_iter().map(|(k, _)| k.clone()).collect();
                for s in &selected {
                    if !all.contains(s) {
                        all.push(s.clone());
                    }
                }
                all
            }
        };
        values.retain(|v| counts.get(v).copied().unwrap_or(0) > 0 || selected.contains(v));
        if values.is_empty() {
            continue;
        }
        let options = values
            .into_iter()
            .enumerate()
            .map(|(i, v)| FacetOption {
                input_id: format!("f-{}-{i}", facet.key()),
                label: value_label(snapshot, facet, &v),
                count: counts.get(&v).copied().unwrap_or(0),
                checked: selected.contains(&v),
                value: v,
            })
            .collect();
        groups.push(FacetGroup {
            key: facet.key(),
            legend: legend(facet),
            open: groups.is_empty() || !selected.is_empty(),
            chosen: selected.len(),
            options,
        });
    }
    let mut chips = Vec::new();
    if !query.q.is_empty() {
        chips.push((
            format!("Zoekwoorden: {}", query.q),
            href(action, &to_pairs(query, fixed, Some(("q", &query.q)), None)),
        ));
    }
    for (facet, values) in &query.filters.facets {
        if Some(*facet) == fixed {
            continue;
        }
        for v in values {
            chips.push((
                format!("{}: {}", legend(*facet), value_label(snapshot, *facet, v)),
                href(
                    action,
                    &to_pairs(query, fixed, Some((facet.key(), v)), None),
                ),
            ));
        }
    }
    if query.filters.gratis == Some(true) {
        chips.push((
            "Alleen gratis".into(),
            href(
                action,
                &to_pairs(query, fixed, Some(("gratis", "true")), None),
            ),
        ));
    }
    if query.filters.domeinoverstijgend {
        chips.push((
            "Alleen domeinoverstijgend".into(),
            href(
                action,
                &to_pairs(query, fixed, Some(("domeinoverstijgend", "true")), None),
            ),
        ));
    }
    if query.filters.vanaf.is_some() {
        chips.push((
            "Alleen toekomstige data".into(),
            href(
                action,
                &to_pairs(query, fixed, Some(("vanaf", "vandaag")), None),
            ),
        ));
    }
    if query.filters.alleen_regio {
        chips.push((
            "Zonder landelijk en online aanbod".into(),
            href(
                action,
                &to_pairs(query, fixed, Some(("ookLandelijk", "false")), None),
            ),
        ));
    }
    let active_filters = chips.len() - usize::from(!query.q.is_empty());
    if let Some(g) = &query.filters.voor {
        chips.push((
            format!(
                "Eerst aanbod voor {}",
                super::view::label(snapshot, Vocabulary::TargetGroup, g).to_lowercase()
            ),
            href(action, &to_pairs(query, fixed, Some(("voor", g)), None)),
        ));
    }
    let last = page.total.div_ceil(query.page_size).max(1);
    let pages = (1..=last)
        .filter(|n| *n == 1 || *n == last || n.abs_diff(query.page) <= 2)
        .map(|n| {
            (
                n,
                href(action, &to_pairs(query, fixed, None, Some(n))),
                n == query.page,
            )
        })
        .collect();
    let count_text = match page.total {
        0 => "Geen resultaten".to_string(),
        1 => "1 resultaat".to_string(),
        n => format!("{n} resultaten"),
    };
    let sorts = [
        (Sort::Relevantie, "Relevantie"),
        (Sort::Datum, "Datum"),
        (Sort::Titel, "Titel"),
    ]
    .into_iter()
    .map(|(s, l)| (s.key(), l, s == query.sort))
    .collect();
    let leervraag = if query.q.trim().is_empty() {
        "/leervraag".to_string()
    } else {
        href("/leervraag", &[("vraag".to_string(), query.q.clone())])
    };
    let zoek = crate::domain::follow::search_key(&to_pairs(query, None, None, None));
    Ok(CatalogueView {
        zoek,
        leervraag,
        action: action.to_string(),
        q: query.q.clone(),
        sorts,
        groups,
        gratis: query.filters.gratis == Some(true),
        toekomst: query.filters.vanaf.is_some(),
        domein: query.filters.domeinoverstijgend,
        domein_count: page.cross_domain,
        ook_landelijk: !query.filters.alleen_regio,
        active_filters,
        count_text,
        chips,
        results: {
            let search = super::view::search_words(&query.q, catalog.thesaurus());
            let today = catalog.clock().today();
            let selection = to_pairs(query, fixed, None, Some(query.page));
            let terug = (!selection.is_empty())
                .then(|| serde_urlencoded::to_string([("terug", href(action, &selection))]).ok())
                .flatten();
            page.items
                .iter()
                .map(|(o, _)| {
                    let mut c = Card::new(snapshot, o, today);
                    c.terug.clone_from(&terug);
                    if !search.is_empty() {
                        c.waarom = Some(super::view::search_reason(o, &search));
                    }
                    c
                })
                .collect()
        },
        pages,
        total: page.total,
        ics: href(
            "/agenda.ics",
            &to_pairs(query, None, None, None)
                .into_iter()
                .filter(|(k, _)| k != "sort" && k != "pageSize")
                .collect::<Vec<_>>(),
        ),
        ignored: Vec::new(),
    })
}

/// Parses catalogue parameters for a page; invalid values are dropped with a notice.
/// The catalogue query of a page: parameters with a bad value are left out, and each is named
/// (in Dutch) so that the page can say what it did not use.
pub(super) fn page_query(
    raw: Option<&str>,
    snapshot: &Snapshot,
    today: chrono::NaiveDate,
) -> (params::CatalogQuery, Vec<String>) {
    page_query_pairs(params::pairs(raw), snapshot, today)
}

/// [`page_query`] of pairs already split.
pub(super) fn page_query_pairs(
    mut pairs: Vec<(String, String)>,
    snapshot: &Snapshot,
    today: chrono::NaiveDate,
) -> (params::CatalogQuery, Vec<String>) {
    let mut ignored = Vec::new();
    loop {
        match params::parse(&pairs, snapshot, today, &[]) {
            Ok(q) => return (q, ignored),
            Err(errors) => {
                let bad: Vec<String> = errors.iter().map(|e| e.name.clone()).collect();
                ignored.extend(errors.into_iter().map(|e| {
                    let name = if e.name == "q" {
                        "zoektekst".into()
                    } else {
                        e.name
                    };
                    format!("{name}: {}", e.reason)
                }));
                let before = pairs.len();
                pairs.retain(|(k, v)| !bad.contains(k) || v.trim().is_empty());
                if pairs.len() == before {
                    pairs.clear();
                }
            }
        }
    }
}

#[derive(Template)]
#[template(path = "catalogue_page.html")]
struct CataloguePage {
    l: Layout,
    v: CatalogueView,
}

pub(super) async fn catalogue_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let (query, ignored) = page_query(raw.as_deref(), &snapshot, state.clock().today());
    let title = if query.q.is_empty() {
        "Leeraanbod".to_string()
    } else {
        format!("Leeraanbod voor ‘{}’", query.q)
    };
    let mut v = build_off_runtime(
        state.catalog.clone(),
        snapshot,
        query,
        "/aanbod".to_string(),
        None,
    )
    .await?;
    v.ignored = ignored;
    let updated = super::view::last_change(&state.catalog.snapshot(), false);
    Ok(render(CataloguePage {
        l: Layout::new(title, "Zoek in het leeraanbod over leefbare en veilige wijken en filter op thema, doelgroep, vorm en meer.", "/aanbod")
            .updated_on(updated),
        v,
    }))
}
