//! The error of an HTML page and its extractors (public site, Mijn WijkWijzer and back office):
//! [`PageError`] becomes the Dutch error page with the request id, so that a handler says `?` on
//! a store or catalogue error, or a redirect to sign in ([`PageError::SignIn`]). The public frame
//! is rendered here; the back office shows the same failure in its own frame (an error page
//! carries the [`PageError`] as an extension, see [`crate::http::beheer`]).

use std::fmt::Display;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::current_request_id;
use super::pages::render_status;
use super::pages::view::Layout;
use crate::catalog::CatalogError;
use crate::store::StoreError;

/// A failure of a page handler.
#[derive(Debug, Clone)]
pub enum PageError {
    /// The thing asked for does not exist (404).
    NotFound,
    /// A refusal with its own Dutch heading and explanation.
    Refused {
        /// The status of the answer.
        status: StatusCode,
        /// Dutch heading.
        heading: String,
        /// Dutch explanation in plain language.
        message: String,
    },
    /// Something broke on our side (500); the cause is logged, never shown.
    Internal(String),
    /// Not signed in (any more): the visitor is sent to sign in at this address (303).
    SignIn(String),
}

impl PageError {
    /// A failure on our side with `cause` (logged, not shown).
    pub fn internal(cause: impl Display) -> PageError {
        PageError::Internal(cause.to_string())
    }

    /// A refusal with `status`, a Dutch heading and a plain-language explanation.
    pub fn refused(
        status: StatusCode,
        heading: impl Into<String>,
        message: impl Into<String>,
    ) -> PageError {
        PageError::Refused {
            status,
            heading: heading.into(),
            message: message.into(),
        }
    }

    /// The status of the answer.
    pub fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Refused { status, .. } => *status,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            PageError::SignIn(_) => StatusCode::SEE_OTHER,
        }
    }

    /// The session could not be read (`Session`'s extractor failed: a missing layer, a fault).
    pub fn session_lost((_, cause): (StatusCode, &'static str)) -> PageError {
        PageError::internal(cause)
    }
}

/// An address whose path does not read (not UTF-8 once decoded) names no page; a route without
/// the parameter its handler reads is our fault.
impl From<axum::extract::rejection::PathRejection> for PageError {
    fn from(e: axum::extract::rejection::PathRejection) -> PageError {
        if e.status().is_client_error() {
            PageError::NotFound
        } else {
            PageError::internal(e)
        }
    }
}

/// The connection's address is missing: the server was started without it.
impl From<axum::extract::rejection::ExtensionRejection> for PageError {
    fn from(e: axum::extract::rejection::ExtensionRejection) -> PageError {
        PageError::internal(e)
    }
}

impl From<CatalogError> for PageError {
    fn from(e: CatalogError) -> PageError {
        PageError::internal(e)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        PageError::internal(e)
    }
}

impl From<tower_sessions::session::Error> for PageError {
    fn from(e: tower_sessions::session::Error) -> PageError {
        PageError::internal(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::Internal(cause) = &self {
            tracing::error!(%cause, request_id = %current_request_id(), "fout bij maken van pagina");
        }
        let mut res = match &self {
            // A redirect, not an error page: the back office leaves it as it is.
            PageError::SignIn(to) => return axum::response::Redirect::to(to).into_response(),
            PageError::NotFound => not_found_page(),
            PageError::Refused {
                status,
                heading,
                message,
            } => error_page(*status, heading, message),
            PageError::Internal(_) => render_status(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorPage {
                    l: Layout::new(
                        "Er ging iets mis",
                        "Er ging iets mis aan onze kant.",
                        "/500",
                    ),
                    heading: "Er ging iets mis".into(),
                    message:
                        "Er ging iets mis aan onze kant. Probeer het over een paar minuten opnieuw."
                            .into(),
                    request_id: current_request_id(),
                },
            ),
        };
        res.extensions_mut().insert(self);
        res
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    l: Layout,
    heading: String,
    message: String,
    request_id: String,
}

/// The Dutch "not found" page.
pub fn not_found_page() -> Response {
    render_status(
        StatusCode::NOT_FOUND,
        ErrorPage {
            l: Layout::new("Pagina niet gevonden", "Deze pagina bestaat niet (meer).", "/404"),
            heading: "Pagina niet gevonden".into(),
            message: "Deze pagina bestaat niet (meer). Misschien is het adres veranderd of verkeerd getypt.".into(),
            request_id: current_request_id(),
        },
    )
}

/// A Dutch error page with `status`, a heading, a plain-language message and the request id.
pub fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    render_status(
        status,
        ErrorPage {
            l: Layout::new(heading, message, format!("/{}", status.as_u16())),
            heading: heading.into(),
            message: message.into(),
            request_id: current_request_id(),
        },
    )
}
