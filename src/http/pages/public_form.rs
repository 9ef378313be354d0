//! The steps every public form takes (`/contact`, `/leervraag`, `/aanbod/aanmelden`), in order:
//! the screen (same origin, form token, honeypot), the form's own checks, the rate limit per
//! client (only a valid form counts), and storing it once (a reload or a double click shows
//! "already sent").

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{already_sent, render_status, PageError};
use crate::http::forms::{FormOnce, Rejection};
use crate::http::AppState;
use crate::store::StoreError;

/// Why a public form comes back instead of being taken.
pub enum Refused<E> {
    /// The screen or the rate limit refused it.
    Rejected(Rejection),
    /// The form's own checks found these errors.
    Invalid(E),
}

impl<E> Refused<E> {
    /// The form again, made by `page(errors, message)`, in the status that says why: the
    /// rejection's status and message, or 422 with the errors.
    pub fn page<T: Template>(self, page: impl FnOnce(Option<E>, Option<String>) -> T) -> Response {
        match self {
            Refused::Rejected(r) => render_status(r.status(), page(None, Some(r.message().into()))),
            Refused::Invalid(e) => {
                render_status(StatusCode::UNPROCESSABLE_ENTITY, page(Some(e), None))
            }
        }
    }
}

/// Who sent a public form: the request's headers (its origin; behind a proxy, the client's
/// address) and the address the request came from.
pub struct Sender {
    headers: HeaderMap,
    peer: SocketAddr,
}

impl<S: Send + Sync> FromRequestParts<S> for Sender {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state).await?;
        Ok(Sender {
            headers: parts.headers.clone(),
            peer,
        })
    }
}

/// Takes the public form `form` (its `fields`) that `sender` submitted through the screen, then
/// `check`, then the rate limit of the client. Gives the key to store the form once and what
/// `check` gave.
pub fn take<V, E>(
    state: &AppState,
    form: &str,
    sender: &Sender,
    fields: &HashMap<String, String>,
    check: impl FnOnce() -> Result<V, E>,
) -> Result<(FormOnce, V), Refused<E>> {
    let once = state
        .forms
        .screen(form, &sender.headers, fields)
        .map_err(Refused::Rejected)?;
    let valid = check().map_err(Refused::Invalid)?;
    state
        .form_limiter
        .hit(state.client_ip(&sender.headers, sender.peer))
        .map_err(|limited| Refused::Rejected(Rejection::from(limited)))?;
    Ok((once, valid))
}

/// The "already sent" page of one form.
pub struct SentBefore {
    /// What was received (`Je bericht was al ontvangen`).
    pub heading: &'static str,
    /// The form's path.
    pub path: &'static str,
    /// The text of the link to fill it in anew.
    pub again: &'static str,
}

impl SentBefore {
    /// The "already sent" page when storing the form found this shown form stored before;
    /// `None` when it was stored now.
    pub fn sent_before<T>(
        &self,
        stored: Result<T, StoreError>,
    ) -> Result<Option<Response>, PageError> {
        match stored {
            Ok(_) => Ok(None),
            Err(StoreError::AlreadySent) => {
                Ok(Some(already_sent(self.heading, self.path, self.again)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The thank-you page `thanks` (200) once the form is stored; when this shown form was
    /// stored before, the "already sent" page instead.
    pub fn thanks<T, P: Template>(
        &self,
        stored: Result<T, StoreError>,
        thanks: impl FnOnce() -> P,
    ) -> Result<Response, PageError> {
        Ok(self
            .sent_before(stored)?
            .unwrap_or_else(|| render_status(StatusCode::OK, thanks())))
    }
}
