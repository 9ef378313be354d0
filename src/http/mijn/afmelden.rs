//! One-click unsubscribe from alert mail, without signing in: the signed link of every alert
//! mail shows a button (GET uses nothing up, so a mail scanner cannot unsubscribe anyone), and a
//! POST to the same address, from that button or from a mail program (`List-Unsubscribe-Post`,
//! RFC 8058), stops all alert mail. The signature is the capability: no form token is needed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use askama::Template;

use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;

use super::notice_page;

/// The unsubscribe routes (no session).
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/mijn/afmelden/{participant}/{signature}",
        get(show).post(unsubscribe),
    )
}

#[derive(Template)]
#[template(path = "mijn/afmelden.html")]
struct UnsubscribePage {
    l: Layout,
    action: String,
}

fn checked(state: &AppState, participant: &str, signature: &str) -> Option<i64> {
    let id = participant.parse::<i64>().ok()?;
    crate::digest::unsubscribe_signature_ok(&state.mijn.secret, id, signature).then_some(id)
}

fn bad_link() -> Response {
    notice_page(
        StatusCode::NOT_FOUND,
        "Deze afmeldlink klopt niet",
        vec!["Deze afmeldlink is niet compleet of niet van ons. Gebruik de link uit de laatste mail, of log in op Mijn WijkWijzer om te kiezen wat je volgt.".into()],
        vec![("Naar Mijn WijkWijzer", "/mijn")],
    )
}

async fn show(
    State(state): State<AppState>,
    Path((participant, signature)): Path<(String, String)>,
) -> Response {
    if checked(&state, &participant, &signature).is_none() {
        return bad_link();
    }
    render_status(
        StatusCode::OK,
        UnsubscribePage {
            l: Layout::new(
                "Afmelden voor mail",
                "Meld je met één klik af voor mail over wat je volgt.",
                "/mijn",
            ),
            action: format!("/mijn/afmelden/{participant}/{signature}"),
        },
    )
}

async fn unsubscribe(
    State(state): State<AppState>,
    Path((participant, signature)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let Some(id) = checked(&state, &participant, &signature) else {
        return Ok(bad_link());
    };
    state.catalog.store().unfollow_all(id).await?;
    crate::security_event!("deelnemer_afgemeld", deelnemer = id);
    Ok(notice_page(
        StatusCode::OK,
        "Je bent afgemeld",
        vec![
            "Je krijgt geen mail meer over wat je volgde. Je account en je eigen leervragen blijven bestaan.".into(),
            "Wil je toch weer iets volgen, of je account verwijderen? Log dan in op Mijn WijkWijzer.".into(),
        ],
        vec![("Naar Mijn WijkWijzer", "/mijn")],
    ))
}
