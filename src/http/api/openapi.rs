//! The OpenAPI document: built from the handlers' annotations, and as served with the absolute
//! server URL and the value lists that depend on the data.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use utoipa::openapi::header::Header;
use utoipa::openapi::{RefOr, Type};
use utoipa::{Modify, OpenApi};

use super::catalogue::{
    LocatieParam, ProviderResponse, SearchResponse, SortParam, ThemeResponse, VanafParam, Vandaag,
};
use super::learning_agenda::{AgendaResponse, GapsResponse, TracksResponse};
use super::matching::{FitAnswer, MatchRequest, MatchResponse, MatchResponseItem};
use super::API_VERSION;
use crate::catalog::params;
use crate::domain::offering::Offering;
use crate::domain::taxonomy::Topic;
use crate::http::error::{ErrorIn, ErrorItem, InvalidParam, Problem};
use crate::http::AppState;

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
pub(super) async fn openapi(State(state): State<AppState>) -> Json<Value> {
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
    paths(super::catalogue::search, super::catalogue::offering, super::catalogue::themes, super::catalogue::providers, super::matching::matches, super::learning_agenda::learning_agenda, super::learning_agenda::lacunes, super::learning_agenda::tracks, super::snapshots::snapshots, super::snapshots::snapshot, super::snapshots::comparison, openapi),
    components(schemas(TracksResponse, super::snapshots::SnapshotsResponse, super::snapshots::SnapshotItem, super::snapshots::ComparisonResponse, crate::domain::track::Track, crate::domain::track::TrackStatus, SearchResponse, AgendaResponse, GapsResponse, MatchRequest, MatchResponse, MatchResponseItem, FitAnswer, Offering, ThemeResponse, ProviderResponse, Problem, InvalidParam, ErrorItem, ErrorIn, Topic, LocatieParam, SortParam, VanafParam, Vandaag)),
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
    let regions: Vec<String> = crate::domain::region::Regions::builtin()
        .all()
        .iter()
        .map(|r| r.name.clone())
        .collect();
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
        ("voor", slugs(&tax.doelgroepen)),
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
