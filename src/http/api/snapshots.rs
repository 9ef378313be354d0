//! Peilingen in the API: the list, one peiling (the same JSON as its download) and the
//! comparison of two.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{no_parameters, NoParameters};
use crate::catalog::params;
use crate::domain::gaps::compare::Change;
use crate::domain::gaps::snapshot::{develop, Development, Snapshot};
use crate::http::error::{ApiError, InvalidParam, Problem};
use crate::http::pages::snapshots::{count, pair_of, parse_date, PairError};
use crate::http::AppState;

/// A published peiling in the list.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotItem {
    /// The date the figures hold for.
    #[schema(value_type = String, format = Date, example = "2026-12-06")]
    pub datum: chrono::NaiveDate,
    /// The version of the method.
    pub methode: String,
    /// When it was published (RFC 3339).
    pub gepubliceerd: String,
    /// The citable page.
    pub pagina: String,
    /// The JSON download.
    pub json: String,
    /// The CSV download.
    pub csv: String,
}

/// Every peiling.
#[derive(Serialize, ToSchema)]
pub struct SnapshotsResponse {
    /// Every peiling, newest first.
    pub peilingen: Vec<SnapshotItem>,
}

/// The published peilingen.
#[utoipa::path(
    get,
    path = "/peilingen",
    summary = "Peilingen: de leeragenda en lacunes vastgelegd op een datum",
    description = "Alle peilingen, de nieuwste eerst, met de methode, het moment van publiceren en de adressen van de pagina en de downloads. Een peiling verandert niet meer.",
    responses(
        (status = 200, description = "De peilingen", body = SnapshotsResponse),
        NoParameters,
    ),
    tag = "leeragenda"
)]
pub(super) async fn snapshots(
    State(state): State<AppState>,
    _: NoParameters,
) -> Result<Json<SnapshotsResponse>, ApiError> {
    let list = state.catalog.store().snapshot_list().await?;
    Ok(Json(SnapshotsResponse {
        peilingen: list
            .into_iter()
            .map(|e| {
                let page = format!("/leeragenda/peilingen/{}", e.datum);
                SnapshotItem {
                    datum: e.datum,
                    methode: e.methode,
                    gepubliceerd: e.published_at,
                    json: format!("{page}.json"),
                    csv: format!("{page}.csv"),
                    pagina: page,
                }
            })
            .collect(),
    }))
}

/// One peiling.
#[utoipa::path(
    get,
    path = "/peilingen/{datum}",
    summary = "Eén peiling",
    description = "De peiling van een datum: de samenvatting, de drempels, de cijfers per thema en doelgroep (`themas`), de lacunes met uitleg, de lacunes per doelgroep, de vraagstukken en de ontwikkeltrajecten van dat moment.",
    params(("datum" = String, Path, format = Date, description = "Datum van de peiling, JJJJ-MM-DD")),
    responses(
        (status = 200, description = "De peiling", body = Object),
        (status = 400, description = "Geen datum als 2026-12-06, of er staat een parameter bij", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen peiling op die datum", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "leeragenda"
)]
pub(super) async fn snapshot(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Snapshot>, ApiError> {
    let bad_date = || {
        ApiError::BadPath(vec![InvalidParam::new(
            "datum",
            "geen datum als 2026-12-06",
        )])
    };
    let Ok(Path(datum)) = path else {
        return Err(bad_date());
    };
    let Some(datum) = parse_date(&datum) else {
        return Err(bad_date());
    };
    no_parameters(raw.as_deref())?;
    state
        .catalog
        .store()
        .snapshot_at(datum)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("Er is geen peiling van {datum}.")))
}

/// Two peilingen compared.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComparisonResponse {
    /// The earlier peiling.
    #[schema(value_type = String, format = Date, example = "2026-12-06")]
    pub van: chrono::NaiveDate,
    /// The later peiling.
    #[schema(value_type = String, format = Date, example = "2027-03-06")]
    pub tot: chrono::NaiveDate,
    /// Both were computed with the same method.
    pub zelfde_methode: bool,
    /// Themes (as a whole) whose gap closed.
    pub gesloten: usize,
    /// Themes whose gap opened.
    pub geopend: usize,
    /// Themes that stayed a gap.
    pub gebleven: usize,
    /// Per theme (`doelgroep` null) and per theme and target group: `vraagToen`, `vraagNu`,
    /// `aanbodToen`, `aanbodNu`, `tekortToen`, `tekortNu`, `oordeelToen`, `oordeelNu`,
    /// `verandering` (`gesloten`, `geopend`, `gebleven`, `geen lacune`) and the development
    /// tracks on the theme (`trajecten`).
    #[schema(value_type = Vec<Object>)]
    pub vergelijking: Vec<Development>,
}

/// Two peilingen compared.
#[utoipa::path(
    get,
    path = "/peilingen/vergelijking",
    summary = "Twee peilingen vergeleken",
    description = "Per thema en per thema en doelgroep de vraag en het aanbod in twee peilingen, en of een lacune gesloten, geopend of gebleven is, met de ontwikkeltrajecten die eraan werkten. De oudste van de twee datums is 'toen'.",
    params(
        ("van" = String, Query, format = Date, description = "Datum van de ene peiling, JJJJ-MM-DD"),
        ("tot" = String, Query, format = Date, description = "Datum van de andere peiling, JJJJ-MM-DD"),
    ),
    responses(
        (status = 200, description = "De vergelijking", body = ComparisonResponse),
        (status = 400, description = "'van' of 'tot' ontbreekt of is geen datum, of er staat een onbekende parameter bij", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Geen peiling op een van de datums", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "leeragenda"
)]
pub(super) async fn comparison(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<ComparisonResponse>, ApiError> {
    let pairs = params::pairs(raw.as_deref());
    let unknown: Vec<InvalidParam> = pairs
        .iter()
        .filter(|(k, _)| k != "van" && k != "tot")
        .map(|(k, _)| InvalidParam::new(k.clone(), "onbekende parameter"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::BadRequest(unknown));
    }
    let value = |name: &str| params::first_value(&pairs, name);
    let (then, now) = match pair_of(&state, &value("van"), &value("tot")).await? {
        Ok(p) => p,
        Err(PairError::BadDate(names)) => {
            return Err(ApiError::BadRequest(
                names
                    .into_iter()
                    .map(|n| InvalidParam::new(n, "ontbreekt of is geen datum als 2026-12-06"))
                    .collect(),
            ))
        }
        Err(e) => return Err(ApiError::NotFound(e.message())),
    };
    let d = develop(&then, &now);
    Ok(Json(ComparisonResponse {
        van: then.datum,
        tot: now.datum,
        zelfde_methode: then.methode == now.methode,
        gesloten: count(&d, Change::Closed),
        geopend: count(&d, Change::Opened),
        gebleven: count(&d, Change::Stayed),
        vergelijking: d,
    }))
}
