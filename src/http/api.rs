//! The JSON API under `/api/v1` (Dutch REST API Design Rules): catalogue search with
//! disjunctive facets, offering, themes and providers, and the OpenAPI document.

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::domain::matching::MatchQuery;
use crate::domain::offering::Offering;
use crate::domain::taxonomy::{Term, Topic, Vocabulary};

use super::error::{
    method_not_allowed_problem, not_found_problem, ApiError, InvalidParam, Problem,
};
use super::extract::ApiJson;
use super::params;
use super::AppState;

/// The API's semantic version, sent in the `API-Version` header.
pub const API_VERSION: &str = "1.0.0";

/// The routes under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/aanbod", get(search))
        .route("/api/v1/aanbod/{id}", get(offering))
        .route("/api/v1/themas", get(themes))
        .route("/api/v1/aanbieders", get(providers))
        .route("/api/v1/matches", axum::routing::post(matches))
        .route("/api/v1/leeragenda", get(learning_agenda))
        .route("/api/v1/lacunes", get(lacunes))
        .route("/api/v1/ontwikkeltrajecten", get(tracks))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1", get(openapi))
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async { not_found_problem() }),
        )
        .method_not_allowed_fallback(
            |method: Method| async move { method_not_allowed_problem(&method) },
        )
        .layer(middleware::from_fn(api_version))
}

async fn api_version(req: axum::extract::Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        HeaderName::from_static("api-version"),
        HeaderValue::from_static(API_VERSION),
    );
    res
}

/// A page of catalogue results.
#[derive(Serialize, ToSchema)]
pub struct SearchResponse {
    /// Number of offerings matching all filters.
    pub totaal: usize,
    /// Page number.
    pub pagina: usize,
    /// Page size.
    #[serde(rename = "paginaGrootte")]
    pub pagina_grootte: usize,
    /// The offerings on this page.
    pub resultaten: Vec<Offering>,
    /// Per facet (`thema`, `doelgroep`, `sector`, `vorm`, `aanbieder`, `locatie`, `regio`) the
    /// number of results each value would give, counted with the other facets' filters.
    #[schema(value_type = Object)]
    pub facetten: BTreeMap<&'static str, BTreeMap<String, usize>>,
}

/// Search the catalogue.
#[utoipa::path(
    get,
    path = "/api/v1/aanbod",
    summary = "Zoek in het leeraanbod",
    description = "Zoekt en filtert het leeraanbod; per facet staat hoeveel resultaten elke waarde zou geven.",
    params(
        ("q" = Option<String>, Query, description = "Zoektekst"),
        ("thema" = Option<Vec<String>>, Query, description = "Thema-slug; herhaalbaar (OF)"),
        ("doelgroep" = Option<Vec<String>>, Query, description = "Doelgroep-slug; herhaalbaar"),
        ("sector" = Option<Vec<String>>, Query, description = "Sector-slug; herhaalbaar"),
        ("vorm" = Option<Vec<String>>, Query, description = "Leervorm-slug; herhaalbaar"),
        ("aanbieder" = Option<Vec<String>>, Query, description = "Aanbieder-slug; herhaalbaar"),
        ("locatie" = Option<Vec<String>>, Query, description = "online, fysiek of hybride; herhaalbaar"),
        ("regio" = Option<Vec<String>>, Query, description = "Regio; herhaalbaar"),
        ("gratis" = Option<bool>, Query, description = "Alleen gratis (true) of betaald (false) aanbod"),
        ("domeinoverstijgend" = Option<bool>, Query, description = "true: alleen aanbod voor twee of meer sectoren; false of weglaten: geen filter"),
        ("vanaf" = Option<String>, Query, description = "Alleen aanbod dat op of na deze datum (JJJJ-MM-DD of 'vandaag') te volgen is"),
        ("sort" = Option<String>, Query, description = "relevantie, datum of titel"),
        ("page" = Option<usize>, Query, minimum = 1, description = "Paginanummer, vanaf 1"),
        ("pageSize" = Option<usize>, Query, minimum = 1, maximum = 100, description = "Resultaten per pagina, 1 tot en met 100"),
    ),
    responses(
        (status = 200, description = "Resultaten met facetten", body = SearchResponse),
        (status = 400, description = "Ongeldige parameter", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "aanbod"
)]
async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let snapshot = state.catalog.snapshot();
    let pairs = params::pairs(raw.as_deref());
    let today = crate::domain::clock::dutch_date(chrono::Utc::now());
    let query = params::parse(&pairs, &snapshot, today, &[]).map_err(ApiError::BadRequest)?;
    // Search and facet counting are CPU work: off the async workers.
    let catalog = state.catalog.clone();
    let response =
        tokio::task::spawn_blocking(move || search_response(&catalog, &snapshot, &query))
            .await
            .map_err(|e| ApiError::Internal(e.into()))??;
    Ok(Json(response))
}

fn search_response(
    catalog: &crate::catalog::Catalog,
    snapshot: &crate::catalog::Snapshot,
    query: &params::CatalogQuery,
) -> Result<SearchResponse, ApiError> {
    let page = catalog.search(
        snapshot,
        &query.q,
        &query.filters,
        query.sort,
        query.page,
        query.page_size,
    )?;
    Ok(SearchResponse {
        totaal: page.total,
        pagina: query.page,
        pagina_grootte: query.page_size,
        resultaten: page.items.iter().map(|(o, _)| (*o).clone()).collect(),
        facetten: page
            .facets
            .into_iter()
            .map(|(f, counts)| (f.key(), counts))
            .chain(std::iter::once((
                "domeinoverstijgend",
                BTreeMap::from([("true".to_string(), page.cross_domain)]),
            )))
            .collect(),
    })
}

/// One offering.
#[utoipa::path(
    get,
    path = "/api/v1/aanbod/{id}",
    summary = "Eén keer leeraanbod",
    params(("id" = String, Path, description = "Id van het aanbod")),
    responses(
        (status = 200, description = "Het aanbod", body = Offering),
        (status = 404, description = "Onbekend id", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "aanbod"
)]
async fn offering(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Offering>, ApiError> {
    let snapshot = state.catalog.snapshot();
    snapshot
        .get(&id)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("Er is geen aanbod met id '{id}'.")))
}

/// A theme with its offering count and topic.
#[derive(Serialize, ToSchema)]
pub struct ThemeResponse {
    /// Slug.
    pub slug: String,
    /// Label.
    pub label: String,
    /// Description.
    pub description: String,
    /// Number of offerings.
    pub aantal: usize,
    /// The topic (vraagstuk) this theme belongs to.
    pub vraagstuk: Option<Topic>,
}

/// All themes.
#[utoipa::path(get, path = "/api/v1/themas", summary = "Alle thema's", responses((status = 200, body = Vec<ThemeResponse>)), tag = "taxonomie")]
async fn themes(State(state): State<AppState>) -> Json<Vec<ThemeResponse>> {
    let snapshot = state.catalog.snapshot();
    Json(
        snapshot
            .taxonomy
            .themas
            .iter()
            .map(|t: &Term| ThemeResponse {
                slug: t.slug.clone(),
                label: t.label.clone(),
                description: t.description.clone(),
                aantal: snapshot
                    .offerings
                    .iter()
                    .filter(|s| s.offering.themas.contains(&t.slug))
                    .count(),
                vraagstuk: snapshot.taxonomy.topic_for_theme(&t.slug).cloned(),
            })
            .collect(),
    )
}

/// A provider.
#[derive(Serialize, ToSchema)]
pub struct ProviderResponse {
    /// URL slug (the value of the `aanbieder` filter).
    pub slug: String,
    /// Name.
    pub naam: String,
    /// Number of offerings.
    pub aantal: usize,
}

/// All providers.
#[utoipa::path(get, path = "/api/v1/aanbieders", summary = "Alle aanbieders", responses((status = 200, body = Vec<ProviderResponse>)), tag = "aanbod")]
async fn providers(State(state): State<AppState>) -> Json<Vec<ProviderResponse>> {
    let snapshot = state.catalog.snapshot();
    Json(
        snapshot
            .providers
            .iter()
            .map(|p| ProviderResponse {
                slug: p.slug.clone(),
                naam: p.name.clone(),
                aantal: p.offerings,
            })
            .collect(),
    )
}

/// A learning question to match.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// The question in the asker's own words.
    pub vraag: String,
    /// Target group slug of the asker.
    pub doelgroep: Option<String>,
    /// Sector slug of the asker.
    pub sector: Option<String>,
    /// Theme slugs, when known.
    pub themas: Option<Vec<String>>,
}

/// One matched offering with its reasons.
#[derive(Serialize, ToSchema)]
pub struct MatchResponseItem {
    /// Offering id.
    pub id: String,
    /// Offering title.
    pub titel: String,
    /// Score (comparable within one question).
    pub score: f64,
    /// Reasons in Dutch.
    pub waarom: Vec<String>,
}

/// The matches for a question.
#[derive(Serialize, ToSchema)]
pub struct MatchResponse {
    /// Whether a well-fitting offering was found.
    pub passend: bool,
    /// Top 10, best first.
    pub resultaten: Vec<MatchResponseItem>,
}

/// Match a learning question with the offerings.
#[utoipa::path(
    post,
    path = "/api/v1/matches",
    summary = "Koppel een leervraag aan het leeraanbod",
    description = "Geeft de tien best passende keer leeraanbod met score en redenen (waarom), en of er goed passend aanbod is (passend).",
    request_body = MatchRequest,
    responses(
        (status = 200, description = "Passend aanbod met uitleg", body = MatchResponse),
        (status = 400, description = "Ongeldige vraag: geen geldige JSON, een veld van het verkeerde type, een ontbrekend of onbekend veld, of een onbekende waarde", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "De body is groter dan 2 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "De body is niet als JSON verstuurd (Content-Type moet application/json zijn)", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "matching"
)]
async fn matches(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<MatchRequest>,
) -> Result<Json<MatchResponse>, ApiError> {
    let snapshot = state.catalog.snapshot();
    let mut invalid = Vec::new();
    let vraag = req.vraag.trim().to_string();
    if vraag.is_empty() {
        invalid.push(InvalidParam {
            name: "vraag".into(),
            reason: "de vraag is leeg".into(),
        });
    } else if vraag.chars().count() > 2000 {
        invalid.push(InvalidParam {
            name: "vraag".into(),
            reason: "de vraag is langer dan 2000 tekens".into(),
        });
    }
    let check = |name: &str, vocab: Vocabulary, v: &str, invalid: &mut Vec<InvalidParam>| {
        if snapshot.taxonomy.term(vocab, v).is_none() {
            invalid.push(InvalidParam {
                name: name.into(),
                reason: format!("onbekende waarde '{v}'"),
            });
        }
    };
    if let Some(d) = &req.doelgroep {
        check("doelgroep", Vocabulary::TargetGroup, d, &mut invalid);
    }
    if let Some(s) = &req.sector {
        check("sector", Vocabulary::Sector, s, &mut invalid);
    }
    for t in req.themas.iter().flatten() {
        check("themas", Vocabulary::Theme, t, &mut invalid);
    }
    if !invalid.is_empty() {
        return Err(ApiError::BadRequest(invalid));
    }
    let query = MatchQuery {
        vraag,
        doelgroep: req.doelgroep,
        sector: req.sector,
        themas: req.themas.unwrap_or_default(),
    };
    let catalog = state.catalog.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        catalog
            .matcher(crate::http::pages::today())
            .match_question(&query, 10)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Json(MatchResponse {
        passend: outcome.passend,
        resultaten: outcome
            .resultaten
            .into_iter()
            .map(|r| MatchResponseItem {
                id: r.id,
                titel: r.titel,
                score: r.score,
                waarom: r.waarom,
            })
            .collect(),
    }))
}

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
    /// Figures per theme.
    #[schema(value_type = Vec<Object>)]
    pub themas: Vec<crate::domain::gaps::ThemeFigures>,
}

/// The learning agenda.
#[utoipa::path(get, path = "/api/v1/leeragenda", summary = "De leeragenda: vraag en aanbod per thema en doelgroep", responses((status = 200, body = AgendaResponse)), tag = "leeragenda")]
async fn learning_agenda(State(state): State<AppState>) -> Json<AgendaResponse> {
    let snapshot = state.catalog.snapshot();
    Json(AgendaResponse {
        leervragen: snapshot.demand.len(),
        leeraanbod: snapshot.offerings.len(),
        nog_te_koppelen: snapshot
            .demand
            .iter()
            .filter(|q| q.passend.is_none())
            .count(),
        themas: snapshot.analysis().themes.clone(),
    })
}

/// The gaps, best first.
#[derive(Serialize, ToSchema)]
pub struct GapsResponse {
    /// Every theme that is a gap, best first, with `thema`, `score`, `uitleg` and the figures.
    #[schema(value_type = Vec<Object>)]
    pub lacunes: Vec<crate::domain::gaps::Gap>,
    /// The thresholds in force.
    #[schema(value_type = Object)]
    pub drempels: crate::domain::gaps::Thresholds,
}

/// The gap analysis.
#[utoipa::path(get, path = "/api/v1/lacunes", summary = "De lacunes, met cijfers en uitleg", responses((status = 200, body = GapsResponse)), tag = "leeragenda")]
async fn lacunes(State(state): State<AppState>) -> Json<GapsResponse> {
    let analysis = state.catalog.snapshot().analysis();
    Json(GapsResponse {
        lacunes: analysis.gaps.clone(),
        drempels: analysis.thresholds,
    })
}

/// Development tracks.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TracksResponse {
    /// Every development track, newest first.
    pub ontwikkeltrajecten: Vec<crate::domain::track::Track>,
}

/// Development tracks: what is being developed for the gaps, by whom and when.
#[utoipa::path(get, path = "/api/v1/ontwikkeltrajecten", summary = "Ontwikkeltrajecten: wat er voor de lacunes wordt ontwikkeld", responses((status = 200, body = TracksResponse)), tag = "leeragenda")]
async fn tracks(State(state): State<AppState>) -> Result<Json<TracksResponse>, ApiError> {
    let t = state
        .catalog
        .store()
        .tracks()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(Json(TracksResponse {
        ontwikkeltrajecten: t,
    }))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WijkWijzer Leernetwerk API",
        version = "1.0.0",
        description = "Open API van het leernetwerk leefbaarheid en veiligheid: leeraanbod, thema's en aanbieders.\n\nFouten komen als `application/problem+json` (RFC 9457) met een Nederlandse titel en uitleg: 400 voor ongeldige parameters of een body die geen geldige JSON is (of een veld van het verkeerde type heeft), 404 voor iets wat niet bestaat, 405 voor een methode die de route niet kent (de header `Allow` noemt de methoden die wel kunnen), 413 voor een body groter dan 2 MB en 415 voor een body die niet als JSON is verstuurd.",
        contact(name = "Coördinatiepunt WijkWijzer Leernetwerk", email = "api@wijkwijzer.example", url = "https://wijkwijzer.example/contact"),
        license(name = "EUPL-1.2")
    ),
    servers((url = "/", description = "Deze server")),
    paths(search, offering, themes, providers, matches, learning_agenda, lacunes, tracks),
    components(schemas(TracksResponse, crate::domain::track::Track, crate::domain::track::TrackStatus, SearchResponse, AgendaResponse, GapsResponse, MatchRequest, MatchResponse, MatchResponseItem, Offering, ThemeResponse, ProviderResponse, Problem, InvalidParam, Topic)),
)]
struct ApiDoc;

/// The OpenAPI document of this API.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

async fn openapi() -> impl IntoResponse {
    Json(openapi_document())
}
