//! Development tracks in the back office: a coordinator starts a track for a gap and keeps its
//! status, partners and resulting offerings up to date.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::domain::track::{Track, TrackInput, TrackStatus};
use crate::http::form_fields::{first, pairs};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security::Area;
use crate::store::StoreError;

use super::{see_other, BLayout, Opened, Record, Staff};

/// The track routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/trajecten", get(list))
        .route("/beheer/trajecten/nieuw", get(new).post(create))
        .route("/beheer/trajecten/{id}", get(edit).post(save))
}

#[derive(Template)]
#[template(path = "beheer/trajecten.html")]
struct ListPage {
    l: BLayout,
    tracks: Vec<Track>,
    gaps: Vec<(String, String)>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Trajecten)?;
    let tracks = state.catalog.store().tracks().await?;
    let snapshot = state.catalog.snapshot();
    let gaps = snapshot
        .analysis(state.catalog.clock().today())
        .gaps
        .iter()
        .map(|g| {
            (
                g.thema.clone(),
                crate::http::pages::view::label(
                    &snapshot,
                    crate::domain::taxonomy::Vocabulary::Theme,
                    &g.thema,
                ),
            )
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: BLayout::new("Ontwikkeltrajecten", "/beheer/trajecten", &staff),
            tracks,
            gaps,
        },
    ))
}

/// A suggested partnership and, on a new track, the link that fills the form in with it.
type Suggestion = (crate::domain::gaps::Partnership, Option<String>);

/// The link to a new track for `theme` with the first provider of `p` as lead and the others as
/// partners.
fn fill_in_link(theme: &str, p: &crate::domain::gaps::Partnership) -> Option<String> {
    let (lead, rest) = p.aanbieders.split_first()?;
    let query = serde_urlencoded::to_string([
        ("thema", theme),
        ("trekker", lead.as_str()),
        ("partners", rest.join("\n").as_str()),
    ])
    .ok()?;
    Some(format!("/beheer/trajecten/nieuw?{query}"))
}

#[derive(Template)]
#[template(path = "beheer/traject.html")]
struct FormPage {
    l: BLayout,
    id: Option<i64>,
    t: TrackInput,
    errors: HashMap<String, String>,
    /// Errors in form order `(field, message)` for the summary.
    error_list: Vec<(String, String)>,
    themes: Vec<(String, String, bool)>,
    groups: Vec<(String, String)>,
    statuses: &'static [TrackStatus],
    /// Suggested partnerships per chosen theme `(theme label, [(partnership, link that fills in
    /// a new track with it)])`; the link only on a new track.
    suggestions: Vec<(String, Vec<Suggestion>)>,
    /// The offerings chosen as its result `(id, title)` (an unknown id with itself as title).
    chosen: Vec<(String, String)>,
    /// The search by title, and the offerings it found that are not chosen yet.
    zoek: String,
    found: Vec<(String, String)>,
    /// Just saved: the confirmation is shown.
    saved: bool,
    status: StatusCode,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
    fn has_group(&self, slug: &str) -> bool {
        self.t.doelgroepen.iter().any(|g| g == slug)
    }
}

fn render_page(page: FormPage) -> Response {
    render_status(page.status, page)
}

fn form(
    state: &AppState,
    staff: &Staff,
    id: Option<i64>,
    t: TrackInput,
    errors: HashMap<String, String>,
) -> FormPage {
    let snapshot = state.catalog.snapshot();
    let gap_themes: Vec<String> = snapshot
        .analysis(state.catalog.clock().today())
        .gaps
        .iter()
        .map(|g| g.thema.clone())
        .collect();
    let all: Vec<&crate::domain::offering::Offering> =
        snapshot.offerings.iter().map(|s| &s.offering).collect();
    let suggestions = t
        .themas
        .iter()
        .filter_map(|theme| {
            let label = snapshot
                .taxonomy
                .themas
                .iter()
                .find(|x| &x.slug == theme)?
                .label
                .clone();
            let list = crate::domain::gaps::partnerships(theme, &all, &snapshot.taxonomy, 5)
                .into_iter()
                .map(|p| {
                    let link = if id.is_none() {
                        fill_in_link(theme, &p)
                    } else {
                        None
                    };
                    (p, link)
                })
                .collect();
            Some((label, list))
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = match (id.is_some(), errors.is_empty()) {
        (true, true) => "Ontwikkeltraject bewerken",
        (false, true) => "Nieuw ontwikkeltraject",
        _ => "Fout: ontwikkeltraject",
    };
    let chosen = t
        .aanbod
        .split([',', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|o| {
            let titel = snapshot
                .get(o)
                .map_or_else(|| o.to_string(), |x| x.titel.clone());
            (o.to_string(), titel)
        })
        .collect();
    {
        FormPage {
            chosen,
            zoek: String::new(),
            found: Vec::new(),
            saved: false,
            status,
            l: BLayout::new(title, "/beheer/trajecten/detail", staff),
            id,
            themes: snapshot
                .taxonomy
                .themas
                .iter()
                .map(|x| {
                    (
                        x.slug.clone(),
                        x.label.clone(),
                        gap_themes.contains(&x.slug),
                    )
                })
                .collect(),
            groups: crate::http::pages::view::options(&snapshot.taxonomy.doelgroepen),
            t,
            error_list: [
                "titel",
                "doel",
                "themas",
                "trekker",
                "doelgroepen",
                "status",
                "aanbod",
            ]
            .iter()
            .filter_map(|f| errors.get(*f).map(|m| ((*f).to_string(), m.clone())))
            .collect(),
            errors,
            statuses: TrackStatus::ALL,
            suggestions,
        }
    }
}

fn input(body: &[u8]) -> TrackInput {
    let p = pairs(body);
    let all = |k: &str| -> Vec<String> {
        p.iter()
            .filter(|(key, v)| key == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    };
    TrackInput {
        titel: first(&p, "titel"),
        doel: first(&p, "doel"),
        themas: all("themas"),
        trekker: first(&p, "trekker"),
        partners: first(&p, "partners"),
        doelgroepen: all("doelgroepen"),
        status: first(&p, "status"),
        planning: first(&p, "planning"),
        // One checkbox per chosen offering (an older form sent the ids in one text).
        aanbod: all("aanbod").join(", "),
    }
}

/// The query of the track form: the notice after saving, and the search for offerings.
#[derive(serde::Deserialize, Default)]
struct FormQuery {
    #[serde(default)]
    melding: String,
    #[serde(default)]
    zoek: String,
}

/// Offerings whose title contains `zoek` (any case), at most [`FOUND_MAX`], by title.
fn offerings_titled(snapshot: &crate::catalog::Snapshot, zoek: &str) -> Vec<(String, String)> {
    let wanted = zoek.trim().to_lowercase();
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<(String, String)> = snapshot
        .offerings
        .iter()
        .filter(|s| s.offering.titel.to_lowercase().contains(&wanted))
        .map(|s| (s.offering.id.clone(), s.offering.titel.clone()))
        .collect();
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found.truncate(FOUND_MAX);
    found
}

/// Offerings listed for one search.
const FOUND_MAX: usize = 25;

#[derive(serde::Deserialize, Default)]
struct NewQuery {
    #[serde(default)]
    thema: String,
    /// A suggested lead, to fill in.
    #[serde(default)]
    trekker: String,
    /// Suggested partners, one per line, to fill in.
    #[serde(default)]
    partners: String,
    /// A search for offerings by title.
    #[serde(default)]
    zoek: String,
}

async fn new(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Trajecten)?;
    let known = state
        .catalog
        .snapshot()
        .taxonomy
        .themas
        .iter()
        .any(|x| x.slug == q.thema);
    let t = TrackInput {
        status: TrackStatus::Verkenning.as_str().into(),
        themas: if known { vec![q.thema] } else { Vec::new() },
        trekker: q.trekker.trim().to_string(),
        partners: q.partners.trim().to_string(),
        ..TrackInput::default()
    };
    let mut page = form(&state, &staff, None, t, HashMap::new());
    page.found = offerings_titled(&state.catalog.snapshot(), &q.zoek);
    page.zoek = q.zoek.trim().to_string();
    Ok(render_page(page))
}

async fn store_track(
    state: &AppState,
    staff: &Staff,
    id: Option<i64>,
    body: &[u8],
) -> Result<Response, PageError> {
    let t = input(body);
    let snapshot = state.catalog.snapshot();
    match t.parse(id.unwrap_or(0), &snapshot.taxonomy, |o| {
        snapshot.get(o).is_some()
    }) {
        Ok(track) => {
            let id = state
                .catalog
                .store()
                .save_track(&track, staff.actor())
                .await?;
            super::show_committed(state, Some(&[])).await;
            Ok(see_other(&format!(
                "/beheer/trajecten/{id}?melding=opgeslagen"
            )))
        }
        Err(errors) => {
            let errors = errors.into_iter().map(|e| (e.field, e.reason)).collect();
            Ok(render_page(form(state, staff, id, t, errors)))
        }
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Trajecten)?;
    store_track(&state, &staff, None, &body).await
}

impl Record for Track {
    const AREA: Area = Area::Trajecten;

    async fn load(state: &AppState, id: i64) -> Result<Option<Track>, StoreError> {
        state.catalog.store().track(id).await
    }
}

async fn edit(
    State(state): State<AppState>,
    Opened(staff, t): Opened<Track>,
    Query(q): Query<FormQuery>,
) -> Result<Response, PageError> {
    let mut page = form(
        &state,
        &staff,
        Some(t.id),
        TrackInput::of(&t),
        HashMap::new(),
    );
    page.zoek = q.zoek.trim().to_string();
    page.found = offerings_titled(&state.catalog.snapshot(), &q.zoek)
        .into_iter()
        .filter(|(o, _)| !page.chosen.iter().any(|(c, _)| c == o))
        .collect();
    page.saved = q.melding == "opgeslagen";
    Ok(render_page(page))
}

async fn save(
    State(state): State<AppState>,
    Opened(staff, t): Opened<Track>,
    body: Bytes,
) -> Result<Response, PageError> {
    store_track(&state, &staff, Some(t.id), &body).await
}
