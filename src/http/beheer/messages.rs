//! Contact messages ("Vragen en suggesties"): the list, closing one and answering one by mail.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::domain::status::MessageStatus;
use crate::http::extract::PageForm;
use crate::http::offering_form::messages::dutch_number;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::mail;
use crate::security::Area;
use crate::store::{ContactMessage, StoreError};

use super::{see_other, BLayout, Opened, Record, Staff};

/// The longest answer to a contact message, in characters.
pub const REPLY_MAX: usize = 5_000;
/// The shortest answer that is mailed, in characters.
const REPLY_MIN: usize = 10;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/berichten", get(messages))
        .route("/beheer/berichten/{id}/afgehandeld", post(close_message))
        .route("/beheer/berichten/{id}/antwoord", post(reply))
}

/// An answer that was not sent: to which message, what was typed and why not.
struct ReplyError {
    id: i64,
    text: String,
    message: String,
}

#[derive(Template)]
#[template(path = "beheer/berichten.html")]
struct MessagesPage {
    l: BLayout,
    messages: Vec<ContactMessage>,
    notice: Option<&'static str>,
    error: Option<ReplyError>,
    /// The longest answer, in words (`5.000`).
    max: String,
}

impl MessagesPage {
    /// The error of the answer form of message `id`, if that one failed.
    fn error_of(&self, id: &i64) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|e| e.id == *id)
            .map(|e| e.message.as_str())
    }

    /// What stands in the answer box of message `id`: the text typed when it failed.
    fn draft_of(&self, id: &i64) -> &str {
        self.error
            .as_ref()
            .filter(|e| e.id == *id)
            .map_or("", |e| e.text.as_str())
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    melding: String,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    notice: Option<&'static str>,
    error: Option<ReplyError>,
) -> Result<Response, PageError> {
    let messages = state.catalog.store().contact_inbox().await?;
    Ok(render_status(
        status,
        MessagesPage {
            l: BLayout::new("Vragen en suggesties", "/beheer/berichten", staff),
            messages,
            notice,
            error,
            max: dutch_number(REPLY_MAX),
        },
    ))
}

async fn messages(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Berichten)?;
    let notice = (q.melding == "verstuurd").then_some(
        "Verstuurd. Het antwoord staat in de wachtrij van de mail en is bewaard bij het bericht.",
    );
    page(&state, &staff, StatusCode::OK, notice, None).await
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

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(default)]
    antwoord: String,
}

/// Why an answer cannot be mailed as typed, in Dutch; `None` when it can.
fn reply_problem(m: &ContactMessage, text: &str) -> Option<(StatusCode, String)> {
    let n = text.chars().count();
    if m.reply.is_some() {
        Some((
            StatusCode::CONFLICT,
            "Dit bericht is al beantwoord; het antwoord staat hieronder.".into(),
        ))
    } else if m.email.is_none() {
        Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "Dit bericht heeft geen e-mailadres; er kan geen antwoord worden gemaild.".into(),
        ))
    } else if n < REPLY_MIN {
        Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Schrijf een antwoord van minstens {REPLY_MIN} tekens voordat je het verstuurt."
            ),
        ))
    } else if n > REPLY_MAX {
        Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Het antwoord is te lang: {} tekens, hoogstens {} tekens.",
                dutch_number(n),
                dutch_number(REPLY_MAX)
            ),
        ))
    } else {
        None
    }
}

impl Record for ContactMessage {
    const AREA: Area = Area::Berichten;

    async fn load(state: &AppState, id: i64) -> Result<Option<ContactMessage>, StoreError> {
        state.catalog.store().contact_message(id).await
    }
}

async fn reply(
    State(state): State<AppState>,
    Opened(staff, message): Opened<ContactMessage>,
    PageForm(form): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    let id = message.id;
    let store = state.catalog.store();
    let text = form.antwoord.trim().to_string();
    let failed = |status, message: String, text: String| {
        let error = ReplyError { id, text, message };
        page(&state, &staff, status, None, Some(error))
    };
    if let Some((status, why)) = reply_problem(&message, &text) {
        return failed(status, why, text).await;
    }
    let Some(to) = message.email.as_deref() else {
        return Err(PageError::NotFound);
    };
    if state.staff_mail.hit(staff.user.id).is_err() {
        return failed(
            StatusCode::TOO_MANY_REQUESTS,
            "Je hebt in korte tijd veel antwoorden gemaild. Wacht even en verstuur het dan opnieuw; je tekst staat er nog.".into(),
            text,
        )
        .await;
    }
    let mail = mail::contact_reply_mail(to, None, &message.bericht, &text);
    if !store.reply_contact(id, &text, &mail, staff.actor()).await? {
        return failed(
            StatusCode::CONFLICT,
            "Dit bericht is al beantwoord; het antwoord staat hieronder.".into(),
            text,
        )
        .await;
    }
    Ok(see_other(&format!(
        "/beheer/berichten?melding=verstuurd#bericht-{id}"
    )))
}
