//! Introductions between askers with the same question: a signed-in asker asks from the peers
//! suggested on `/mijn`; the other asker is mailed a signed link (no name, no address) to a
//! button page; only when they accept too are the details both consented to and their
//! addresses exchanged, by mail to both. Declining, ignoring or withdrawn consent reveals nothing.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::domain::taxonomy::Vocabulary;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::{label, Layout};
use crate::http::AppState;
use crate::mail;
use crate::store::{IntroRequest, IntroSide, INTRODUCTION_DAYS};

use super::{notice_page, to_account, well_formed, Button, ButtonForm, SignedForm};

/// The signed form of the button page.
struct IntroductionForm;

impl ButtonForm for IntroductionForm {
    const NAME: &'static str = "kennismaking";
}

/// The introduction routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mijn/vragen/{id}/kennismaken", post(ask))
        .route("/kennismaking/{token}", get(page).post(decide))
}

/// Asks for an introduction from one's own question `id` to the suggested peer's question
/// (`peer`): refused unless that peer is suggested to it now.
async fn ask(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let peer = form.get("peer").cloned().unwrap_or_default();
    let Some(found) =
        crate::http::pages::peers::introduction_to(&state, &s.participant.email, &id, &peer)
            .await?
    else {
        return Ok(notice_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Kennismaken lukt niet",
            vec!["Deze persoon staat niet (meer) bij de anderen met dezelfde vraag. Misschien wil die geen contact meer.".into()],
            vec![("Terug naar Mijn WijkWijzer", "/mijn")],
        ));
    };
    let (token, hash) = crate::store::new_link_token()?;
    let link = format!("{}/kennismaking/{token}", state.base_url);
    let m =
        mail::peer_introduction_request_mail(&found.email, &found.waarom, &link, INTRODUCTION_DAYS);
    let asked = state
        .catalog
        .store()
        .request_introduction(&id, &peer, &hash, &m, state.clock().now())
        .await?;
    Ok(to_account(match asked {
        IntroRequest::Sent => "kennismaking-gevraagd",
        IntroRequest::AlreadyAsked => "kennismaking-al-gevraagd",
        IntroRequest::NoConsent => "kennismaking-niet",
    }))
}

#[derive(Template)]
#[template(path = "mijn/kennismaking.html")]
struct IntroductionPage {
    l: Layout,
    action: String,
    token: String,
}

fn gone() -> Response {
    notice_page(
        StatusCode::GONE,
        "Deze link werkt niet meer",
        vec![format!(
            "Je hebt al gekozen, de link is ouder dan {INTRODUCTION_DAYS} dagen, of een van jullie wil geen contact meer. Er is niets gedeeld."
        )],
        vec![("Mijn WijkWijzer", "/mijn")],
    )
}

/// The link from the mail shows the choice: a mail scanner that opens links changes nothing.
async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    if !well_formed(&token) {
        return Ok(gone());
    }
    let hash = crate::security::token_hash(&token);
    if state
        .catalog
        .store()
        .introduction(&hash, state.clock().now())
        .await?
        .is_none()
    {
        return Ok(gone());
    }
    Ok(render_status(
        StatusCode::OK,
        IntroductionPage {
            l: Layout::new(
                "Kennismaken met iemand met dezelfde vraag",
                "Kies of je wilt kennismaken met iemand die met dezelfde leervraag bezig is.",
                "/kennismaking",
            ),
            action: format!("/kennismaking/{token}"),
            token: state.forms.token(IntroductionForm::NAME),
        },
    ))
}

/// What `side` shares with the other.
fn shared_details(state: &AppState, side: &IntroSide) -> mail::SharedDetails {
    let snapshot = state.catalog.snapshot();
    let rol: Vec<String> = [
        side.doelgroep
            .as_deref()
            .map(|g| label(&snapshot, Vocabulary::TargetGroup, g)),
        side.sector
            .as_deref()
            .map(|g| label(&snapshot, Vocabulary::Sector, g)),
    ]
    .into_iter()
    .flatten()
    .collect();
    mail::SharedDetails {
        naam: side.share.naam.clone(),
        organisatie: side.share.organisatie.clone(),
        rol: Some(rol.join(", ")).filter(|r| side.share.rol && !r.is_empty()),
        gemeente: side
            .gemeente
            .as_deref()
            .map(str::trim)
            .filter(|g| side.share.gemeente && !g.is_empty())
            .map(String::from),
        email: side.email.clone(),
    }
}

/// Accepts (`actie=ja`) or declines the introduction. Accepted, both get the other's details by
/// mail, in the same transaction; declined, nobody is told anything.
async fn decide(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Button(form, _): Button<IntroductionForm>,
) -> Result<Response, PageError> {
    if !well_formed(&token) {
        return Ok(gone());
    }
    let accept = match form.get("actie").map(String::as_str) {
        Some("ja") => true,
        Some("nee") => false,
        _ => {
            return Ok(notice_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Kies ja of nee",
                vec!["Kies met een van de knoppen of je wilt kennismaken.".into()],
                vec![("Mijn WijkWijzer", "/mijn")],
            ))
        }
    };
    let now = state.clock().now();
    let hash = crate::security::token_hash(&token);
    let store = state.catalog.store();
    let Some(intro) = store.introduction(&hash, now).await? else {
        return Ok(gone());
    };
    let mails = if accept {
        vec![
            mail::peer_introduction_made_mail(
                &intro.from.email,
                &shared_details(&state, &intro.to),
            ),
            mail::peer_introduction_made_mail(
                &intro.to.email,
                &shared_details(&state, &intro.from),
            ),
        ]
    } else {
        Vec::new()
    };
    if !store
        .decide_introduction(&hash, accept, &mails, now)
        .await?
    {
        return Ok(gone());
    }
    Ok(if accept {
        notice_page(
            StatusCode::OK,
            "Jullie willen allebei kennismaken",
            vec!["Jullie krijgen allebei een mail met wat de ander deelt: naam, organisatie, rol en gemeente voor zover ingevuld, en het e-mailadres.".into()],
            vec![("Mijn WijkWijzer", "/mijn")],
        )
    } else {
        notice_page(
            StatusCode::OK,
            "Je wilt niet kennismaken",
            vec![
                "Dat is goed. De ander krijgt niets van je te zien: geen naam, geen e-mailadres."
                    .into(),
            ],
            vec![("Mijn WijkWijzer", "/mijn")],
        )
    })
}
