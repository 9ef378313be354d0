//! The question inbox: each learning question with the engine's suggested matches; the
//! coordinator confirms, removes or adds matches, corrects the themes, answers (mailed when an
//! address was given) and moves the status along `nieuw → in behandeling → beantwoord`, `lacune`
//! or `doorverwezen`.
//!
//! `list.rs` is the inbox with its filters, `detail.rs` one question with its matches,
//! `changes.rs` what the coordinator changes: matches, themes, status and answer.

mod changes;
mod detail;
mod list;

use axum::routing::{get, post};
use axum::Router;

use crate::http::AppState;

use changes::{link, themes, update};
use detail::detail;
use list::list;

/// The inbox routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/vragen", get(list))
        .route("/beheer/vragen/{id}", get(detail).post(update))
        .route("/beheer/vragen/{id}/koppeling", post(link))
        .route("/beheer/vragen/{id}/themas", post(themes))
}
