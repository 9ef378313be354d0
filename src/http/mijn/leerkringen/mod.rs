//! Learning circles for signed-in participants: starting one (`/leerkringen/starten`, into
//! moderation), joining and leaving, the members' page (members as consented, meetings, links,
//! announcements mailed through the outbox), the facilitator's tools, proposing a result as an
//! offering, and accepting an invitation by its signed link (a button page: no change on GET).
//!
//! One file per job: `start.rs`, `join.rs` (and leaving), `members.rs` (the members' page),
//! `tools.rs` (the facilitator's meetings, links and announcements), `result.rs`, `invitation.rs`.

mod invitation;
mod join;
mod members;
mod result;
mod start;
mod tools;

use std::collections::HashMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::domain::circle::{LearningCircle, MemberRole};
use crate::http::page_error::PageError;
use crate::http::AppState;
use crate::store::Shown;

use super::{notice_page, Signed};
use invitation::{accept_invitation, invitation_page};
use join::{join, join_page, leave};
use members::{listed, members_page};
use result::{propose_result, result_page};
pub(super) use start::{circle_form, circle_input, errors_map, StartForm};
use start::{start, start_page};
use tools::{add_link, add_meeting, admit, announce, remove_link, remove_meeting};

/// The circle routes that need the participant session.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leerkringen/starten", get(start_page).post(start))
        .route("/leerkringen/{slug}/meedoen", get(join_page).post(join))
        .route("/leerkringen/{slug}/verlaten", post(leave))
        .route("/leerkringen/{slug}/leden", get(members_page))
        .route("/leerkringen/{slug}/zichtbaar", post(listed))
        .route("/leerkringen/{slug}/toelaten", post(admit))
        .route("/leerkringen/{slug}/bijeenkomsten", post(add_meeting))
        .route(
            "/leerkringen/{slug}/bijeenkomsten/{id}/weg",
            post(remove_meeting),
        )
        .route("/leerkringen/{slug}/links", post(add_link))
        .route("/leerkringen/{slug}/links/{id}/weg", post(remove_link))
        .route("/leerkringen/{slug}/berichten", post(announce))
        .route(
            "/leerkringen/{slug}/resultaat",
            get(result_page).post(propose_result),
        )
        .route(
            "/leerkringen/uitnodiging/{token}",
            get(invitation_page).post(accept_invitation),
        )
}

pub(super) fn sign_in_first(what: &str) -> Response {
    notice_page(
        StatusCode::OK,
        "Log eerst in",
        vec![format!("{what} kan met een account op Mijn WijkWijzer. Je logt in met je e-mailadres: je krijgt een link per mail, een wachtwoord is niet nodig.")],
        vec![("Inloggen op Mijn WijkWijzer", "/mijn"), ("Alle leerkringen", "/leerkringen")],
    )
}

fn members_only() -> PageError {
    PageError::refused(
        StatusCode::FORBIDDEN,
        "Alleen voor leden",
        "Deze pagina is alleen voor de leden van deze leerkring. Wil je meedoen? Kijk op de pagina van de leerkring hoe dat kan.",
    )
}

fn facilitator_only() -> PageError {
    PageError::refused(
        StatusCode::FORBIDDEN,
        "Alleen voor de begeleider",
        "Dit kan alleen de begeleider van deze leerkring.",
    )
}

/// An active circle by slug; anything else is not found.
async fn active(state: &AppState, slug: &str) -> Result<LearningCircle, PageError> {
    match state.catalog.store().circle_by_slug(slug).await? {
        Some(c) if c.is_active() => Ok(c),
        _ => Err(PageError::NotFound),
    }
}

/// The circle and the participant's role in it, which must be `Begeleider` (or any member when
/// `facilitator` is false).
pub(super) async fn member_of(
    state: &AppState,
    slug: &str,
    s: &Signed,
    facilitator: bool,
) -> Result<(LearningCircle, MemberRole), PageError> {
    let c = active(state, slug).await?;
    let role = state
        .catalog
        .store()
        .member_role(c.id, s.participant.id)
        .await?;
    match role {
        Some(MemberRole::Begeleider) => Ok((c, MemberRole::Begeleider)),
        Some(MemberRole::Lid) if !facilitator => Ok((c, MemberRole::Lid)),
        Some(MemberRole::Lid) => Err(facilitator_only()),
        _ => Err(members_only()),
    }
}

pub(super) fn to_members(slug: &str, melding: &str) -> Response {
    Redirect::to(&format!("/leerkringen/{slug}/leden?melding={melding}")).into_response()
}

/// The name, organisation and consent of a form as typed, to show them again with an error.
fn typed_in(form: &HashMap<String, String>) -> Shown {
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    Shown {
        naam: get("naam"),
        organisatie: get("organisatie"),
        zichtbaar: get("zichtbaar") == "ja",
    }
}

/// What a member chose to show, from a form: name, organisation and consent (`zichtbaar=ja`).
fn shown_in(form: &HashMap<String, String>) -> Result<Shown, &'static str> {
    let get = |k: &str| form.get(k).map_or("", |v| v.trim()).to_string();
    let shown = Shown {
        naam: get("naam"),
        organisatie: get("organisatie"),
        zichtbaar: get("zichtbaar") == "ja",
    };
    if shown.naam.chars().count() > 100 || shown.organisatie.chars().count() > 200 {
        return Err("Je naam of organisatie is te lang (hoogstens 100 en 200 tekens).");
    }
    if shown.zichtbaar && shown.naam.is_empty() {
        return Err("Vul de naam in die de anderen mogen zien, of kies dat je niet genoemd wordt.");
    }
    Ok(shown)
}
