//! The development tracks (`/ontwikkeltrajecten`): what is being developed for the gaps, by whom
//! and when.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::catalog::Snapshot;
use crate::domain::track::TrackStatus;
use crate::http::AppState;

use super::view::Layout;
use super::{render_status, PageError};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/ontwikkeltrajecten", get(tracks_page))
}

/// The stored development tracks; a store failure becomes the error page.
pub(super) async fn stored_tracks(
    state: &AppState,
) -> Result<Vec<crate::domain::track::Track>, PageError> {
    Ok(state.catalog.store().tracks().await?)
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

pub(super) fn track_view(snapshot: &Snapshot, t: &crate::domain::track::Track) -> TrackView {
    use crate::domain::taxonomy::Vocabulary;
    TrackView {
        titel: t.titel.clone(),
        doel: t.doel.clone(),
        status: t.status.label(),
        status_slug: t.status.as_str(),
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

async fn tracks_page(State(state): State<AppState>) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let tracks = stored_tracks(&state).await?;
    let groups = TrackStatus::ALL
        .iter()
        .map(|status| {
            (
                status.label(),
                tracks
                    .iter()
                    .filter(|t| t.status == *status)
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
