//! Joining a circle (open, or by a request the facilitator admits) and leaving it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tower_sessions::Session;

use super::{active, shown_in, sign_in_first, to_members, typed_in};
use crate::domain::circle::{LearningCircle, MemberRole};
use crate::http::mijn::{notice_page, signed_in, SignedForm};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;
use crate::store::Shown;

#[derive(Template)]
#[template(path = "mijn/leerkring_meedoen.html")]
struct JoinPage {
    l: Layout,
    c: LearningCircle,
    csrf: String,
    /// The name, organisation and consent in the form.
    shown: Shown,
    error: Option<String>,
    open: bool,
}

pub(super) async fn join_page(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let c = active(&state, &slug).await?;
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first("Meedoen met een leerkring"));
    };
    let role = state
        .catalog
        .store()
        .member_role(c.id, s.participant.id)
        .await?;
    if role.is_some_and(MemberRole::is_member) {
        return Ok(to_members(&slug, ""));
    }
    let open = c.toegang == crate::domain::circle::Access::Open;
    Ok(render_status(
        StatusCode::OK,
        JoinPage {
            l: Layout::new(
                format!("Meedoen: {}", c.titel),
                "Doe mee met een leerkring.",
                "/leerkringen/detail",
            ),
            csrf: s.csrf,
            shown: Shown {
                naam: s.participant.naam.clone().unwrap_or_default(),
                ..Shown::default()
            },
            error: (role == Some(MemberRole::Aanvraag)).then(|| {
                "Je hebt al gevraagd of je mee mag doen. De begeleider laat je weten of dat kan."
                    .to_string()
            }),
            open,
            c,
        },
    ))
}

pub(super) async fn join(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let c = active(&state, &slug).await?;
    let open = c.toegang == crate::domain::circle::Access::Open;
    let shown = match shown_in(&form) {
        Ok(shown) => shown,
        Err(m) => {
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                JoinPage {
                    l: Layout::new(
                        format!("Fout: meedoen: {}", c.titel),
                        "Doe mee met een leerkring.",
                        "/leerkringen/detail",
                    ),
                    csrf: s.csrf,
                    shown: typed_in(&form),
                    error: Some(m.into()),
                    open,
                    c,
                },
            ));
        }
    };
    let rol = if open {
        MemberRole::Lid
    } else {
        MemberRole::Aanvraag
    };
    let store = state.catalog.store();
    store
        .join_circle(c.id, s.participant.id, rol, &shown)
        .await?;
    if open {
        return Ok(to_members(&slug, "welkom"));
    }
    Ok(notice_page(
        StatusCode::OK,
        "Je vraag is verstuurd",
        vec![format!(
            "Je hebt gevraagd of je mee mag doen met de leerkring “{}”. De begeleider bekijkt je vraag; zodra je bent toegelaten, zie je de ledenpagina.",
            c.titel
        )],
        vec![
            ("Terug naar de leerkring", &format!("/leerkringen/{slug}")),
            ("Naar Mijn WijkWijzer", "/mijn"),
        ],
    ))
}

pub(super) async fn leave(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, .. }: SignedForm,
) -> Result<Response, PageError> {
    let Some(c) = state.catalog.store().circle_by_slug(&slug).await? else {
        return Err(PageError::NotFound);
    };
    state
        .catalog
        .store()
        .leave_circle(c.id, s.participant.id)
        .await?;
    Ok(notice_page(
        StatusCode::OK,
        "Je doet niet meer mee",
        vec![format!(
            "Je bent geen lid meer van de leerkring “{}”. Je krijgt geen berichten meer van deze leerkring.",
            c.titel
        )],
        vec![
            ("Terug naar de leerkring", &format!("/leerkringen/{slug}")),
            ("Naar Mijn WijkWijzer", "/mijn"),
        ],
    ))
}
