//! The learning agenda in the API: demand next to supply, the gaps and the development tracks.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::NoParameters;
use crate::domain::matching::Fit;
use crate::http::error::ApiError;
use crate::http::AppState;

/// The learning agenda: demand next to supply per theme and per theme × target group.
#[derive(Serialize, ToSchema)]
pub struct AgendaResponse {
    /// Number of learning questions.
    pub leervragen: usize,
    /// Number of offerings.
    pub leeraanbod: usize,
    /// Questions not yet matched by the engine (their `passend` is still unknown).
    #[serde(rename = "nogTeKoppelen")]
    pub nog_te_koppelen: usize,
    /// Questions for which the engine found related offerings without being sure they answer
    /// them (`fit` = `mogelijk`): neither answered nor unanswered in the figures, and counted
    /// per theme in `mogelijk`.
    pub mogelijk: usize,
    /// The date the figures hold for (the supply usable on that day).
    #[serde(rename = "standPer")]
    #[schema(value_type = String, format = Date, example = "2026-12-06")]
    pub stand_per: chrono::NaiveDate,
    /// Figures per theme, each with `oordeel` (`lacune`, `bijna lacune`, `geen lacune`) and
    /// per target group in `per_doelgroep`.
    #[schema(value_type = Vec<Object>)]
    pub themas: Vec<crate::domain::gaps::ThemeFigures>,
}

/// The learning agenda.
#[utoipa::path(
    get,
    path = "/leeragenda",
    summary = "De leeragenda: vraag en aanbod per thema en doelgroep",
    description = "Per thema, en per thema en doelgroep, het aantal leervragen naast het aantal keer leeraanbod.",
    responses(
        (status = 200, description = "De leeragenda", body = AgendaResponse),
        NoParameters,
    ),
    tag = "leeragenda"
)]
pub(super) async fn learning_agenda(
    State(state): State<AppState>,
    _: NoParameters,
) -> Result<Json<AgendaResponse>, ApiError> {
    let snapshot = state.catalog.snapshot();
    let analysis = snapshot.analysis(state.catalog.clock().today());
    Ok(Json(AgendaResponse {
        leervragen: snapshot.demand.len(),
        leeraanbod: snapshot.offerings.len(),
        nog_te_koppelen: snapshot
            .demand
            .iter()
            .filter(|q| q.passend.is_none())
            .count(),
        mogelijk: snapshot
            .demand
            .iter()
            .filter(|q| {
                q.fit == Some(Fit::Mogelijk)
                    && q.status != crate::domain::status::QuestionStatus::Lacune
            })
            .count(),
        stand_per: analysis.datum,
        themas: analysis.themes.clone(),
    }))
}

/// The gaps, best first.
#[derive(Serialize, ToSchema)]
pub struct GapsResponse {
    /// Every theme labelled `lacune`, best first, with `thema`, `score` (the shortfall in
    /// offerings, also `tekort`), its interval `tekortLaag`–`tekortHoog`, `oordeel`, `uitleg`,
    /// `watVerandert` and the figures, per target group in `per_doelgroep`.
    #[schema(value_type = Vec<Object>)]
    pub lacunes: Vec<crate::domain::gaps::Gap>,
    /// Every (theme, target group) labelled `lacune`, best first: `thema`, `doelgroep`, `vraag`,
    /// `aanbod`, `tekort`, `tekortLaag`, `tekortHoog`, `oordeel`, `watVerandert`.
    #[serde(rename = "lacunesPerDoelgroep")]
    #[schema(value_type = Vec<Object>)]
    pub lacunes_per_doelgroep: Vec<crate::domain::gaps::GroupGap>,
    /// The date the figures hold for (the supply usable on that day).
    #[serde(rename = "standPer")]
    #[schema(value_type = String, format = Date, example = "2026-12-06")]
    pub stand_per: chrono::NaiveDate,
    /// The thresholds in force.
    #[schema(value_type = Object)]
    pub drempels: crate::domain::gaps::Thresholds,
}

/// The gap analysis.
#[utoipa::path(
    get,
    path = "/lacunes",
    summary = "De lacunes, met cijfers en uitleg",
    description = "Elk thema dat een lacune is (meer vraag dan het bruikbare aanbod aankan), de grootste eerst, met het tekort en de onzekerheid ervan, het oordeel, een uitleg en wat het oordeel zou veranderen; daarnaast de lacunes per thema en doelgroep, de datum waarop de cijfers gelden en de drempels.",
    responses(
        (status = 200, description = "De lacunes en de drempels", body = GapsResponse),
        NoParameters,
    ),
    tag = "leeragenda"
)]
pub(super) async fn lacunes(
    State(state): State<AppState>,
    _: NoParameters,
) -> Result<Json<GapsResponse>, ApiError> {
    let analysis = state
        .catalog
        .snapshot()
        .analysis(state.catalog.clock().today());
    Ok(Json(GapsResponse {
        lacunes: analysis.gaps.clone(),
        lacunes_per_doelgroep: analysis.group_gaps.clone(),
        stand_per: analysis.datum,
        drempels: analysis.thresholds,
    }))
}

/// Development tracks.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TracksResponse {
    /// Every development track, newest first.
    pub ontwikkeltrajecten: Vec<crate::domain::track::Track>,
}

/// Development tracks: what is being developed for the gaps, by whom and when.
#[utoipa::path(
    get,
    path = "/ontwikkeltrajecten",
    summary = "Ontwikkeltrajecten: wat er voor de lacunes wordt ontwikkeld",
    description = "Alle ontwikkeltrajecten, de nieuwste eerst: wat er voor welke lacune wordt ontwikkeld, door wie en wanneer.",
    responses(
        (status = 200, description = "De ontwikkeltrajecten", body = TracksResponse),
        NoParameters,
    ),
    tag = "leeragenda"
)]
pub(super) async fn tracks(
    State(state): State<AppState>,
    _: NoParameters,
) -> Result<Json<TracksResponse>, ApiError> {
    let t = state.catalog.store().tracks().await?;
    Ok(Json(TracksResponse {
        ontwikkeltrajecten: t,
    }))
}
