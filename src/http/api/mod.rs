//! The JSON API under `/api/v1` (Dutch REST API Design Rules): catalogue search with
//! disjunctive facets, offering, themes and providers, and the OpenAPI document.
//!
//! The document's paths are relative to its server `/api/v1` (absolute, from the base URL,
//! when served). It is exact: limits, formats and value lists (also the slugs of the
//! taxonomy, the providers and the regions, filled in when the document is served) are the
//! ones the handlers apply, and every refusal is a documented Dutch problem document.
//!
//! This module holds the router, the headers every API answer gets and the match limit; the
//! handlers are filed by subject: [`catalogue`], [`matching`], [`learning_agenda`], and the
//! document itself in [`openapi`].

pub mod catalogue;
pub mod learning_agenda;
pub mod matching;
pub mod openapi;
pub mod snapshots;

pub use openapi::{openapi_document, served_document};

use std::collections::BTreeMap;
use std::net::IpAddr;

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::RefOr;

use super::error::{
    method_not_allowed_problem, not_found_problem, status_problem, ApiError, InvalidParam, Problem,
};
use super::AppState;
use crate::catalog::params;
use catalogue::{offering, providers, search, themes};
use learning_agenda::{lacunes, learning_agenda, tracks};
use matching::matches;
use openapi::openapi;

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
        .route("/api/v1/peilingen", get(snapshots::snapshots))
        .route("/api/v1/peilingen/vergelijking", get(snapshots::comparison))
        .route("/api/v1/peilingen/{datum}", get(snapshots::snapshot))
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

/// The query of an operation that takes no parameters: as an extractor it refuses every
/// non-empty parameter with a 400 problem naming it, like [`no_parameters`].
pub(crate) struct NoParameters;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for NoParameters {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, ApiError> {
        no_parameters(parts.uri.query()).map(|()| NoParameters)
    }
}

/// In an operation's OpenAPI `responses`: the 400 problem a parameter gets.
impl utoipa::IntoResponses for NoParameters {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        use utoipa::ToSchema;
        let problem = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name(Problem::name())))
            .build();
        let refused = ResponseBuilder::new()
            .description("Er staat een parameter bij; deze lijst heeft geen parameters")
            .content("application/problem+json", problem)
            .build();
        BTreeMap::from([("400".to_string(), refused.into())])
    }
}

/// Refuses every non-empty query parameter of an operation that takes none (an empty value
/// counts as leaving the parameter out, as on `/aanbod`).
pub(crate) fn no_parameters(raw: Option<&str>) -> Result<(), ApiError> {
    let invalid: Vec<InvalidParam> = params::pairs(raw)
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, _)| InvalidParam::new(k, "onbekende parameter"))
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

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
