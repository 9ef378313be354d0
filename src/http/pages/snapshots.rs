//! Peilingen (`/leeragenda/peilingen`): the list with the course of every vraagstuk, one peiling
//! as a printable report with its CSV and JSON downloads named with the date, and the comparison
//! of two peilingen. A peiling never changes, so its address can be cited.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;

use crate::domain::gaps::compare::Change;
use crate::domain::gaps::snapshot::{
    self, course, develop, Counts, Development, Snapshot, TrackNote, METHOD_VERSION,
};
use crate::http::AppState;

use super::charts;
use super::gaps::{interval, MethodView};
use super::learning_agenda::{agenda_csv_text, csv_response, summary};
use super::view::{decimal, dutch_date, period, GapTableRow, Layout};
use super::{render_status, PageError};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leeragenda/peilingen", get(list))
        .route("/leeragenda/peilingen/vergelijk", get(compare_page))
        .route("/leeragenda/peilingen/{name}", get(one))
}

/// The peiling of today: the current analysis frozen with its summary and the development
/// tracks as they stand.
pub async fn freeze_now(state: &AppState) -> Result<Snapshot, PageError> {
    let current = state.catalog.snapshot();
    let today = state.catalog.clock().today();
    let analysis = current.analysis(today);
    let tracks = state.catalog.store().tracks().await?;
    Ok(snapshot::freeze(
        today,
        &current.taxonomy,
        Counts {
            leervragen: current.demand.len(),
            leeraanbod: current.offerings.len(),
            nog_te_koppelen: current
                .demand
                .iter()
                .filter(|q| q.passend.is_none())
                .count(),
        },
        summary(&current, &analysis),
        analysis.thresholds,
        &analysis.themes,
        tracks
            .iter()
            .map(|t| TrackNote {
                id: t.id,
                titel: t.titel.clone(),
                status: t.status.label().to_string(),
                themas: t.themas.clone(),
            })
            .collect(),
    ))
}

/// A date in a path or query: `JJJJ-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The page for a peiling that does not exist.
fn no_such(datum: &str) -> PageError {
    PageError::refused(
        StatusCode::NOT_FOUND,
        "Peiling niet gevonden",
        format!(
            "Er is geen peiling van {datum}. Op de pagina met alle peilingen staan de datums waarop een peiling is gepubliceerd."
        ),
    )
}

/// A vraagstuk's course as shown: heading, chart and a table row per peiling.
pub struct CourseView {
    label: String,
    link: String,
    chart: String,
    rows: Vec<GapTableRow>,
}

/// A peiling in the list `(href, date, gaps, method)`.
type ListRow = (String, String, usize, String);

#[derive(Template)]
#[template(path = "peilingen.html")]
struct ListPage {
    l: Layout,
    rows: Vec<ListRow>,
    /// `(value, label)` for the comparison form, newest first.
    dates: Vec<(String, String)>,
    courses: Vec<CourseView>,
    /// Inventory rounds `(label, period, questions, offerings, peiling href and date)`.
    rounds: Vec<RoundRow>,
}

/// An inventory round in the list.
type RoundRow = (String, String, i64, i64, Option<(String, String)>);

async fn list(State(state): State<AppState>) -> Result<Response, PageError> {
    let all = state.catalog.store().snapshots().await?;
    let rounds = state
        .catalog
        .store()
        .rounds()
        .await?
        .into_iter()
        .map(|x| {
            let peiling = x
                .round
                .closed_on
                .filter(|d| all.iter().any(|s| s.datum == *d))
                .map(|d| (format!("/leeragenda/peilingen/{d}"), dutch_date(d)));
            (
                x.round.label,
                period(x.round.starts_on, x.round.ends_on),
                x.questions,
                x.offerings,
                peiling,
            )
        })
        .collect();
    let current = state.catalog.snapshot();
    let rows = all
        .iter()
        .rev()
        .map(|s| {
            (
                format!("/leeragenda/peilingen/{}", s.datum),
                dutch_date(s.datum),
                s.lacunes.len(),
                s.methode.clone(),
            )
        })
        .collect();
    let dates = all
        .iter()
        .rev()
        .map(|s| (s.datum.to_string(), dutch_date(s.datum)))
        .collect();
    let thresholds = all.last().map(|s| s.drempels).unwrap_or_default();
    let courses = if all.is_empty() {
        Vec::new()
    } else {
        current
            .taxonomy
            .vraagstukken
            .iter()
            .map(|topic| {
                let points = course(&all, &topic.slug);
                let chart = charts::course(
                    &format!("verloop-{}", topic.slug),
                    &format!("Tekort bij '{}' per peiling", topic.label),
                    "Lijndiagram: het tekort aan leeraanbod bij elke peiling, de oudste links. De stippellijn is de grens van een lacune. De tabel eronder geeft dezelfde cijfers.",
                    &points
                        .iter()
                        .map(|p| (short_date(p.datum), p.figures.tekort))
                        .collect::<Vec<_>>(),
                    thresholds.lacune,
                );
                CourseView {
                    label: topic.label.clone(),
                    link: format!("/lacunes/{}", topic.slug),
                    chart,
                    rows: points
                        .iter()
                        .map(|p| GapTableRow {
                            label: dutch_date(p.datum),
                            vraag: p.figures.vraag,
                            aanbod: p.figures.aanbod,
                            tekort: decimal(p.figures.tekort, 1),
                            oordeel: p.figures.oordeel.text(),
                        })
                        .collect(),
                }
            })
            .collect()
    };
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: Layout::new(
                "Peilingen",
                "De leeragenda en de lacunes vastgelegd op een datum, om naar te verwijzen en te vergelijken.",
                "/leeragenda/peilingen",
            ),
            rows,
            dates,
            courses,
            rounds,
        },
    ))
}

/// "6-12-2026".
fn short_date(d: NaiveDate) -> String {
    d.format("%-d-%-m-%Y").to_string()
}

/// A gap in the report.
pub struct GapRow {
    label: String,
    uitleg: String,
    score: String,
    interval: String,
}

/// A row of the table per theme and target group.
pub struct FigureRow {
    theme: String,
    group: String,
    vraag: usize,
    aanbod: usize,
    tekort: String,
    interval: String,
    oordeel: &'static str,
    /// The first row of a theme (its total).
    total: bool,
}

/// A vraagstuk in the report.
pub struct TopicRow {
    label: String,
    vraag: usize,
    aanbod: usize,
    tekort: String,
    oordeel: &'static str,
    tracks: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "peiling.html")]
struct ReportPage {
    l: Layout,
    stand: String,
    url: String,
    csv: String,
    json: String,
    methode: String,
    current_method: bool,
    summary: String,
    leervragen: usize,
    leeraanbod: usize,
    nog_te_koppelen: usize,
    cells: usize,
    topics: Vec<TopicRow>,
    gaps: Vec<GapRow>,
    figures: Vec<FigureRow>,
    m: MethodView,
}

async fn one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let (stem, kind) = match name.rsplit_once('.') {
        Some((stem, "csv")) => (stem, Kind::Csv),
        Some((stem, "json")) => (stem, Kind::Json),
        _ => (name.as_str(), Kind::Page),
    };
    let Some(datum) = parse_date(stem) else {
        return Err(no_such(stem));
    };
    let Some(s) = state.catalog.store().snapshot_at(datum).await? else {
        return Err(no_such(&dutch_date(datum)));
    };
    Ok(match kind {
        Kind::Csv => csv_response(
            agenda_csv_text(&s.themas, s.datum, false),
            format!("attachment; filename=\"peiling-{datum}.csv\""),
        ),
        Kind::Json => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&format!(
                        "attachment; filename=\"peiling-{datum}.json\""
                    ))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
                ),
            ],
            s.to_json(),
        )
            .into_response(),
        Kind::Page => report(&state, &s),
    })
}

/// What `/leeragenda/peilingen/{name}` serves.
enum Kind {
    Page,
    Csv,
    Json,
}

fn report(state: &AppState, s: &Snapshot) -> Response {
    let topics = s
        .vraagstukken
        .iter()
        .map(|v| TopicRow {
            label: v.label.clone(),
            vraag: v.vraag,
            aanbod: v.aanbod,
            tekort: decimal(v.tekort, 1),
            oordeel: v.oordeel.text(),
            tracks: s
                .trajecten
                .iter()
                .filter(|t| t.themas.iter().any(|x| v.themas.contains(x)))
                .map(|t| (t.titel.clone(), t.status.clone()))
                .collect(),
        })
        .collect();
    let gaps = s
        .lacunes
        .iter()
        .map(|g| GapRow {
            label: g.cijfers.label.clone(),
            uitleg: g.uitleg.clone(),
            score: decimal(g.score, 1),
            interval: interval(&g.cijfers.beoordeling),
        })
        .collect();
    let mut figures = Vec::new();
    for f in &s.themas {
        figures.push(FigureRow {
            theme: f.label.clone(),
            group: "Alle doelgroepen".into(),
            vraag: f.vraag,
            aanbod: f.aanbod,
            tekort: decimal(f.score(), 1),
            interval: interval(&f.beoordeling),
            oordeel: f.verdict().text(),
            total: true,
        });
        for g in &f.per_doelgroep {
            figures.push(FigureRow {
                theme: f.label.clone(),
                group: s.group_label(&g.doelgroep),
                vraag: g.vraag,
                aanbod: g.aanbod,
                tekort: decimal(g.beoordeling.score, 1),
                interval: interval(&g.beoordeling),
                oordeel: g.beoordeling.label.text(),
                total: false,
            });
        }
    }
    let path = format!("/leeragenda/peilingen/{}", s.datum);
    let stand = dutch_date(s.datum);
    render_status(
        StatusCode::OK,
        ReportPage {
            l: Layout::new(
                format!("Peiling van {stand}"),
                format!("De leeragenda en de lacunes, stand per {stand}: samenvatting, werkwijze, cijfers en de vraagstukken."),
                path.clone(),
            ),
            url: format!("{}{path}", state.base_url.trim_end_matches('/')),
            csv: format!("{path}.csv"),
            json: format!("{path}.json"),
            methode: s.methode.clone(),
            current_method: s.methode == METHOD_VERSION,
            summary: s.samenvatting.clone(),
            leervragen: s.leervragen,
            leeraanbod: s.leeraanbod,
            nog_te_koppelen: s.nog_te_koppelen,
            cells: s.lacunes_per_doelgroep.len(),
            topics,
            gaps,
            figures,
            m: MethodView::new(&s.drempels),
            stand,
        },
    )
}

/// Why two peilingen cannot be compared.
pub enum PairError {
    /// These parameters are no date (`van`, `tot`).
    BadDate(Vec<&'static str>),
    /// There is no peiling of this date.
    Unknown(NaiveDate),
}

impl PairError {
    /// The Dutch explanation.
    pub fn message(&self) -> String {
        match self {
            PairError::BadDate(_) => "Kies twee peilingen om te vergelijken: 'van' en 'tot' zijn datums als 2026-12-06.".into(),
            PairError::Unknown(d) => format!(
                "Er is geen peiling van {}. Op de pagina met alle peilingen staan de datums waarop een peiling is gepubliceerd.",
                dutch_date(*d)
            ),
        }
    }
}

/// The two peilingen of the dates `van` and `tot`, earlier first.
pub async fn pair_of(
    state: &AppState,
    van: &str,
    tot: &str,
) -> Result<Result<(Snapshot, Snapshot), PairError>, crate::store::StoreError> {
    let (a, b) = (parse_date(van.trim()), parse_date(tot.trim()));
    let (Some(a), Some(b)) = (a, b) else {
        let bad = [("van", a), ("tot", b)]
            .into_iter()
            .filter(|(_, d)| d.is_none())
            .map(|(n, _)| n)
            .collect();
        return Ok(Err(PairError::BadDate(bad)));
    };
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let store = state.catalog.store();
    let Some(then) = store.snapshot_at(a).await? else {
        return Ok(Err(PairError::Unknown(a)));
    };
    let Some(now) = store.snapshot_at(b).await? else {
        return Ok(Err(PairError::Unknown(b)));
    };
    Ok(Ok((then, now)))
}

/// A row of the comparison.
pub struct CompareRow {
    theme: String,
    group: String,
    vraag: (usize, usize),
    aanbod: (usize, usize),
    tekort: (String, String),
    oordeel: (&'static str, &'static str),
    change: &'static str,
    tracks: String,
    total: bool,
}

#[derive(Template)]
#[template(path = "peiling_vergelijking.html")]
struct ComparePage {
    l: Layout,
    van: String,
    tot: String,
    van_href: String,
    tot_href: String,
    api: String,
    same_method: bool,
    closed: usize,
    opened: usize,
    stayed: usize,
    rows: Vec<CompareRow>,
}

/// How many themes (as a whole) had change `c`.
pub fn count(d: &[Development], c: Change) -> usize {
    d.iter()
        .filter(|x| x.vergelijking.doelgroep.is_none() && x.vergelijking.verandering == c)
        .count()
}

async fn compare_page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let pairs = crate::catalog::params::pairs(raw.as_deref());
    let value = |name: &str| crate::catalog::params::first_value(&pairs, name);
    let (then, now) = match pair_of(&state, &value("van"), &value("tot")).await? {
        Ok(p) => p,
        Err(e) => {
            let status = match e {
                PairError::BadDate(_) => StatusCode::BAD_REQUEST,
                PairError::Unknown(_) => StatusCode::NOT_FOUND,
            };
            return Err(PageError::refused(
                status,
                "Peilingen vergelijken",
                e.message(),
            ));
        }
    };
    let d = develop(&then, &now);
    let label = |slug: &str| {
        now.themas
            .iter()
            .find(|f| f.thema == slug)
            .map_or_else(|| slug.to_string(), |f| f.label.clone())
    };
    let rows = d
        .iter()
        .map(|x| {
            let c = &x.vergelijking;
            CompareRow {
                theme: label(&c.thema),
                group: c
                    .doelgroep
                    .as_deref()
                    .map_or_else(|| "Alle doelgroepen".to_string(), |g| now.group_label(g)),
                vraag: (c.vraag_toen, c.vraag_nu),
                aanbod: (c.aanbod_toen, c.aanbod_nu),
                tekort: (decimal(c.tekort_toen, 1), decimal(c.tekort_nu, 1)),
                oordeel: (c.oordeel_toen.text(), c.oordeel_nu.text()),
                change: c.verandering.text(),
                tracks: x
                    .trajecten
                    .iter()
                    .map(|t| format!("{} ({})", t.titel, t.status.to_lowercase()))
                    .collect::<Vec<_>>()
                    .join("; "),
                total: c.doelgroep.is_none(),
            }
        })
        .collect();
    let (van, tot) = (dutch_date(then.datum), dutch_date(now.datum));
    Ok(render_status(
        StatusCode::OK,
        ComparePage {
            l: Layout::new(
                format!("Peilingen vergeleken: {van} en {tot}"),
                "Per thema en doelgroep de vraag en het aanbod toen en nu, en of een lacune gesloten, geopend of gebleven is.",
                "/leeragenda/peilingen/vergelijk",
            ),
            van_href: format!("/leeragenda/peilingen/{}", then.datum),
            tot_href: format!("/leeragenda/peilingen/{}", now.datum),
            api: format!(
                "/api/v1/peilingen/vergelijking?van={}&tot={}",
                then.datum, now.datum
            ),
            same_method: then.methode == now.methode,
            closed: count(&d, Change::Closed),
            opened: count(&d, Change::Opened),
            stayed: count(&d, Change::Stayed),
            rows,
            van,
            tot,
        },
    ))
}
