//! Contact messages ("Vragen en suggesties"): the list and closing one.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::domain::status::MessageStatus;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security::Area;
use crate::store::ContactMessage;

use super::{see_other, BLayout, Staff};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/berichten", get(messages))
        .route("/beheer/berichten/{id}/afgehandeld", post(close_message))
}

#[derive(Template)]
#[template(path = "beheer/berichten.html")]
struct MessagesPage {
    l: BLayout,
    messages: Vec<ContactMessage>,
}

async fn messages(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Berichten)?;
    let messages = state.catalog.store().contact_inbox().await?;
    Ok(render_status(
        StatusCode::OK,
        MessagesPage {
            l: BLayout::new("Vragen en suggesties", "/beheer/berichten", &staff),
            messages,
        },
    ))
}

async fn close_message(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Berichten)?;
    let id = super::row_id(&id)?;
    let store = state.catalog.store();
    let closed = store.close_contact(id, staff.actor()).await?;
    if !closed && !store.contact_exists(id).await? {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/beheer/berichten"))
}
