//! The learning agenda (`/leeragenda`, with CSV): demand next to supply per theme and target group
//! as SVG charts with table alternatives and plain-Dutch explanations.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};

use crate::catalog::{Analysis, Snapshot};
use crate::domain::gaps::{Label, ThemeFigures};
use crate::domain::status::QuestionStatus;
use crate::http::AppState;

use super::charts::{self, BarRow};
use super::view::{decimal, dutch_date, Layout};
use super::{render_status, PageError};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leeragenda", get(learning_agenda_page))
        .route("/leeragenda.csv", get(agenda_csv))
        .route("/leeragenda-excel.csv", get(agenda_csv_excel))
}

pub(super) fn pct(x: f64) -> String {
    format!("{}%", (x * 100.0).round() as i64)
}

/// A theme row for the tables.
pub struct Row {
    /// The theme's figures.
    pub(super) f: ThemeFigures,
    /// Demand pressure with a decimal comma.
    pub(super) vraagdruk: String,
    /// Share of questions across domains, as a percentage.
    pub(super) cross: String,
    /// Share of questions without fitting offerings, as a percentage.
    pub(super) unanswered: String,
    /// Per target group `(questions, offerings)`.
    pub(super) per_group: Vec<(usize, usize)>,
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
    /// The column chart of the questions per quarter.
    quarter_chart: String,
    total_demand: usize,
    total_supply: usize,
    /// "6 december 2026": the date the figures hold for.
    stand: String,
    /// The latest peiling `(href, date)`.
    last: Option<(String, String)>,
    /// The inventory round open today `(label, last day)`.
    round: Option<(String, String)>,
    /// Active learning circles `(slug, name, themes)`: work in progress on the agenda, like
    /// development tracks.
    circles: Vec<(String, String, String)>,
}

pub(super) fn rows(analysis: &Analysis) -> Vec<Row> {
    analysis
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

async fn learning_agenda_page(State(state): State<AppState>) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let analysis = snapshot.analysis(state.catalog.clock().today());
    let rows = rows(&analysis);
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
    let summary = summary(&snapshot, &analysis);
    let mut quarters: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for q in snapshot.demand.iter() {
        *quarters
            .entry((q.question.datum.year(), q.question.datum.month0() / 3 + 1))
            .or_insert(0) += 1;
    }
    let quarter_chart = quarter_chart(&quarters);
    let last = state.catalog.store().snapshot_list().await?;
    let today = state.catalog.clock().today();
    let round = state
        .catalog
        .store()
        .rounds()
        .await?
        .into_iter()
        .find(|x| x.round.is_open(today))
        .map(|x| (x.round.label, dutch_date(x.round.ends_on)));
    Ok(render_status(
        StatusCode::OK,
        AgendaPage {
            l: Layout::new(
                "Leeragenda",
                "Wat er gevraagd en aangeboden wordt, per thema en doelgroep.",
                "/leeragenda",
            )
            .updated_on(super::view::last_change(&snapshot, true)),
            rows,
            groups,
            bars,
            heat,
            summary,
            quarters: quarters
                .into_iter()
                .map(|((y, q), n)| (format!("{y} kwartaal {q}"), n))
                .collect(),
            quarter_chart,
            total_demand,
            total_supply,
            stand: dutch_date(analysis.datum),
            last: last_snapshot(&last),
            round,
            circles: state
                .catalog
                .store()
                .active_circles()
                .await?
                .iter()
                .map(|c| {
                    let themes = c
                        .themas
                        .iter()
                        .map(|t| {
                            super::view::label(
                                &snapshot,
                                crate::domain::taxonomy::Vocabulary::Theme,
                                t,
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ");
                    (c.slug.clone(), c.titel.clone(), themes)
                })
                .collect(),
        },
    ))
}

/// The link to the latest peiling `(href, "6 december 2026")`, if there is one.
pub(super) fn last_snapshot(list: &[crate::store::SnapshotEntry]) -> Option<(String, String)> {
    list.first().map(|e| {
        (
            format!("/leeragenda/peilingen/{}", e.datum),
            dutch_date(e.datum),
        )
    })
}

/// The summary of the learning agenda in plain Dutch.
pub(crate) fn summary(snapshot: &Snapshot, analysis: &Analysis) -> String {
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
    format!(
        "Er zijn {total_demand} leervragen en {total_supply} keer leeraanbod. De meeste vragen gaan over {}. {} {}",
        most.join(", "),
        if gap_labels.is_empty() {
            "Op dit moment is geen thema een lacune.".to_string()
        } else {
            format!("De grootste lacunes zijn: {}.", gap_labels.join(", "))
        },
        unchecked_note(snapshot)
    )
    .trim_end()
    .to_string()
}

/// How many questions count with themes the engine gave and no coordinator has looked at yet
/// (new questions asked on the site, mostly), as a sentence; empty when none.
pub(super) fn unchecked_note(snapshot: &Snapshot) -> String {
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
const AGENDA_CSV_COLUMNS: [&str; 19] = [
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
    "mogelijk",
];

/// The agenda figures as CSV (one row per theme and target group, plus a total per theme).
pub fn agenda_csv_text(themes: &[ThemeFigures], datum: NaiveDate, excel: bool) -> String {
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
    for f in themes {
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
            datum.to_string(),
            f.mogelijk.to_string(),
        ]);
        for g in &f.per_doelgroep {
            let mut row = vec![
                cell(&f.thema),
                cell(&f.label),
                cell(&g.doelgroep),
                g.vraag.to_string(),
                g.aanbod.to_string(),
            ];
            row.resize(AGENDA_CSV_COLUMNS.len() - 8, String::new());
            let c = &g.beoordeling;
            row.extend([
                if c.label == Label::Gap { "ja" } else { "nee" }.to_string(),
                num(c.score),
                c.label.text().to_string(),
                num(c.score_laag),
                num(c.score_hoog),
                String::new(),
                datum.to_string(),
                String::new(),
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

/// A CSV download named `filename` (the whole `Content-Disposition` value).
pub(super) fn csv_response(body: String, filename: String) -> Response {
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
    agenda_download(&state, false)
}

/// The same figures for Excel with Dutch settings: semicolons, decimal commas and a byte order
/// mark.
async fn agenda_csv_excel(State(state): State<AppState>) -> Response {
    agenda_download(&state, true)
}

/// Today's learning agenda as a CSV download, for Excel with Dutch settings when `excel`.
fn agenda_download(state: &AppState, excel: bool) -> Response {
    let analysis = state
        .catalog
        .snapshot()
        .analysis(state.catalog.clock().today());
    let date = analysis.datum;
    let name = if excel {
        "leeragenda-excel"
    } else {
        "leeragenda"
    };
    csv_response(
        agenda_csv_text(&analysis.themes, date, excel),
        format!("attachment; filename=\"{name}-{date}.csv\""),
    )
}

/// The column chart of "Leervragen door de tijd": the questions per quarter (year, quarter),
/// labelled `K3 2026`, with a description that names the span and the busiest quarter.
fn quarter_chart(quarters: &BTreeMap<(i32, u32), usize>) -> String {
    let rows: Vec<(String, usize)> = quarters
        .iter()
        .map(|((y, q), n)| (format!("K{q} {y}"), *n))
        .collect();
    let words = |(y, q): (i32, u32)| format!("kwartaal {q} van {y}");
    let desc = match (quarters.keys().next(), quarters.keys().last()) {
        (Some(first), Some(last)) => {
            let (peak, most) =
                quarters.iter().fold(
                    ((0, 0), 0),
                    |best, (k, n)| if *n > best.1 { (*k, *n) } else { best },
                );
            format!(
                "Staafdiagram: het aantal leervragen per kwartaal, van {} tot en met {}. De meeste leervragen kwamen in {} ({most}). De tabel eronder geeft dezelfde cijfers.",
                words(*first),
                words(*last),
                words(peak)
            )
        }
        _ => "Staafdiagram: er zijn nog geen leervragen.".into(),
    };
    super::charts::columns("per-kwartaal", "Leervragen per kwartaal", &desc, &rows)
}
