//! The learning agenda (`/leeragenda`, with CSV) and the gaps (`/lacunes`, `/lacunes/{slug}`):
//! demand next to supply as SVG charts with table alternatives and plain-Dutch explanations.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Datelike;

use crate::catalog::Snapshot;
use crate::domain::gaps::{self, Gap, Label, Partnership, ThemeFigures, Thresholds};
use crate::domain::offering::Offering;
use crate::domain::status::QuestionStatus;
use crate::domain::taxonomy::Topic;
use crate::http::AppState;

use super::charts::{self, BarRow};
use super::view::{decimal, dutch_date, Card, Layout};
use super::{render_status, request_id, PageError};

/// The routes of the agenda and the gaps.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leeragenda", get(agenda))
        .route("/leeragenda.csv", get(agenda_csv))
        .route("/leeragenda-excel.csv", get(agenda_csv_excel))
        .route("/lacunes", get(gaps_page))
        .route("/lacunes/{slug}", get(topic_page))
        .route("/ontwikkeltrajecten", get(tracks_page))
}

/// The stored development tracks; a store failure becomes the error page.
async fn stored_tracks(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Vec<crate::domain::track::Track>, PageError> {
    state
        .catalog
        .store()
        .tracks()
        .await
        .map_err(|e| PageError::Internal(e.to_string(), request_id(headers)))
}

/// A development track as the public pages show it.
pub struct TrackView {
    /// Title.
    pub titel: String,
    /// Goal.
    pub doel: String,
    /// Status label.
    pub status: &'static str,
    /// Status slug.
    pub status_slug: &'static str,
    /// Lead organisation.
    pub trekker: String,
    /// Partners, joined.
    pub partners: String,
    /// Target groups, joined.
    pub doelgroepen: String,
    /// When.
    pub planning: String,
    /// Themes `(slug, label)`.
    pub themes: Vec<(String, String)>,
    /// Resulting offerings `(id, title)`.
    pub aanbod: Vec<(String, String)>,
}

fn track_view(snapshot: &Snapshot, t: &crate::domain::track::Track) -> TrackView {
    use crate::domain::taxonomy::Vocabulary;
    TrackView {
        titel: t.titel.clone(),
        doel: t.doel.clone(),
        status: t.status.label(),
        status_slug: t.status.slug(),
        trekker: t.trekker.clone(),
        partners: t.partners.join(", "),
        doelgroepen: super::view::labels(snapshot, Vocabulary::TargetGroup, &t.doelgroepen),
        planning: t.planning.clone(),
        themes: t
            .themas
            .iter()
            .map(|x| {
                (
                    x.clone(),
                    super::view::label(snapshot, Vocabulary::Theme, x),
                )
            })
            .collect(),
        aanbod: t
            .aanbod
            .iter()
            .filter_map(|id| snapshot.get(id).map(|o| (id.clone(), o.titel.clone())))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "ontwikkeltrajecten.html")]
struct TracksPage {
    l: Layout,
    groups: Vec<(&'static str, Vec<TrackView>)>,
}

async fn tracks_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let tracks = stored_tracks(&state, &headers).await?;
    let groups = crate::domain::track::TRACK_STATUSES
        .iter()
        .map(|(slug, label)| {
            (
                *label,
                tracks
                    .iter()
                    .filter(|t| t.status.slug() == *slug)
                    .map(|t| track_view(&snapshot, t))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    Ok(render_status(
        StatusCode::OK,
        TracksPage {
            l: Layout::new(
                "Ontwikkeltrajecten",
                "Nieuw leeraanbod dat het leernetwerk ontwikkelt voor de lacunes: wat, door wie en wanneer.",
                "/ontwikkeltrajecten",
            ),
            groups,
        },
    ))
}

fn pct(x: f64) -> String {
    format!("{}%", (x * 100.0).round() as i64)
}

/// A theme row for the tables.
pub struct Row {
    f: ThemeFigures,
    /// Demand pressure with a decimal comma.
    vraagdruk: String,
    cross: String,
    unanswered: String,
    per_group: Vec<(usize, usize)>,
}

#[derive(Template)]
#[template(path = "leeragenda.html")]
struct AgendaPage {
    l: Layout,
    rows: Vec<Row>,
    groups: Vec<String>,
    bars: String,
    heat: String,
    summary: String,
    quarters: Vec<(String, usize)>,
    total_demand: usize,
    total_supply: usize,
    /// "6 december 2026": the date the figures hold for.
    stand: String,
}

fn rows(snapshot: &Snapshot) -> Vec<Row> {
    snapshot
        .analysis()
        .themes
        .iter()
        .map(|f| Row {
            vraagdruk: decimal(f.vraagdruk, 2),
            cross: pct(f.domeinoverstijgend),
            unanswered: pct(f.onbeantwoord),
            per_group: f
                .per_doelgroep
                .iter()
                .map(|g| (g.vraag, g.aanbod))
                .collect(),
            f: f.clone(),
        })
        .collect()
}

async fn agenda(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    let analysis = snapshot.analysis();
    let rows = rows(&snapshot);
    let groups: Vec<String> = snapshot
        .taxonomy
        .doelgroepen
        .iter()
        .map(|g| g.label.clone())
        .collect();
    let bars = charts::bars(
        "vraag-aanbod",
        "Leervragen en leeraanbod per thema",
        "Staafdiagram: per thema het aantal leervragen naast het aantal keer leeraanbod. De tabel eronder geeft dezelfde cijfers.",
        &analysis.themes.iter().map(|f| BarRow { label: f.label.clone(), vraag: f.vraag, aanbod: f.aanbod }).collect::<Vec<_>>(),
    );
    let heat_rows: Vec<(String, Vec<(f64, String)>)> = analysis
        .themes
        .iter()
        .map(|f| {
            let cells = f
                .per_doelgroep
                .iter()
                .map(|g| {
                    let pressure = g.vraag as f64 / (g.aanbod.max(1)) as f64;
                    (
                        pressure,
                        format!(
                            "{} {} / {} aanbod",
                            g.vraag,
                            if g.vraag == 1 { "vraag" } else { "vragen" },
                            g.aanbod
                        ),
                    )
                })
                .collect();
            (f.label.clone(), cells)
        })
        .collect();
    let heat = charts::heatmap(
        "heatmap",
        "Vraag tegenover aanbod per thema en doelgroep",
        "Warmtekaart: hoe donkerder het vak, hoe meer leervragen er per keer leeraanbod zijn voor die doelgroep. Elk vak noemt de aantallen; de tabel eronder geeft dezelfde cijfers.",
        &groups,
        &heat_rows,
    );
    let total_demand = snapshot.demand.len();
    let total_supply = snapshot.offerings.len();
    let mut by_demand: Vec<&ThemeFigures> = analysis.themes.iter().collect();
    by_demand.sort_by(|a, b| b.vraag.cmp(&a.vraag).then_with(|| a.thema.cmp(&b.thema)));
    let most: Vec<String> = by_demand
        .iter()
        .take(3)
        .map(|f| format!("{} ({})", f.label, f.vraag))
        .collect();
    let gap_labels: Vec<String> = analysis
        .gaps
        .iter()
        .take(5)
        .map(|g| g.cijfers.label.clone())
        .collect();
    let summary = format!(
        "Er zijn {total_demand} leervragen en {total_supply} keer leeraanbod. De meeste vragen gaan over {}. {} {}",
        most.join(", "),
        if gap_labels.is_empty() {
            "Op dit moment is geen thema een lacune.".to_string()
        } else {
            format!("De grootste lacunes zijn: {}.", gap_labels.join(", "))
        },
        unchecked_note(&snapshot)
    )
    .trim_end()
    .to_string();
    let mut quarters: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for q in snapshot.demand.iter() {
        *quarters
            .entry((q.datum.year(), q.datum.month0() / 3 + 1))
            .or_insert(0) += 1;
    }
    render_status(
        StatusCode::OK,
        AgendaPage {
            l: Layout::new(
                "Leeragenda",
                "Wat er gevraagd en aangeboden wordt, per thema en doelgroep.",
                "/leeragenda",
            ),
            rows,
            groups,
            bars,
            heat,
            summary,
            quarters: quarters
                .into_iter()
                .map(|((y, q), n)| (format!("{y} kwartaal {q}"), n))
                .collect(),
            total_demand,
            total_supply,
            stand: dutch_date(analysis.datum),
        },
    )
}

/// How many questions count with themes the engine gave and no coordinator has looked at yet
/// (new questions asked on the site, mostly), as a sentence; empty when none.
fn unchecked_note(snapshot: &Snapshot) -> String {
    let n = snapshot
        .demand
        .iter()
        .filter(|q| q.themas_automatisch && q.status == QuestionStatus::Nieuw)
        .count();
    match n {
        0 => String::new(),
        1 => "Eén leervraag telt mee met thema's van de automatische koppeling en is nog niet door het coördinatiepunt bekeken.".to_string(),
        n => format!("{n} leervragen tellen mee met thema's van de automatische koppeling en zijn nog niet door het coördinatiepunt bekeken."),
    }
}

/// The columns of the agenda CSV.
const AGENDA_CSV_COLUMNS: [&str; 18] = [
    "thema",
    "label",
    "doelgroep",
    "leervragen",
    "leeraanbod",
    "vraagdruk",
    "onbeantwoord",
    "domeinoverstijgend",
    "grootste_sector",
    "grootste_sector_aandeel",
    "sectoren",
    "lacune",
    "score",
    "oordeel",
    "tekort_laag",
    "tekort_hoog",
    "beeindigd",
    "stand_per",
];

/// The agenda figures as CSV (one row per theme and target group, plus a total per theme).
pub fn agenda_csv_text(snapshot: &Snapshot, excel: bool) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(if excel { b';' } else { b',' })
        .from_writer(Vec::new());
    let num = |x: f64| {
        if excel {
            x.to_string().replace('.', ",")
        } else {
            x.to_string()
        }
    };
    // Texts (labels and slugs from the taxonomy) are protected against formulas; numbers not.
    let cell = |s: &str| crate::transfer::neutralise_cell(s).into_owned();
    let _ = w.write_record(AGENDA_CSV_COLUMNS);
    let analysis = snapshot.analysis();
    for f in &analysis.themes {
        let is_gap = f.verdict() == Label::Gap;
        let b = &f.beoordeling;
        let _ = w.write_record([
            cell(&f.thema),
            cell(&f.label),
            "alle".to_string(),
            f.vraag.to_string(),
            f.aanbod.to_string(),
            num(f.vraagdruk),
            num(f.onbeantwoord),
            num(f.domeinoverstijgend),
            cell(f.grootste_sector.as_deref().unwrap_or_default()),
            num(f.grootste_sector_aandeel),
            f.sectoren.to_string(),
            if is_gap { "ja" } else { "nee" }.to_string(),
            num(f.score()),
            b.label.text().to_string(),
            num(b.score_laag),
            num(b.score_hoog),
            f.beeindigd.to_string(),
            analysis.datum.to_string(),
        ]);
        for g in &f.per_doelgroep {
            let mut row = vec![
                cell(&f.thema),
                cell(&f.label),
                cell(&g.doelgroep),
                g.vraag.to_string(),
                g.aanbod.to_string(),
            ];
            row.resize(AGENDA_CSV_COLUMNS.len() - 7, String::new());
            let c = &g.beoordeling;
            row.extend([
                if c.label == Label::Gap { "ja" } else { "nee" }.to_string(),
                num(c.score),
                c.label.text().to_string(),
                num(c.score_laag),
                num(c.score_hoog),
                String::new(),
                analysis.datum.to_string(),
            ]);
            let _ = w.write_record(row);
        }
    }
    let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    // Excel reads UTF-8 only with a byte order mark.
    if excel {
        format!("\u{feff}{text}")
    } else {
        text
    }
}

fn csv_response(body: String, filename: String) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&filename)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

async fn agenda_csv(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    let date = snapshot.analysis().datum;
    csv_response(
        agenda_csv_text(&snapshot, false),
        format!("attachment; filename=\"leeragenda-{date}.csv\""),
    )
}

/// The same figures for Excel with Dutch settings: semicolons, decimal commas and a byte order
/// mark.
async fn agenda_csv_excel(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    let date = snapshot.analysis().datum;
    csv_response(
        agenda_csv_text(&snapshot, true),
        format!("attachment; filename=\"leeragenda-excel-{date}.csv\""),
    )
}

/// A gap as shown on the page.
pub struct GapView {
    g: Gap,
    link: String,
    cross: String,
    unanswered: String,
    largest: String,
    /// Demand pressure and score with a decimal comma.
    vraagdruk: String,
    score: String,
    /// "tussen 1,20 en 3,80".
    interval: String,
    /// Per target group: `(label, questions, supply, verdict, shortfall)`.
    groups: Vec<(String, usize, usize, &'static str, String)>,
    /// Development tracks on this gap's theme `(title, status, lead)`.
    tracks: Vec<(String, &'static str, String)>,
}

#[derive(Template)]
#[template(path = "lacunes.html")]
struct GapsPage {
    l: Layout,
    gaps: Vec<GapView>,
    /// How many counted questions no coordinator has looked at yet (a sentence, or empty).
    unchecked: String,
    /// Themes that are no gap by the two rules, but where at least half of the (enough)
    /// questions found no fitting offering: `(link, label, share, questions)`.
    unmet: Vec<(String, String, String, usize)>,
    t: Thresholds,
    vraagdruk: String,
    domein: String,
    sector: String,
    /// Cells (theme, target group) that are a gap.
    group_gaps: Vec<GroupGapView>,
    /// Themes labelled "bijna lacune".
    near: Vec<NearView>,
    /// "6 december 2026".
    stand: String,
    /// The thresholds with a decimal comma: gap, no gap, one-sector weight, carrying capacity.
    drempel_lacune: String,
    drempel_geen: String,
    gewicht: String,
    draagkracht: String,
}

fn gap_link(snapshot: &Snapshot, theme: &str) -> String {
    match snapshot.taxonomy.topic_for_theme(theme) {
        Some(t) => format!("/lacunes/{}", t.slug),
        None => format!("/themas/{theme}"),
    }
}

fn interval(a: &gaps::Assessment) -> String {
    format!(
        "tussen {} en {}",
        decimal(a.score_laag, 1),
        decimal(a.score_hoog, 1)
    )
}

/// A (theme, target group) gap as shown on the page.
pub struct GroupGapView {
    link: String,
    theme: String,
    group: String,
    vraag: usize,
    aanbod: usize,
    score: String,
    interval: String,
    wat_verandert: String,
}

/// A theme in the dead band: `(link, label, shortfall, interval, what would change it)`.
type NearView = (String, String, String, String, String);

fn gap_view(snapshot: &Snapshot, g: &Gap) -> GapView {
    let largest = g
        .cijfers
        .grootste_sector
        .as_deref()
        .map(|s| super::view::label(snapshot, crate::domain::taxonomy::Vocabulary::Sector, s))
        .unwrap_or_else(|| "geen".into());
    GapView {
        link: gap_link(snapshot, &g.thema),
        cross: pct(g.cijfers.domeinoverstijgend),
        unanswered: pct(g.cijfers.onbeantwoord),
        largest: format!("{largest} ({})", pct(g.cijfers.grootste_sector_aandeel)),
        vraagdruk: decimal(g.cijfers.vraagdruk, 2),
        score: decimal(g.score, 2),
        interval: interval(&g.cijfers.beoordeling),
        groups: g
            .cijfers
            .per_doelgroep
            .iter()
            .map(|c| {
                (
                    super::view::label(
                        snapshot,
                        crate::domain::taxonomy::Vocabulary::TargetGroup,
                        &c.doelgroep,
                    ),
                    c.vraag,
                    c.aanbod,
                    c.beoordeling.label.text(),
                    decimal(c.beoordeling.score, 1),
                )
            })
            .collect(),
        tracks: Vec::new(),
        g: g.clone(),
    }
}

async fn gaps_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let analysis = snapshot.analysis();
    let t = analysis.thresholds;
    let tracks = stored_tracks(&state, &headers).await?;
    let with_tracks = |g: &Gap| {
        let mut v = gap_view(&snapshot, g);
        v.tracks = tracks
            .iter()
            .filter(|tr| tr.themas.contains(&g.thema))
            .map(|tr| {
                let view = track_view(&snapshot, tr);
                (view.titel, view.status, view.trekker)
            })
            .collect();
        v
    };
    Ok(render_status(
        StatusCode::OK,
        GapsPage {
            l: Layout::new(
                "Lacunes",
                "Waar de vraag naar leren niet wordt beantwoord, met cijfers en uitleg.",
                "/lacunes",
            ),
            gaps: analysis.gaps.iter().map(with_tracks).collect(),
            unchecked: unchecked_note(&snapshot),
            unmet: analysis
                .themes
                .iter()
                .filter(|f| {
                    f.vraag >= t.min_vraag
                        && f.onbeantwoord >= 0.5
                        && !analysis.gaps.iter().any(|g| g.thema == f.thema)
                })
                .map(|f| {
                    (
                        format!("/themas/{}", f.thema),
                        f.label.clone(),
                        pct(f.onbeantwoord),
                        f.vraag,
                    )
                })
                .collect(),
            vraagdruk: decimal(t.vraagdruk, 1),
            domein: pct(t.domeinoverstijgend),
            sector: pct(t.grootste_sector),
            group_gaps: analysis
                .group_gaps
                .iter()
                .map(|c| GroupGapView {
                    link: gap_link(&snapshot, &c.thema),
                    theme: super::view::label(
                        &snapshot,
                        crate::domain::taxonomy::Vocabulary::Theme,
                        &c.thema,
                    ),
                    group: super::view::label(
                        &snapshot,
                        crate::domain::taxonomy::Vocabulary::TargetGroup,
                        &c.doelgroep,
                    ),
                    vraag: c.vraag,
                    aanbod: c.aanbod,
                    score: decimal(c.beoordeling.score, 1),
                    interval: interval(&c.beoordeling),
                    wat_verandert: c.beoordeling.wat_verandert.clone(),
                })
                .collect(),
            near: analysis
                .themes
                .iter()
                .filter(|f| f.verdict() == Label::NearGap)
                .map(|f| {
                    (
                        gap_link(&snapshot, &f.thema),
                        f.label.clone(),
                        decimal(f.score(), 1),
                        interval(&f.beoordeling),
                        f.beoordeling.wat_verandert.clone(),
                    )
                })
                .collect(),
            stand: dutch_date(analysis.datum),
            drempel_lacune: decimal(t.lacune, 0),
            drempel_geen: decimal(t.geen_lacune, 0),
            gewicht: decimal(t.gewicht_eenzijdig, 1),
            draagkracht: decimal(t.draagkracht, 1),
            t,
        },
    ))
}

#[derive(Template)]
#[template(path = "lacune.html")]
struct TopicPage {
    l: Layout,
    topic: Topic,
    themes: Vec<(String, String)>,
    figures: Vec<Row>,
    gap: Option<GapView>,
    offerings: Vec<Card>,
    questions: Vec<(String, String)>,
    partnerships: Vec<Partnership>,
    tracks: Vec<TrackView>,
}

async fn topic_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let Some(topic) = snapshot
        .taxonomy
        .vraagstukken
        .iter()
        .find(|t| t.slug == slug)
        .cloned()
    else {
        return Err(PageError::NotFound(request_id(&headers)));
    };
    let tracks = stored_tracks(&state, &headers)
        .await?
        .iter()
        .filter(|t| t.themas.iter().any(|x| topic.themas.contains(x)))
        .map(|t| track_view(&snapshot, t))
        .collect();
    let analysis = snapshot.analysis();
    let in_topic = |themes: &[String]| themes.iter().any(|t| topic.themas.contains(t));
    let figures = rows(&snapshot)
        .into_iter()
        .filter(|r| topic.themas.contains(&r.f.thema))
        .collect();
    let gap = analysis
        .gaps
        .iter()
        .find(|g| topic.themas.contains(&g.thema))
        .map(|g| gap_view(&snapshot, g));
    let offerings = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .filter(|o| in_topic(&o.themas))
        .map(|o| Card::new(&snapshot, o))
        .collect();
    let groups = |slug: &Option<String>| {
        slug.as_deref()
            .map(|s| {
                super::view::label(
                    &snapshot,
                    crate::domain::taxonomy::Vocabulary::TargetGroup,
                    s,
                )
            })
            .unwrap_or_default()
    };
    // Questions asked on the site are not shown in public; the inventory's are.
    // Those the coordination point marked lacune first, then those the engine found no fit for.
    let mut open: Vec<&crate::store::DemandRow> = snapshot
        .demand
        .iter()
        .filter(|q| {
            in_topic(&q.themas)
                && !q.id.starts_with("site-")
                && (q.status == QuestionStatus::Lacune || q.passend != Some(true))
        })
        .collect();
    open.sort_by_key(|q| (q.status != QuestionStatus::Lacune, q.passend.is_none()));
    let questions = open
        .into_iter()
        .take(12)
        .map(|q| (q.vraag.clone(), groups(&q.doelgroep)))
        .collect();
    let all: Vec<&Offering> = snapshot.offerings.iter().map(|s| &s.offering).collect();
    let partnerships = topic
        .themas
        .first()
        .map(|t| gaps::partnerships(t, &all, &snapshot.taxonomy, 5))
        .unwrap_or_default();
    let themes = topic
        .themas
        .iter()
        .map(|t| {
            (
                t.clone(),
                super::view::label(&snapshot, crate::domain::taxonomy::Vocabulary::Theme, t),
            )
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        TopicPage {
            l: Layout::new(
                topic.label.clone(),
                topic.description.clone(),
                "/lacunes/detail",
            ),
            topic,
            themes,
            figures,
            gap,
            offerings,
            questions,
            partnerships,
            tracks,
        },
    ))
}
