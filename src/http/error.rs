//! Errors of the JSON API as `application/problem+json` (RFC 9457) with Dutch titles and details.
//! Handlers return [`ApiError`]; internal causes are logged, never shown.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::catalog::CatalogError;

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
}

/// One rejected parameter.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct InvalidParam {
    /// Parameter name.
    pub name: String,
    /// Dutch reason.
    pub reason: String,
}

/// An error of an API handler.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Bad request parameters.
    #[error("ongeldige parameters")]
    BadRequest(Vec<InvalidParam>),
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
    /// Anything internal.
    #[error(transparent)]
    Internal(#[from] CatalogError),
}

fn problem(
    status: StatusCode,
    title: &str,
    detail: String,
    invalid_params: Vec<InvalidParam>,
) -> Response {
    let body = Problem {
        kind: "about:blank".to_string(),
        title: title.to_string(),
        status: status.as_u16(),
        detail,
        invalid_params,
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
            ApiError::BadRequest(params) => {
                let detail = params
                    .iter()
                    .map(|p| format!("{}: {}", p.name, p.reason))
                    .collect::<Vec<_>>()
                    .join("; ");
                problem(
                    StatusCode::BAD_REQUEST,
                    "Ongeldige aanvraag",
                    detail,
                    params,
                )
            }
            ApiError::InvalidJson {
                detail,
                invalid_params,
            } => problem(
                StatusCode::BAD_REQUEST,
                "Ongeldige JSON",
                detail,
                invalid_params,
            ),
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
