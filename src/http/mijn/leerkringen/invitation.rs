//! Accepting an invitation of the coordination point by its signed link (a button page: no
//! change on GET).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use tower_sessions::Session;

use super::{shown_in, to_members, typed_in};
use crate::domain::circle::{LearningCircle, MemberRole};
use crate::http::extract::PageForm;
use crate::http::mijn::{keys, notice_page, screen_button, well_formed};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;
use crate::store::Shown;

const INVITATION_FORM: &str = "leerkring-uitnodiging";

#[derive(Template)]
#[template(path = "mijn/leerkring_uitnodiging.html")]
struct InvitationPage {
    l: Layout,
    c: LearningCircle,
    action: String,
    token: String,
    error: Option<String>,
    /// The name, organisation and consent in the form.
    shown: Shown,
}

fn invitation_expired() -> Response {
    notice_page(
        StatusCode::GONE,
        "Deze uitnodiging werkt niet meer",
        vec![format!(
            "De link is al gebruikt of ouder dan {} dagen. Wil je toch meedoen? Kijk bij de leerkringen of vraag het coördinatiepunt via het contactformulier.",
            crate::store::INVITATION_DAYS
        )],
        vec![("Alle leerkringen", "/leerkringen"), ("Vraag of suggestie", "/contact")],
    )
}

/// The circle of a working invitation link.
async fn invited(state: &AppState, token: &str) -> Result<Option<LearningCircle>, PageError> {
    if !well_formed(token) {
        return Ok(None);
    }
    let store = state.catalog.store();
    let hash = crate::security::token_hash(token);
    let Some(inv) = store.invitation(&hash, state.clock().now()).await? else {
        return Ok(None);
    };
    Ok(store
        .circle(inv.circle_id)
        .await?
        .filter(LearningCircle::is_active))
}

/// The link from the mail shows a button: a mail scanner that opens links changes nothing.
pub(super) async fn invitation_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let Some(c) = invited(&state, &token).await? else {
        return Ok(invitation_expired());
    };
    Ok(render_status(
        StatusCode::OK,
        InvitationPage {
            l: Layout::new(
                format!("Uitnodiging: {}", c.titel),
                "Neem de uitnodiging voor een leerkring aan.",
                "/leerkringen/detail",
            ),
            action: format!("/leerkringen/uitnodiging/{token}"),
            token: state.forms.token(INVITATION_FORM),
            error: None,
            shown: Shown::default(),
            c,
        },
    ))
}

pub(super) async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    Path(token): Path<String>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    screen_button(&state, INVITATION_FORM, &headers, &form)?;
    let Some(c) = invited(&state, &token).await? else {
        return Ok(invitation_expired());
    };
    let shown = match shown_in(&form) {
        Ok(shown) => shown,
        Err(m) => {
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                InvitationPage {
                    l: Layout::new(
                        format!("Fout: uitnodiging: {}", c.titel),
                        "Neem de uitnodiging voor een leerkring aan.",
                        "/leerkringen/detail",
                    ),
                    action: format!("/leerkringen/uitnodiging/{token}"),
                    token: state.forms.token(INVITATION_FORM),
                    error: Some(m.into()),
                    shown: typed_in(&form),
                    c,
                },
            ));
        }
    };
    let now = state.clock().now();
    let hash = crate::security::token_hash(&token);
    let Some((participant, rol)) = state
        .catalog
        .store()
        .accept_invitation(&hash, &shown, now)
        .await?
    else {
        return Ok(invitation_expired());
    };
    // The link proved the address: the invitee is signed in, in a new session.
    session.cycle_id().await?;
    let _ = session.remove::<String>(keys::CSRF).await;
    session.insert(keys::PARTICIPANT, participant).await?;
    session.insert(keys::SINCE, now.timestamp_millis()).await?;
    crate::security_event!("deelnemer_uitnodiging_aangenomen", deelnemer = participant);
    Ok(to_members(
        &c.slug,
        if rol == MemberRole::Begeleider {
            "begeleider"
        } else {
            "lid"
        },
    ))
}
