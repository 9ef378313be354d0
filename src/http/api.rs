//! The JSON API under `/api/v1` (Dutch REST API Design Rules): catalogue search with
//! disjunctive facets, offering, themes and providers, and the OpenAPI document.
//!
//! The document's paths are relative to its server `/api/v1` (absolute, from the base URL,
//! when served). It is exact: limits, formats and value lists (also the slugs of the
//! taxonomy, the providers and the regions, filled in when the document is served) are the
//! ones the handlers apply, and every refusal is a documented Dutch problem document.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::PathRejection;
use axum::extract::{ConnectInfo, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::openapi::header::Header;
use utoipa::openapi::{RefOr, Type};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::domain::matching::MatchQuery;
use crate::domain::offering::Offering;
use crate::domain::taxonomy::{Term, Topic, Vocabulary};

use super::error::{
    method_not_allowed_problem, not_found_problem, status_problem, ApiError, ErrorIn, ErrorItem,
    InvalidParam, Problem,
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
        .layer(middleware::from_fn(api_headers))
}

/// Every API response carries `API-Version`; the OpenAPI document may be read from any origin;
/// an error that reached here without a problem document (an extractor's plain-text
/// rejection) gets the Dutch one for its status.
async fn api_headers(req: axum::extract::Request, next: Next) -> Response {
    let document = matches!(req.uri().path(), "/api/v1/openapi.json" | "/api/v1");
    let mut res = next.run(req).await;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let allow = res.headers().get(header::ALLOW).cloned();
        let retry = res.headers().get(header::RETRY_AFTER).cloned();
        res = status_problem(status);
        for (name, value) in [(header::ALLOW, allow), (header::RETRY_AFTER, retry)] {
            if let Some(value) = value {
                res.headers_mut().insert(name, value);
            }
        }
    }
    res.headers_mut().insert(
        HeaderName::from_static("api-version"),
        HeaderValue::from_static(API_VERSION),
    );
    if document && status.is_success() {
        res.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    res
}

/// Refuses every non-empty query parameter of an operation that takes none (an empty value
/// counts as leaving the parameter out, as on `/aanbod`).
fn no_parameters(raw: Option<&str>) -> Result<(), ApiError> {
    let invalid: Vec<InvalidParam> = params::pairs(raw)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, _)| InvalidParam {
            name: k,
            reason: "onbekende parameter".into(),
        })
        .collect();
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(ApiError::BadRequest(invalid))
    }
}

/// The limit on `POST /api/v1/matches`: at most so many matches per client per `window`.
pub struct MatchLimit {
    /// Counts the matches per client key ([`rate_key`]).
    pub limiter: crate::security::RateLimiter,
    /// The window; a refused client is told to wait this long (`Retry-After`).
    pub window: std::time::Duration,
}

impl MatchLimit {
    /// At most `max` matches per client per `window`.
    pub fn new(max: usize, window: std::time::Duration) -> MatchLimit {
        MatchLimit {
            limiter: crate::security::RateLimiter::new(max, window),
            window,
        }
    }
}

/// The key of a client for the match limit: its IPv4 address, or the /64 network of its IPv6
/// address (one household or server usually has a whole /64).
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(
                u128::from(v6) & !((1u128 << 64) - 1),
            )),
        },
    }
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

/// A value of `locatie` (the document's list; the handler uses [`crate::domain::offering::Location`]).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LocatieParam {
    /// Online.
    Online,
    /// On location.
    Fysiek,
    /// Both.
    Hybride,
}

/// A value of `sort` (the document's list; the handler uses [`crate::domain::facets::Sort`]).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortParam {
    /// Best match first.
    Relevantie,
    /// Earliest start first.
    Datum,
    /// Alphabetical.
    Titel,
}

/// The word `vandaag` as a value of `vanaf`.
#[derive(Serialize, ToSchema)]
pub enum Vandaag {
    /// Today (Dutch time).
    #[serde(rename = "vandaag")]
    Vandaag,
}

/// A value of `vanaf`: a date (`JJJJ-MM-DD`) or `vandaag`.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum VanafParam {
    /// A calendar date.
    Datum(chrono::NaiveDate),
    /// Today.
    Vandaag(Vandaag),
}

/// Search the catalogue.
#[utoipa::path(
    get,
    path = "/aanbod",
    summary = "Zoek in het leeraanbod",
    description = "Zoekt en filtert het leeraanbod; per facet staat hoeveel resultaten elke waarde zou geven. Een parameter met een lege waarde (`thema=`) telt als weggelaten; een onbekende parameter of waarde geeft 400.",
    params(
        ("q" = Option<String>, Query, max_length = 200, description = "Zoektekst, hoogstens 200 tekens"),
        ("thema" = Option<Vec<String>>, Query, description = "Thema-slug; herhaalbaar (OF)"),
        ("doelgroep" = Option<Vec<String>>, Query, description = "Doelgroep-slug; herhaalbaar"),
        ("sector" = Option<Vec<String>>, Query, description = "Sector-slug; herhaalbaar"),
        ("vorm" = Option<Vec<String>>, Query, description = "Leervorm-slug; herhaalbaar"),
        ("aanbieder" = Option<Vec<String>>, Query, description = "Aanbieder-slug; herhaalbaar"),
        ("locatie" = Option<Vec<LocatieParam>>, Query, description = "online, fysiek of hybride; herhaalbaar"),
        ("regio" = Option<Vec<String>>, Query, description = "Regio; herhaalbaar"),
        ("gratis" = Option<bool>, Query, description = "Alleen gratis (true) of betaald (false) aanbod"),
        ("domeinoverstijgend" = Option<bool>, Query, description = "true: alleen aanbod voor twee of meer beroepsdomeinen (bewonersorganisaties tellen niet als domein); false of weglaten: geen filter"),
        ("vanaf" = Option<VanafParam>, Query, description = "Alleen aanbod dat op of na deze datum (JJJJ-MM-DD of 'vandaag') te volgen is"),
        ("sort" = Option<SortParam>, Query, description = "relevantie, datum of titel"),
        ("page" = Option<usize>, Query, minimum = 1, maximum = 10000, description = "Paginanummer, 1 tot en met 10000"),
        ("pageSize" = Option<usize>, Query, minimum = 1, maximum = 100, description = "Resultaten per pagina, 1 tot en met 100"),
    ),
    responses(
        (status = 200, description = "Resultaten met facetten", body = SearchResponse),
        (status = 400, description = "Onbekende parameter of ongeldige waarde", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "aanbod"
)]
async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResponse>, ApiError> {
    let snapshot = state.catalog.snapshot();
    let pairs = params::pairs(raw.as_deref());
    // The document lists exact values: the API takes `thema= jeugd` or `page=+` as written
    // (the catalogue page forgives the spaces); only the free text `q` may have them.
    let spaced: Vec<InvalidParam> = pairs
        .iter()
        .filter(|(k, v)| k != "q" && v.trim() != v)
        .map(|(k, v)| InvalidParam {
            name: k.clone(),
            reason: format!("'{v}' begint of eindigt met een spatie"),
        })
        .collect();
    if !spaced.is_empty() {
        return Err(ApiError::BadRequest(spaced));
    }
    let today = state.catalog.clock().today();
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
    path = "/aanbod/{id}",
    summary = "Eén keer leeraanbod",
    description = "Geeft één keer leeraanbod met alle velden.",
    params(("id" = String, Path, min_length = 1, description = "Id van het aanbod")),
    responses(
        (status = 200, description = "Het aanbod", body = Offering),
        (status = 400, description = "Het id is geen geldige tekst (UTF-8), of er staat een parameter bij", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Onbekend id", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "aanbod"
)]
async fn offering(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Offering>, ApiError> {
    let Ok(Path(id)) = path else {
        return Err(ApiError::BadPath(vec![InvalidParam {
            name: "id".into(),
            reason: "het id is geen geldige tekst (UTF-8)".into(),
        }]));
    };
    no_parameters(raw.as_deref())?;
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
#[utoipa::path(
    get,
    path = "/themas",
    summary = "Alle thema's",
    description = "Alle thema's van de taxonomie, elk met het aantal keer leeraanbod en het vraagstuk waar het bij hoort.",
    responses(
        (status = 200, description = "De thema's", body = Vec<ThemeResponse>),
        (status = 400, description = "Er staat een parameter bij; deze lijst heeft geen parameters", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "taxonomie"
)]
async fn themes(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ThemeResponse>>, ApiError> {
    no_parameters(raw.as_deref())?;
    let snapshot = state.catalog.snapshot();
    Ok(Json(
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
    ))
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
#[utoipa::path(
    get,
    path = "/aanbieders",
    summary = "Alle aanbieders",
    description = "Alle aanbieders van leeraanbod, met hun slug (de waarde van het filter `aanbieder`) en het aantal keer leeraanbod.",
    responses(
        (status = 200, description = "De aanbieders", body = Vec<ProviderResponse>),
        (status = 400, description = "Er staat een parameter bij; deze lijst heeft geen parameters", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "aanbod"
)]
async fn providers(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<ProviderResponse>>, ApiError> {
    no_parameters(raw.as_deref())?;
    let snapshot = state.catalog.snapshot();
    Ok(Json(
        snapshot
            .providers
            .iter()
            .map(|p| ProviderResponse {
                slug: p.slug.clone(),
                naam: p.name.clone(),
                aantal: p.offerings,
            })
            .collect(),
    ))
}

/// A learning question to match.
#[derive(serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRequest {
    /// The question in the asker's own words: at least one visible character, at most 2000
    /// characters (spaces at the start and end not counted).
    #[schema(min_length = 1, max_length = 2000, pattern = "[^\\s\\u0085]")]
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
    path = "/matches",
    summary = "Koppel een leervraag aan het leeraanbod",
    description = "Geeft de tien best passende keer leeraanbod met score en redenen (waarom), en of er goed passend aanbod is (passend). Per bezoeker (IPv4-adres of IPv6-/64-netwerk) kunnen in een minuut een beperkt aantal vragen worden gekoppeld (standaard 30); daarboven volgt 429 met de header `Retry-After`.",
    request_body = MatchRequest,
    responses(
        (status = 200, description = "Passend aanbod met uitleg", body = MatchResponse),
        (status = 400, description = "Ongeldige vraag: geen geldige JSON, een veld van het verkeerde type, een ontbrekend of onbekend veld, of een onbekende waarde", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "De body is groter dan 2 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "De body is niet als JSON verstuurd (Content-Type moet application/json zijn)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Te veel koppelingen in korte tijd; probeer het opnieuw na het aantal seconden in `Retry-After`", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconden tot een nieuwe vraag weer kan"))),
    ),
    tag = "matching"
)]
async fn matches(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<MatchRequest>,
) -> Result<Json<MatchResponse>, ApiError> {
    let snapshot = state.catalog.snapshot();
    let mut invalid = Vec::new();
    let vraag = req.vraag.trim_matches(blank).to_string();
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
        return Err(ApiError::BadBody(invalid));
    }
    // Counted once the question is valid: the matching is what costs time.
    let client = rate_key(state.client_ip(&headers, peer));
    if state.match_limit.limiter.hit(client).is_err() {
        return Err(ApiError::TooManyRequests {
            retry_after: state.match_limit.window.as_secs().max(1),
        });
    }
    let query = MatchQuery {
        vraag,
        doelgroep: req.doelgroep,
        sector: req.sector,
        themas: req.themas.unwrap_or_default(),
    };
    let catalog = state.catalog.clone();
    let today = catalog.clock().today();
    let outcome =
        tokio::task::spawn_blocking(move || catalog.matcher(today).match_question(&query, 10))
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
        (status = 400, description = "Er staat een parameter bij; deze lijst heeft geen parameters", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "leeragenda"
)]
async fn learning_agenda(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<AgendaResponse>, ApiError> {
    no_parameters(raw.as_deref())?;
    let snapshot = state.catalog.snapshot();
    Ok(Json(AgendaResponse {
        leervragen: snapshot.demand.len(),
        leeraanbod: snapshot.offerings.len(),
        nog_te_koppelen: snapshot
            .demand
            .iter()
            .filter(|q| q.passend.is_none())
            .count(),
        stand_per: snapshot.analysis().datum,
        themas: snapshot.analysis().themes.clone(),
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
        (status = 400, description = "Er staat een parameter bij; deze lijst heeft geen parameters", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "leeragenda"
)]
async fn lacunes(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<GapsResponse>, ApiError> {
    no_parameters(raw.as_deref())?;
    let analysis = state.catalog.snapshot().analysis();
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
        (status = 400, description = "Er staat een parameter bij; deze lijst heeft geen parameters", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "leeragenda"
)]
async fn tracks(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<TracksResponse>, ApiError> {
    no_parameters(raw.as_deref())?;
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

/// The OpenAPI document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    summary = "Het OpenAPI-document van deze API",
    description = "Dit document (OpenAPI 3.1): alle routes, parameters met hun grenzen en toegestane waarden, en antwoorden. Elke website mag het lezen (CORS).",
    responses(
        (status = 200, description = "Het OpenAPI-document", body = serde_json::Value,
            headers(("access-control-allow-origin" = String, description = "Altijd `*`: het document mag vanaf elke website worden gelezen"))),
    ),
    tag = "openapi"
)]
async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(served_document(&state))
}

/// Declares the `API-Version` header on every 2xx and 3xx response.
struct VersionHeader;

impl Modify for VersionHeader {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let schema = utoipa::openapi::ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\d+\.\d+\.\d+$"))
            .examples([json!(API_VERSION)])
            .build();
        let mut version = Header::new(schema);
        version.description =
            Some("De volledige versie van de API (semver), nu ".to_string() + API_VERSION);
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                for (status, response) in op.responses.responses.iter_mut() {
                    if let (true, RefOr::T(response)) =
                        (status.starts_with('2') || status.starts_with('3'), response)
                    {
                        response
                            .headers
                            .insert("API-Version".to_string(), RefOr::T(version.clone()));
                    }
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "WijkWijzer Leernetwerk API",
        version = "1.0.0",
        description = "Open API van het leernetwerk leefbaarheid en veiligheid: leeraanbod, thema's en aanbieders.\n\nFouten komen als `application/problem+json` (RFC 9457) met een Nederlandse titel en uitleg: 400 voor ongeldige parameters of een body die geen geldige JSON is (of een veld van het verkeerde type heeft; `errors` zegt per fout waar en wat), 404 voor iets wat niet bestaat, 405 voor een methode die de route niet kent (de header `Allow` noemt de methoden die wel kunnen), 413 voor een body groter dan 2 MB, 414 voor een te lang adres, 415 voor een body die niet als JSON is verstuurd, 429 bij te veel aanvragen (met `Retry-After`) en 431 voor te grote headers.\n\nElk antwoord heeft de header `API-Version`.",
        contact(name = "Coördinatiepunt WijkWijzer Leernetwerk", email = "api@wijkwijzer.example", url = "https://wijkwijzer.example/contact"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1", description = "Deze server")),
    tags(
        (name = "aanbod", description = "Het leeraanbod en de aanbieders"),
        (name = "taxonomie", description = "De thema's van het leernetwerk"),
        (name = "matching", description = "Leervragen koppelen aan het leeraanbod"),
        (name = "leeragenda", description = "Vraag en aanbod naast elkaar: leeragenda, lacunes en ontwikkeltrajecten"),
        (name = "openapi", description = "Dit document"),
    ),
    paths(search, offering, themes, providers, matches, learning_agenda, lacunes, tracks, openapi),
    components(schemas(TracksResponse, crate::domain::track::Track, crate::domain::track::TrackStatus, SearchResponse, AgendaResponse, GapsResponse, MatchRequest, MatchResponse, MatchResponseItem, Offering, ThemeResponse, ProviderResponse, Problem, InvalidParam, ErrorItem, ErrorIn, Topic, LocatieParam, SortParam, VanafParam, Vandaag)),
    modifiers(&VersionHeader),
)]
struct ApiDoc;

/// The OpenAPI document of this API (paths relative to the server `/api/v1`).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as served: the absolute server URL from the base URL, the header
/// `API-Version` marked as always sent, the search parameters marked as allowing an empty
/// value (which counts as leaving them out), and the value lists that depend on the data (the
/// taxonomy's slugs, the providers, the regions) filled in.
pub fn served_document(state: &AppState) -> Value {
    let mut doc = serde_json::to_value(openapi_document()).unwrap_or_else(|_| json!({}));
    doc["servers"] = json!([{
        "url": format!("{}/api/v1", state.base_url),
        "description": "Deze server",
    }]);
    mark_version_headers(&mut doc);
    let snapshot = state.catalog.snapshot();
    let slugs = |terms: &[crate::domain::taxonomy::Term]| -> Vec<String> {
        terms.iter().map(|t| t.slug.clone()).collect()
    };
    let tax = &snapshot.taxonomy;
    let mut regions: Vec<String> = snapshot
        .offerings
        .iter()
        .map(|s| s.offering.regio.clone())
        .filter(|r| !r.trim().is_empty())
        .collect();
    regions.sort();
    regions.dedup();
    let lists = [
        ("thema", slugs(&tax.themas)),
        ("doelgroep", slugs(&tax.doelgroepen)),
        ("sector", slugs(&tax.sectoren)),
        ("vorm", slugs(&tax.vormen)),
        (
            "aanbieder",
            snapshot.providers.iter().map(|p| p.slug.clone()).collect(),
        ),
        ("regio", regions),
    ];
    if let Some(params) = doc
        .pointer_mut("/paths/~1aanbod/get/parameters")
        .and_then(Value::as_array_mut)
    {
        for param in params.iter_mut() {
            if let Some((_, values)) = lists.iter().find(|(name, _)| param["name"] == *name) {
                set_enum(&mut param["schema"], values);
            }
            // `?thema=` (as an HTML form sends it) counts as leaving the parameter out.
            param["allowEmptyValue"] = Value::Bool(true);
            // A filter takes at most this many values (see `params::MAX_FILTER_VALUES`).
            if param["schema"].get("items").is_some() {
                param["schema"]["maxItems"] = json!(params::MAX_FILTER_VALUES);
            }
        }
    }
    if let Some(props) = doc.pointer_mut("/components/schemas/MatchRequest/properties") {
        set_enum(&mut props["doelgroep"], &lists[1].1);
        set_enum(&mut props["sector"], &lists[2].1);
        set_enum(&mut props["themas"], &lists[0].1);
    }
    doc
}

/// Every `API-Version` response header is always sent.
fn mark_version_headers(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for op in paths.values_mut().filter_map(Value::as_object_mut) {
        for operation in op.values_mut() {
            let Some(responses) = operation["responses"].as_object_mut() else {
                continue;
            };
            for response in responses.values_mut() {
                if let Some(h) = response.pointer_mut("/headers/API-Version") {
                    h["required"] = Value::Bool(true);
                }
            }
        }
    }
}

/// Restricts a string schema (or the items of an array schema) to `values`; a schema that also
/// allows `null` keeps it. An empty list leaves the schema as it is (an enum needs a value).
fn set_enum(schema: &mut Value, values: &[String]) {
    if values.is_empty() || !schema.is_object() {
        return;
    }
    let nullable = |s: &Value| {
        s["type"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t == "null"))
    };
    let target = if schema.get("items").is_some() {
        &mut schema["items"]
    } else {
        schema
    };
    let mut list: Vec<Value> = values.iter().map(|v| json!(v)).collect();
    if nullable(target) {
        list.push(Value::Null);
    }
    target["enum"] = Value::Array(list);
}

/// A character that does not make a question non-empty: Unicode white space (as `trim` knows
/// it) and the byte-order mark, so that the document's pattern `[^\s\u0085]` (ECMAScript `\s`
/// plus NEL) and the server agree on what a blank question is.
fn blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::http::extract::parse_json;

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(rate_key(a), rate_key(b));
        assert_ne!(rate_key(a), rate_key(c));
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(rate_key(v4), v4);
        assert_eq!(rate_key(mapped), v4);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// A list without parameters accepts only empty values, and names every other one in
        /// Dutch.
        #[test]
        fn lists_refuse_every_parameter(raw in any::<String>(), encoded in "[a-z=&%0-9-]{0,40}") {
            for raw in [raw.as_str(), encoded.as_str()] {
                let filled = params::pairs(Some(raw))
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .count();
                match no_parameters(Some(raw)) {
                    Ok(()) => prop_assert_eq!(filled, 0),
                    Err(ApiError::BadRequest(params)) => {
                        prop_assert_eq!(params.len(), filled);
                        prop_assert!(params.iter().all(|p| p.reason == "onbekende parameter"));
                    }
                    Err(e) => prop_assert!(false, "{e:?}"),
                }
            }
        }

        /// Any body gives a match request or a Dutch JSON error, never a panic.
        #[test]
        fn match_bodies_parse_or_explain(
            body in prop_oneof![
                any::<Vec<u8>>(),
                any::<String>().prop_map(String::into_bytes),
                (any::<String>(), prop::option::of(any::<String>()), any::<bool>())
                    .prop_map(|(vraag, doelgroep, extra)| {
                        let mut v = json!({"vraag": vraag, "doelgroep": doelgroep});
                        if extra {
                            v["kleur"] = json!(5);
                        }
                        v.to_string().into_bytes()
                    }),
            ],
        ) {
            match parse_json::<MatchRequest>(&body) {
                Ok(req) => prop_assert!(req.vraag.len() <= body.len()),
                Err(ApiError::InvalidJson { detail, invalid_params }) => {
                    prop_assert!(!detail.is_empty());
                    prop_assert!(!detail.contains("expected"), "{detail}");
                    prop_assert!(!detail.contains("invalid type"), "{detail}");
                    for p in invalid_params {
                        prop_assert!(!p.reason.is_empty());
                    }
                }
                Err(e) => prop_assert!(false, "{e:?}"),
            }
        }

        /// Every IPv6 key is a /64 network; IPv4 keys are the address itself.
        #[test]
        fn rate_keys_are_networks(bits in any::<u128>(), v4 in any::<u32>()) {
            let v6 = IpAddr::V6(std::net::Ipv6Addr::from(bits));
            match rate_key(v6) {
                IpAddr::V6(k) => prop_assert_eq!(u128::from(k) & ((1u128 << 64) - 1), 0),
                IpAddr::V4(k) => prop_assert_eq!(Some(k), std::net::Ipv6Addr::from(bits).to_ipv4_mapped()),
            }
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(v4));
            prop_assert_eq!(rate_key(ip), ip);
        }
    }
}
