//! The catalogue in the API: search with disjunctive facets, one offering, the themes and the
//! providers.

use std::collections::BTreeMap;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{no_parameters, NoParameters};
use crate::catalog::params;
use crate::domain::offering::Offering;
use crate::domain::taxonomy::{Term, Topic};
use crate::http::error::{ApiError, InvalidParam, Problem};
use crate::http::AppState;

/// A page of catalogue results (borrowing the offerings of the snapshot it was found in).
#[derive(Serialize, ToSchema)]
pub struct SearchResponse<'a> {
    /// Number of offerings matching all filters.
    pub totaal: usize,
    /// Page number.
    pub pagina: usize,
    /// Page size.
    #[serde(rename = "paginaGrootte")]
    pub pagina_grootte: usize,
    /// The offerings on this page.
    #[schema(value_type = Vec<Offering>)]
    pub resultaten: Vec<&'a Offering>,
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
        ("regio" = Option<Vec<String>>, Query, description = "Regio: 'landelijk', een provincie of een gemeente (peildatum 1 januari 2025); herhaalbaar. Een provincie omvat haar gemeenten; bekende schrijfwijzen ('Brabant', 'Den Bosch') worden herkend"),
        ("voor" = Option<String>, Query, description = "Doelgroep-slug van wie zoekt: aanbod voor die doelgroep komt boven even relevant aanbod voor anderen (ordent, filtert niet)"),
        ("ookLandelijk" = Option<bool>, Query, description = "Bij een regiofilter ook landelijk en online aanbod tonen: true (standaard) of false"),
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
pub(super) async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let snapshot = state.catalog.snapshot();
    let pairs = params::pairs(raw.as_deref());
    // The document lists exact values: the API takes `thema= jeugd` or `page=+` as written
    // (the catalogue page forgives the spaces); only the free text `q` may have them.
    let spaced: Vec<InvalidParam> = pairs
        .iter()
        .filter(|(k, v)| k != "q" && v.trim() != v)
        .map(|(k, v)| {
            InvalidParam::new(k.clone(), format!("'{v}' begint of eindigt met een spatie"))
        })
        .collect();
    if !spaced.is_empty() {
        return Err(ApiError::BadRequest(spaced));
    }
    let today = state.catalog.clock().today();
    let query = params::parse(&pairs, &snapshot, today, &[]).map_err(ApiError::BadRequest)?;
    // Search and facet counting are CPU work: off the async workers.
    let catalog = state.catalog.clone();
    // The body is written there too, from the snapshot's offerings without copying them.
    tokio::task::spawn_blocking(move || {
        search_response(&catalog, &snapshot, &query).map(|r| Json(r).into_response())
    })
    .await?
}

fn search_response<'a>(
    catalog: &crate::catalog::Catalog,
    snapshot: &'a crate::catalog::Snapshot,
    query: &params::CatalogQuery,
) -> Result<SearchResponse<'a>, ApiError> {
    let page = query.run(catalog, snapshot)?;
    Ok(SearchResponse {
        totaal: page.total,
        pagina: query.page,
        pagina_grootte: query.page_size,
        resultaten: page.items.iter().map(|(o, _)| *o).collect(),
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
pub(super) async fn offering(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Offering>, ApiError> {
    let Ok(Path(id)) = path else {
        return Err(ApiError::BadPath(vec![InvalidParam::new(
            "id",
            "het id is geen geldige tekst (UTF-8)",
        )]));
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
        NoParameters,
    ),
    tag = "taxonomie"
)]
pub(super) async fn themes(
    State(state): State<AppState>,
    _: NoParameters,
) -> Result<Json<Vec<ThemeResponse>>, ApiError> {
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
        NoParameters,
    ),
    tag = "aanbod"
)]
pub(super) async fn providers(
    State(state): State<AppState>,
    _: NoParameters,
) -> Result<Json<Vec<ProviderResponse>>, ApiError> {
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
