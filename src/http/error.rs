//! Errors of the JSON API as `application/problem+json` (RFC 9457) with Dutch titles and details.
//! Handlers return [`ApiError`]; internal causes are logged, never shown. A 400 carries the
//! member `errors` of the Dutch API Design Rules (where: `in`, `location`, Dutch `detail`) next
//! to the older `invalidParams`. [`status_problem`] gives the Dutch problem for any status (the
//! API's answer to a 414, 429 or 431 made outside a handler).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::catalog::params::InvalidParam;
use crate::catalog::CatalogError;
use crate::store::StoreError;

/// A problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI for the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short Dutch title.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Dutch explanation for this occurrence.
    pub detail: String,
    /// Invalid parameters, where relevant.
    #[serde(rename = "invalidParams", skip_serializing_if = "Vec::is_empty")]
    pub invalid_params: Vec<InvalidParam>,
    /// With a 400: what was wrong, and where (API Design Rules, `/core/error-handling/bad-request`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorItem>,
}

/// Where a rejected value was sent.
#[derive(Debug, Clone, Copy, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ErrorIn {
    /// A query parameter.
    Query,
    /// A part of the path.
    Path,
    /// The request body.
    Body,
}

/// One error of a 400, as the API Design Rules describe it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct ErrorItem {
    /// Where the value was sent: `query`, `path` or `body`.
    #[serde(rename = "in")]
    pub place: ErrorIn,
    /// The parameter name, or for the body a JSON Pointer to the field (`#/vraag`; `#` is the
    /// whole body).
    pub location: String,
    /// Dutch explanation.
    pub detail: String,
}

impl ErrorItem {
    fn new(place: ErrorIn, param: &InvalidParam) -> ErrorItem {
        let location = match place {
            ErrorIn::Body => json_pointer(&param.name),
            ErrorIn::Query | ErrorIn::Path => param.name.clone(),
        };
        ErrorItem {
            place,
            location,
            detail: param.reason.clone(),
        }
    }
}

/// A field path as serde reports it (`themas[0]`, `a.b`) as a URI-fragment JSON Pointer.
fn json_pointer(path: &str) -> String {
    let mut pointer = String::from("#");
    for part in path
        .split(['.', '['])
        .map(|p| p.trim_end_matches(']'))
        .filter(|p| !p.is_empty())
    {
        pointer.push('/');
        pointer.push_str(&part.replace('~', "~0").replace('/', "~1"));
    }
    pointer
}

/// An error of an API handler.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Bad query parameters.
    #[error("ongeldige parameters")]
    BadRequest(Vec<InvalidParam>),
    /// Bad values in the path (such as an id that is not UTF-8).
    #[error("ongeldig pad")]
    BadPath(Vec<InvalidParam>),
    /// Well-formed JSON with values the API does not accept (an empty question, an unknown
    /// slug).
    #[error("ongeldige body")]
    BadBody(Vec<InvalidParam>),
    /// The body is not JSON, or not the JSON the route expects (400). `invalid_params`
    /// names the field at fault, when there is one.
    #[error("{detail}")]
    InvalidJson {
        /// Dutch explanation.
        detail: String,
        /// The field at fault, if known.
        invalid_params: Vec<InvalidParam>,
    },
    /// The body is not sent as JSON (415).
    #[error("geen JSON-body")]
    UnsupportedMediaType,
    /// The body is larger than [`crate::http::MAX_BODY`] (413).
    #[error("body te groot")]
    PayloadTooLarge,
    /// Not found.
    #[error("{0}")]
    NotFound(String),
    /// Too many requests from this client (429); try again after `retry_after` seconds.
    #[error("te veel aanvragen")]
    TooManyRequests {
        /// Seconds until a new request is allowed (the `Retry-After` header).
        retry_after: u64,
    },
    /// Anything internal.
    #[error(transparent)]
    Internal(#[from] CatalogError),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::Internal(e.into())
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> ApiError {
        ApiError::Internal(e.into())
    }
}

fn problem(
    status: StatusCode,
    title: &str,
    detail: String,
    invalid_params: Vec<InvalidParam>,
) -> Response {
    problem_with_errors(status, title, detail, invalid_params, vec![])
}

fn problem_with_errors(
    status: StatusCode,
    title: &str,
    detail: String,
    invalid_params: Vec<InvalidParam>,
    errors: Vec<ErrorItem>,
) -> Response {
    let body = Problem {
        kind: "about:blank".to_string(),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        invalid_params,
        errors,
    };
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest(params) => bad_request(ErrorIn::Query, params),
            ApiError::BadPath(params) => bad_request(ErrorIn::Path, params),
            ApiError::BadBody(params) => bad_request(ErrorIn::Body, params),
            ApiError::InvalidJson {
                detail,
                invalid_params,
            } => {
                let errors = if invalid_params.is_empty() {
                    vec![ErrorItem {
                        place: ErrorIn::Body,
                        location: "#".to_string(),
                        detail: detail.clone(),
                    }]
                } else {
                    invalid_params
                        .iter()
                        .map(|p| ErrorItem::new(ErrorIn::Body, p))
                        .collect()
                };
                problem_with_errors(
                    StatusCode::BAD_REQUEST,
                    "Ongeldige JSON",
                    detail,
                    invalid_params,
                    errors,
                )
            }
            ApiError::TooManyRequests { retry_after } => {
                let mut res = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Te veel aanvragen",
                    format!(
                        "U heeft in korte tijd te veel aanvragen gedaan. Probeer het over {retry_after} seconden opnieuw."
                    ),
                    vec![],
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
                res
            }
            ApiError::UnsupportedMediaType => problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Verkeerd type body",
                "Stuur de body als JSON, met de header `Content-Type: application/json`."
                    .to_string(),
                vec![],
            ),
            ApiError::PayloadTooLarge => problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Body te groot",
                format!(
                    "De body is te groot. Stuur hoogstens {} MB.",
                    crate::http::MAX_BODY / (1024 * 1024)
                ),
                vec![],
            ),
            ApiError::NotFound(detail) => {
                problem(StatusCode::NOT_FOUND, "Niet gevonden", detail, vec![])
            }
            ApiError::Internal(e) => {
                tracing::error!(error = %e, "interne fout");
                problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Interne fout",
                    "Er ging iets mis aan onze kant. Probeer het later opnieuw.".to_string(),
                    vec![],
                )
            }
        }
    }
}

/// A 400 for rejected values sent `place`, each named in `invalidParams` and `errors`.
fn bad_request(place: ErrorIn, params: Vec<InvalidParam>) -> Response {
    let detail = params
        .iter()
        .map(|p| format!("{}: {}", p.name, p.reason))
        .collect::<Vec<_>>()
        .join("; ");
    let errors = params.iter().map(|p| ErrorItem::new(place, p)).collect();
    problem_with_errors(
        StatusCode::BAD_REQUEST,
        "Ongeldige aanvraag",
        detail,
        params,
        errors,
    )
}

/// The Dutch title and explanation of an error status without a more precise cause.
fn status_text(status: StatusCode) -> (&'static str, String) {
    let (title, detail) = match status.as_u16() {
        400 => ("Ongeldige aanvraag", "De aanvraag is niet goed opgebouwd."),
        404 => ("Niet gevonden", "Deze API-route bestaat niet."),
        405 => (
            "Methode niet toegestaan",
            "Deze API-route kan niet met deze methode.",
        ),
        408 => (
            "Aanvraag duurde te lang",
            "De aanvraag kwam niet op tijd binnen. Probeer het opnieuw.",
        ),
        413 => ("Body te groot", "De body van de aanvraag is te groot."),
        414 => (
            "Adres te lang",
            "Het adres (de URL) van de aanvraag is te lang. Gebruik minder of kortere parameters.",
        ),
        415 => (
            "Verkeerd type body",
            "Stuur de body als JSON, met de header `Content-Type: application/json`.",
        ),
        429 => (
            "Te veel aanvragen",
            "U heeft in korte tijd te veel aanvragen gedaan. Probeer het later opnieuw.",
        ),
        431 => (
            "Headers te groot",
            "De headers van de aanvraag zijn samen te groot. Stuur minder of kortere headers.",
        ),
        503 => (
            "Niet beschikbaar",
            "De API is even niet beschikbaar. Probeer het later opnieuw.",
        ),
        s if s >= 500 => (
            "Interne fout",
            "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
        ),
        _ => ("Fout", "De aanvraag kon niet worden verwerkt."),
    };
    (title, detail.to_string())
}

/// The Dutch `application/problem+json` answer of the API for `status`, for errors that no
/// handler explains better: a 414 for a query string that is too long, a 431, a 429, or an
/// extractor's own rejection. Middleware that refuses an `/api/` request calls this.
pub fn status_problem(status: StatusCode) -> Response {
    let (title, detail) = status_text(status);
    problem(status, title, detail, vec![])
}

/// Like [`status_problem`], with an own Dutch explanation.
pub fn status_problem_with(status: StatusCode, detail: String) -> Response {
    let (title, _) = status_text(status);
    problem(status, title, detail, vec![])
}

/// A problem response for an unknown API route.
pub fn not_found_problem() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "Niet gevonden",
        "Deze API-route bestaat niet.".to_string(),
        vec![],
    )
}

/// A problem response for a method the API route does not support; axum adds the `Allow`
/// header with the methods that do work.
pub fn method_not_allowed_problem(method: &axum::http::Method) -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "Methode niet toegestaan",
        format!(
            "Deze API-route kan niet met {method}. De header `Allow` noemt de methoden die wel kunnen."
        ),
        vec![],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths_become_json_pointers() {
        assert_eq!(json_pointer("vraag"), "#/vraag");
        assert_eq!(json_pointer("themas[0]"), "#/themas/0");
        assert_eq!(json_pointer("a.b/c"), "#/a/b~1c");
        assert_eq!(json_pointer("."), "#");
        assert_eq!(json_pointer(""), "#");
    }

    #[tokio::test]
    async fn every_status_gets_a_dutch_problem() {
        for status in [
            StatusCode::URI_TOO_LONG,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::IM_A_TEAPOT,
            StatusCode::BAD_GATEWAY,
        ] {
            let res = status_problem(status);
            assert_eq!(res.status(), status);
            assert_eq!(
                res.headers()[header::CONTENT_TYPE],
                "application/problem+json"
            );
            let bytes = axum::body::to_bytes(res.into_body(), 10_000).await.unwrap();
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(v["status"], status.as_u16());
            assert!(!v["title"].as_str().unwrap().is_empty());
            assert!(!v["detail"].as_str().unwrap().contains("Request"), "{v}");
        }
        let res = status_problem_with(StatusCode::URI_TOO_LONG, "Eigen uitleg.".into());
        let bytes = axum::body::to_bytes(res.into_body(), 10_000).await.unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["title"], "Adres te lang");
        assert_eq!(v["detail"], "Eigen uitleg.");
    }
}
