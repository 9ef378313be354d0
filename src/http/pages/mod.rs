//! The public website: server-rendered pages (askama) that work without JavaScript.
//! Handlers parse, call the catalogue, and render; errors become a Dutch page with the request id.

pub mod aanmelden;
pub mod agenda;
pub mod catalogue;
pub mod charts;
pub mod contact;
pub mod leervraag;
pub mod view;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;

use crate::catalog::Snapshot;
use crate::domain::facets::Facet;
use crate::domain::offering::Offering;
use crate::domain::taxonomy::{Term, Topic, Vocabulary};
use crate::http::params;

use super::AppState;
use catalogue::CatalogueView;
use view::{assets, dutch_date, dutch_month, label, location_label, when, Card, Layout};

/// The public routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/themas", get(themes))
        .route("/themas/{slug}", get(theme))
        .route("/aanbod", get(catalogue_page))
        .route("/aanbod/{id}", get(offering))
        .route("/aanbieders", get(providers))
        .route("/aanbieders/{slug}", get(provider))
        .route("/agenda", get(agenda))
        .route("/privacy", get(privacy))
        .route("/open-data", get(open_data))
        .route("/toegankelijkheid", get(accessibility))
        .route(assets::SITE_CSS_PATH, get(stylesheet))
        .route("/favicon.ico", get(favicon))
        .merge(leervraag::router())
        .merge(agenda::router())
        .merge(contact::router())
        .merge(aanmelden::router())
}

pub use crate::domain::clock::today;

pub use super::page_error::{error_page, not_found_page, PageError};

/// The page for a method a page does not support (405); axum adds the `Allow` header.
pub async fn method_not_allowed() -> Response {
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "Methode niet toegestaan",
        "Deze pagina kan niet op deze manier worden opgevraagd of verstuurd. Ga terug en probeer het via de knoppen en links op de site.",
    )
}

/// The page for a public form that was sent a second time (a reload or a double click): it was
/// stored once, and nothing more happens.
#[derive(Template)]
#[template(path = "al_verstuurd.html")]
struct AlreadySentPage {
    l: Layout,
    heading: &'static str,
    again_href: &'static str,
    again_text: &'static str,
}

/// Answers a public form sent a second time: `heading` says what was received, the link offers
/// to fill in the form anew.
pub fn already_sent(
    heading: &'static str,
    path: &'static str,
    again_text: &'static str,
) -> Response {
    render_status(
        StatusCode::OK,
        AlreadySentPage {
            l: Layout::new(
                heading,
                "Dit formulier was al verstuurd en is één keer ontvangen.",
                path,
            ),
            heading,
            again_href: path,
            again_text,
        },
    )
}

/// Renders a template as an HTML response with `status`.
pub fn render_status(status: StatusCode, t: impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            (StatusCode::INTERNAL_SERVER_ERROR, Html("<!doctype html><html lang=\"nl\"><title>Fout</title><h1>Er ging iets mis</h1></html>".to_string())).into_response()
        }
    }
}

fn render(t: impl Template) -> Response {
    render_status(StatusCode::OK, t)
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        assets::SITE_CSS,
    )
        .into_response()
}

async fn favicon() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("image/svg+xml"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        include_str!("../../../static/favicon.svg"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    themes: Vec<(Term, usize)>,
    groups: Vec<Term>,
    newest: Vec<Card>,
    coming: Vec<(String, Card)>,
    total: usize,
}

/// Offerings that can still be followed, dated ones only, by start date.
fn coming<'a>(snapshot: &'a Snapshot, today: NaiveDate, theme: Option<&str>) -> Vec<&'a Offering> {
    let mut v: Vec<&Offering> = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .filter(|o| (o.startdatum.is_some() || o.einddatum.is_some()) && o.is_current(today))
        .filter(|o| theme.is_none_or(|t| o.themas.iter().any(|x| x == t)))
        .collect();
    v.sort_by(|a, b| (a.startdatum, &a.id).cmp(&(b.startdatum, &b.id)));
    v
}

/// Newest offerings first.
pub fn newest<'a>(
    snapshot: &'a Snapshot,
    theme: Option<&str>,
) -> Vec<&'a crate::store::StoredOffering> {
    let mut v: Vec<&crate::store::StoredOffering> = snapshot
        .offerings
        .iter()
        .filter(|s| theme.is_none_or(|t| s.offering.themas.iter().any(|x| x == t)))
        .collect();
    v.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then_with(|| b.seq.cmp(&a.seq))
    });
    v
}

fn theme_counts(snapshot: &Snapshot) -> Vec<(Term, usize)> {
    snapshot
        .taxonomy
        .themas
        .iter()
        .map(|t| {
            (
                t.clone(),
                snapshot
                    .offerings
                    .iter()
                    .filter(|s| s.offering.themas.contains(&t.slug))
                    .count(),
            )
        })
        .collect()
}

async fn home(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    let today = today();
    render(HomePage {
        l: Layout::new(
            "Leren over leefbare en veilige wijken",
            "Vind leeraanbod per thema, stel je leervraag en zie wat er gevraagd en aangeboden wordt.",
            "/",
        ),
        themes: theme_counts(&snapshot),
        groups: snapshot.taxonomy.doelgroepen.clone(),
        // Still available: an offering that has ended is no news.
        newest: newest(&snapshot, None)
            .into_iter()
            .filter(|s| s.offering.is_current(today))
            .take(6)
            .map(|s| Card::new(&snapshot, &s.offering))
            .collect(),
        coming: coming(&snapshot, today, None)
            .into_iter()
            .take(5)
            .map(|o| (o.startdatum.map(dutch_date).unwrap_or_default(), Card::new(&snapshot, o)))
            .collect(),
        total: snapshot.offerings.len(),
    })
}

#[derive(Template)]
#[template(path = "themes.html")]
struct ThemesPage {
    l: Layout,
    themes: Vec<(Term, usize)>,
}

async fn themes(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    render(ThemesPage {
        l: Layout::new(
            "Thema's",
            "Alle thema's van het leernetwerk met hun leeraanbod.",
            "/themas",
        ),
        themes: theme_counts(&snapshot),
    })
}

#[derive(Template)]
#[template(path = "theme.html")]
struct ThemePage {
    l: Layout,
    theme: Term,
    topic: Option<Topic>,
    v: CatalogueView,
}

/// Parses catalogue parameters for a page; invalid values are dropped with a notice.
/// The catalogue query of a page: parameters with a bad value are left out, and each is named
/// (in Dutch) so that the page can say what it did not use.
fn page_query(raw: Option<&str>, snapshot: &Snapshot) -> (params::CatalogQuery, Vec<String>) {
    let mut pairs = params::pairs(raw);
    let mut ignored = Vec::new();
    loop {
        match params::parse(&pairs, snapshot, today(), &[]) {
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

async fn theme(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let Some(theme) = snapshot.taxonomy.term(Vocabulary::Theme, &slug).cloned() else {
        return Err(PageError::NotFound);
    };
    let (mut query, ignored) = page_query(raw.as_deref(), &snapshot);
    query
        .filters
        .facets
        .insert(Facet::Thema, vec![slug.clone()]);
    let action = format!("/themas/{slug}");
    let mut v = catalogue::build_off_runtime(
        state.catalog.clone(),
        snapshot.clone(),
        query,
        action.clone(),
        Some(Facet::Thema),
    )
    .await?;
    v.ignored = ignored;
    let mut l = Layout::new(theme.label.clone(), theme.description.clone(), action);
    l.feeds.push((
        format!("Nieuw aanbod over {} (Atom)", theme.label),
        format!("/feeds/themas/{slug}.atom"),
    ));
    Ok(render(ThemePage {
        l,
        topic: snapshot.taxonomy.topic_for_theme(&slug).cloned(),
        theme,
        v,
    }))
}

#[derive(Template)]
#[template(path = "catalogue_page.html")]
struct CataloguePage {
    l: Layout,
    v: CatalogueView,
}

async fn catalogue_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let (query, ignored) = page_query(raw.as_deref(), &snapshot);
    let title = if query.q.is_empty() {
        "Leeraanbod".to_string()
    } else {
        format!("Leeraanbod voor ‘{}’", query.q)
    };
    let mut v = catalogue::build_off_runtime(
        state.catalog.clone(),
        snapshot,
        query,
        "/aanbod".to_string(),
        None,
    )
    .await?;
    v.ignored = ignored;
    Ok(render(CataloguePage {
        l: Layout::new(title, "Zoek in het leeraanbod over leefbare en veilige wijken en filter op thema, doelgroep, vorm en meer.", "/aanbod"),
        v,
    }))
}

#[derive(Template)]
#[template(path = "offering.html")]
struct OfferingPage {
    l: Layout,
    o: Offering,
    paragraphs: Vec<String>,
    themes: Vec<(String, String)>,
    groups: Vec<String>,
    sectors: Vec<String>,
    vorm: String,
    provider_slug: String,
    wanneer: String,
    locatie: String,
    kosten: String,
    json_ld: String,
    similar: Vec<Card>,
    past: bool,
}

/// schema.org `Course` (with a `CourseInstance` when dated) as JSON, safe inside `<script>`.
pub fn json_ld(o: &Offering, base_url: &str) -> String {
    let mode = match o.locatie {
        crate::domain::offering::Location::Online => "online",
        crate::domain::offering::Location::Fysiek => "onsite",
        crate::domain::offering::Location::Hybride => "blended",
    };
    let mut course = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": format!("{base_url}/aanbod/{}", o.id),
        "name": o.titel,
        "description": o.samenvatting,
        "url": format!("{base_url}/aanbod/{}", o.id),
        "sameAs": o.url,
        "inLanguage": "nl",
        "keywords": o.trefwoorden.join(", "),
        "provider": {"@type": "Organization", "name": o.aanbieder},
        "isAccessibleForFree": o.is_free(),
    });
    if o.startdatum.is_some() || o.einddatum.is_some() {
        let mut instance = serde_json::json!({"@type": "CourseInstance", "courseMode": mode});
        if let Some(s) = o.startdatum {
            instance["startDate"] = s.to_string().into();
        }
        if let Some(e) = o.einddatum {
            instance["endDate"] = e.to_string().into();
        }
        instance["location"] = if mode == "online" {
            serde_json::json!({"@type": "VirtualLocation", "url": o.url})
        } else {
            serde_json::json!({"@type": "Place", "name": o.regio})
        };
        course["hasCourseInstance"] = instance;
    }
    if !o.is_free() {
        let amount: String = o
            .kosten
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == ',')
            .collect();
        course["offers"] = serde_json::json!({"@type": "Offer", "category": "Paid", "price": amount.replace(',', "."), "priceCurrency": "EUR"});
    }
    course
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

async fn offering(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let Some(o) = snapshot.get(&id) else {
        return Err(PageError::NotFound);
    };
    let similar = snapshot
        .similar(&id, 4)
        .into_iter()
        .map(|s| Card::new(&snapshot, s))
        .collect();
    Ok(render(OfferingPage {
        l: Layout::new(o.titel.clone(), o.samenvatting.clone(), "/aanbod/detail"),
        paragraphs: o
            .beschrijving
            .split("\n\n")
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        themes: o
            .themas
            .iter()
            .map(|t| (t.clone(), label(&snapshot, Vocabulary::Theme, t)))
            .collect(),
        groups: o
            .doelgroepen
            .iter()
            .map(|t| label(&snapshot, Vocabulary::TargetGroup, t))
            .collect(),
        sectors: o
            .sectoren
            .iter()
            .map(|t| label(&snapshot, Vocabulary::Sector, t))
            .collect(),
        vorm: label(&snapshot, Vocabulary::Format, &o.vorm),
        provider_slug: o.provider_slug(),
        wanneer: when(o),
        locatie: location_label(o.locatie).to_string(),
        kosten: if o.is_free() {
            "Gratis".into()
        } else {
            o.kosten.clone()
        },
        json_ld: json_ld(o, &state.base_url),
        similar,
        past: !o.is_current(today()),
        o: o.clone(),
    }))
}

#[derive(Template)]
#[template(path = "providers.html")]
struct ProvidersPage {
    l: Layout,
    providers: Vec<crate::catalog::Provider>,
}

async fn providers(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    render(ProvidersPage {
        l: Layout::new(
            "Aanbieders",
            "Organisaties die leeraanbod verzorgen in het leernetwerk.",
            "/aanbieders",
        ),
        providers: snapshot.providers.clone(),
    })
}

#[derive(Template)]
#[template(path = "provider.html")]
struct ProviderPage {
    l: Layout,
    name: String,
    slug: String,
    offerings: Vec<Card>,
    partner_in: Vec<Card>,
    themes: Vec<(String, String)>,
}

async fn provider(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let Some(p) = snapshot.provider(&slug).cloned() else {
        return Err(PageError::NotFound);
    };
    let own: Vec<&Offering> = snapshot
        .offerings
        .iter()
        .zip(snapshot.provider_slugs())
        .filter(|(_, p)| **p == slug)
        .map(|(s, _)| &s.offering)
        .collect();
    let partner_in = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .filter(|o| {
            o.partners
                .iter()
                .any(|n| crate::domain::offering::slugify(n) == slug)
        })
        .map(|o| Card::new(&snapshot, o))
        .collect();
    let mut themes: Vec<(String, String)> = Vec::new();
    for t in &snapshot.taxonomy.themas {
        if own.iter().any(|o| o.themas.contains(&t.slug)) {
            themes.push((t.slug.clone(), t.label.clone()));
        }
    }
    Ok(render(ProviderPage {
        l: Layout::new(
            p.name.clone(),
            format!("Leeraanbod van {}", p.name),
            "/aanbieders/detail",
        ),
        offerings: own.into_iter().map(|o| Card::new(&snapshot, o)).collect(),
        partner_in,
        themes,
        name: p.name,
        slug,
    }))
}

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage {
    l: Layout,
    /// Every month with activities `(key, label, count)`, "Nu bezig" first.
    nav: Vec<(String, String, usize)>,
    /// The month shown.
    current: String,
    /// Its label.
    label: String,
    /// Its activities on this page: `(when, card)`.
    items: Vec<(String, Card)>,
    /// Activities in the month shown.
    total: usize,
    /// Page within the month, and the number of pages.
    page: usize,
    pages: usize,
    /// The previous and next month `(key, label)`.
    prev: Option<(String, String)>,
    next: Option<(String, String)>,
}

/// Activities shown per page of one month.
const AGENDA_PAGE: usize = 100;

/// The month key of an activity: `nu` when it started before today and still runs, else
/// `YYYY-MM` of its start.
fn agenda_month(o: &Offering, today: NaiveDate) -> String {
    match o.startdatum.filter(|s| *s >= today) {
        Some(d) => d.format("%Y-%m").to_string(),
        None => "nu".to_string(),
    }
}

fn month_label(key: &str) -> Option<String> {
    if key == "nu" {
        return Some("Nu bezig".to_string());
    }
    NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
        .ok()
        .filter(|_| key.len() == 7)
        .map(dutch_month)
}

/// The event calendar, one month per page (with a month navigation), so that a phone loads a
/// month rather than the whole year; a month with very many activities is paged further.
async fn agenda(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let pairs = params::pairs(raw.as_deref());
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let snapshot = state.catalog.snapshot();
    let today = today();
    let all = coming(&snapshot, today, None);
    let mut nav: Vec<(String, String, usize)> = Vec::new();
    for o in &all {
        let key = agenda_month(o, today);
        match nav.iter_mut().find(|(k, _, _)| *k == key) {
            Some(n) => n.2 += 1,
            None => nav.push((key.clone(), month_label(&key).unwrap_or_default(), 1)),
        }
    }
    // "Nu bezig" (already started) first, then the months in order.
    nav.sort_by(|a, b| (a.0 != "nu", &a.0).cmp(&(b.0 != "nu", &b.0)));
    let current = match param("maand") {
        Some(m) => match month_label(&m) {
            Some(_) => m,
            None => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Onbekende maand",
                    "Kies een maand als 2026-12 (jaar-maand), of 'nu' voor wat nu bezig is.",
                )
            }
        },
        None => nav
            .first()
            .map_or_else(|| today.format("%Y-%m").to_string(), |n| n.0.clone()),
    };
    let in_month: Vec<&Offering> = all
        .into_iter()
        .filter(|o| agenda_month(o, today) == current)
        .collect();
    let total = in_month.len();
    let pages = total.div_ceil(AGENDA_PAGE).max(1);
    let page = match param("pagina") {
        None => 1,
        Some(p) => match p.parse::<usize>() {
            Ok(n) if (1..=pages).contains(&n) => n,
            _ => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    "Onbekende pagina",
                    &format!("Deze maand heeft {pages} pagina('s). Kies een pagina van 1 tot en met {pages}."),
                )
            }
        },
    };
    let items = in_month
        .into_iter()
        .skip((page - 1) * AGENDA_PAGE)
        .take(AGENDA_PAGE)
        .map(|o| (when(o), Card::new(&snapshot, o)))
        .collect();
    let position = nav.iter().position(|n| n.0 == current);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| nav.get(i))
            .map(|n| (n.0.clone(), n.1.clone()))
    };
    let prev = neighbour(position.and_then(|p| p.checked_sub(1)));
    let next = neighbour(position.map(|p| p + 1));
    let label = month_label(&current).unwrap_or_default();
    render(AgendaPage {
        l: Layout::new(
            format!("Agenda: {label}"),
            "Bijeenkomsten, trainingen en webinars vanaf vandaag, per maand.",
            "/agenda",
        ),
        nav,
        current,
        label,
        items,
        total,
        page,
        pages,
        prev,
        next,
    })
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    l: Layout,
}

#[derive(Template)]
#[template(path = "open_data.html")]
struct OpenDataPage {
    l: Layout,
    offerings: usize,
    fields: &'static [&'static str],
}

async fn open_data(State(state): State<AppState>) -> Response {
    render(OpenDataPage {
        l: Layout::new(
            "Open data en API",
            "Download het hele leeraanbod als CSV of JSON Lines, of bevraag het via de API.",
            "/open-data",
        ),
        offerings: state.catalog.snapshot().offerings.len(),
        fields: crate::domain::offering::FIELDS,
    })
}

async fn privacy(State(state): State<AppState>) -> Response {
    render(PrivacyPage {
        l: Layout::new(
            "Privacy",
            "Welke gegevens we verwerken, waarom, hoe lang, en wat je rechten zijn.",
            "/privacy",
        )
        .retaining(state.retention_months),
    })
}

#[derive(Template)]
#[template(path = "toegankelijkheid.html")]
struct AccessibilityPage {
    l: Layout,
}

async fn accessibility() -> Response {
    render(AccessibilityPage {
        l: Layout::new(
            "Toegankelijkheid",
            "Toegankelijkheidsverklaring van WijkWijzer Leernetwerk.",
            "/toegankelijkheid",
        ),
    })
}

/// Fallback for unknown pages.
pub async fn fallback() -> Response {
    not_found_page()
}
