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
    /// Bad request body.
    #[error("{0}")]
    BadBody(String),
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
            ApiError::BadBody(detail) => problem(
                StatusCode::BAD_REQUEST,
                "Ongeldige aanvraag",
                detail,
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
