//! The extractor of a participant's form whose fields may repeat (the guided circle form).

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use tower_sessions::Session;

use super::{form_signed, Signed};
use crate::http::extract::PageBody;
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
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<SignedPairs, PageError> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(PageError::session_lost)?;
        let headers = parts.headers.clone();
        let PageBody(body) =
            PageBody::from_request(Request::from_parts(parts, body), state).await?;
        let values = pairs(&body);
        let form: HashMap<String, String> = values.iter().cloned().collect();
        let signed = form_signed(state, &headers, &session, &form).await?;
        Ok(SignedPairs {
            signed,
            values,
            form,
        })
    }
}
