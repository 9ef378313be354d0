//! The extractor of a participant's form whose fields may repeat (the guided circle form).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::{form_signed, Signed};
use crate::http::form_fields::pairs;
use crate::http::page_error::PageError;
use crate::http::AppState;

/// A form of the participant with its fields in order (a field may repeat, as the guided form's
/// ticks do) and as a map, after the CSRF check ([`form_signed`]); `signed` is `None` when nobody
/// is signed in, so the handler says what needs signing in.
pub struct SignedPairs {
    /// The participant, when signed in.
    pub signed: Option<Signed>,
    /// The form's fields in order.
    pub values: Vec<(String, String)>,
    /// The form's fields by name (the last of a repeated one).
    pub form: HashMap<String, String>,
}

impl FromRequest<AppState> for SignedPairs {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<SignedPairs, Response> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|e| PageError::internal(e.1).into_response())?;
        let headers = parts.headers.clone();
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let values = pairs(&body);
        let form: HashMap<String, String> = values.iter().cloned().collect();
        let signed = form_signed(state, &headers, &session, &form)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(SignedPairs {
            signed,
            values,
            form,
        })
    }
}
