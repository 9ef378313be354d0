//! Accepting an invitation of the coordination point by its signed link (a button page: no
//! change on GET).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tower_sessions::Session;

use super::{shown_in, to_members, typed_in};
use crate::domain::circle::{LearningCircle, MemberRole};
use crate::http::mijn::{notice_page, sign_in, well_formed, Button, ButtonForm};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;
use crate::store::Shown;

/// The button that accepts an invitation.
pub(super) struct InvitationForm;

impl ButtonForm for InvitationForm {
    const NAME: &'static str = "leerkring-uitnodiging";
}

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

/// The button page of invitation `token` to `c`: 200, or 422 with `error` above the form as
/// `shown`.
fn invitation_form(
    state: &AppState,
    c: LearningCircle,
    token: &str,
    error: Option<String>,
    shown: Shown,
) -> Response {
    let (status, title) = match error {
        None => (StatusCode::OK, format!("Uitnodiging: {}", c.titel)),
        Some(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Fout: uitnodiging: {}", c.titel),
        ),
    };
    render_status(
        status,
        InvitationPage {
            l: Layout::new(
                title,
                "Neem de uitnodiging voor een leerkring aan.",
                "/leerkringen/detail",
            ),
            action: format!("/leerkringen/uitnodiging/{token}"),
            token: state.forms.token(InvitationForm::NAME),
            error,
            shown,
            c,
        },
    )
}

/// The link from the mail shows a button: a mail scanner that opens links changes nothing.
pub(super) async fn invitation_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let Some(c) = invited(&state, &token).await? else {
        return Ok(invitation_expired());
    };
    Ok(invitation_form(&state, c, &token, None, Shown::default()))
}

pub(super) async fn accept_invitation(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    Button(form, _): Button<InvitationForm>,
) -> Result<Response, PageError> {
    let Some(c) = invited(&state, &token).await? else {
        return Ok(invitation_expired());
    };
    let shown = match shown_in(&form) {
        Ok(shown) => shown,
        Err(m) => {
            return Ok(invitation_form(
                &state,
                c,
                &token,
                Some(m.into()),
                typed_in(&form),
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
    sign_in(&session, participant, now).await?;
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
