//! Signing in to Mijn WijkWijzer with a one-time link by mail: the sign-in page, the request for
//! a link, the confirming button behind the link, signing out, and the one-button forms that other
//! mailed links (invitations, introductions) share.

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use super::{check_form, keys, limit, notice_page, signed_in, to_account};
use crate::http::extract::PageForm;
use crate::http::forms::{typed_email, Rejection};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;
use crate::store::LINK_MINUTES;

/// Requesting a link, confirming it, and signing out.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/mijn/inloggen", post(request_link))
        .route("/mijn/inloggen/{token}", get(show_confirm).post(confirm))
        .route("/mijn/uitloggen", post(sign_out))
}

#[derive(Template)]
#[template(path = "mijn/inloggen.html")]
pub(crate) struct SignInPage {
    pub l: Layout,
    pub token: String,
    pub email: String,
    pub error: Option<String>,
    pub notice: Option<&'static str>,
}

/// The sign-in page (shown at `/mijn` when nobody is signed in).
pub fn sign_in_page(
    state: &AppState,
    status: StatusCode,
    email: String,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Response {
    let title = if error.is_some() {
        "Fout: Mijn WijkWijzer"
    } else {
        "Mijn WijkWijzer"
    };
    render_status(
        status,
        SignInPage {
            l: Layout::new(
                title,
                "Log in met je e-mailadres: volg thema's en zoekopdrachten en zie je eigen leervragen.",
                "/mijn",
            )
            .retaining(state.retention_months),
            token: state.forms.token(SIGN_IN_FORM),
            email,
            error,
            notice,
        },
    )
}

const SIGN_IN_FORM: &str = "mijn-inloggen";

/// The button that confirms a sign-in link.
struct ConfirmForm;

impl ButtonForm for ConfirmForm {
    const NAME: &'static str = "mijn-bevestigen";
}

/// The page after a sign-in link was requested: the same for every address, known or not.
pub fn link_sent_page(follow: Option<&str>) -> Response {
    let mut p = vec![format!(
        "Als het e-mailadres klopt, krijg je binnen een paar minuten een mail met een link. De link werkt {LINK_MINUTES} minuten en één keer."
    )];
    if let Some(what) = follow {
        p.push(format!(
            "Na het bevestigen volg je: {what}. Zonder bevestiging sturen we niets."
        ));
    }
    p.push("Geen mail gekregen? Kijk ook bij de ongewenste mail, of vraag over een paar minuten een nieuwe link aan.".into());
    notice_page(
        StatusCode::OK,
        "Kijk in je mail",
        p,
        vec![("Terug naar het leeraanbod", "/aanbod")],
    )
}

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// The reply to a public form that was refused: `None` when it may go on.
fn screened(
    state: &AppState,
    form_name: &str,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<Rejection> {
    state.forms.screen(form_name, headers, form).err()
}

async fn request_link(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let typed = field(&form, "email");
    let refuse = |status, error: &str| {
        Ok(sign_in_page(
            &state,
            status,
            typed.clone(),
            Some(error.into()),
            None,
        ))
    };
    if let Some(r) = screened(&state, SIGN_IN_FORM, &headers, &form) {
        return refuse(r.status(), r.message());
    }
    let email = match typed_email(&typed) {
        Ok(email) => email,
        Err(message) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &message),
    };
    if let Err(r) = limit(&state, state.client_ip(&headers, peer), &email) {
        crate::security_event!("deelnemer_link_geblokkeerd");
        return refuse(r.status(), r.message());
    }
    let base = state.base_url.clone();
    state
        .catalog
        .store()
        .sign_in_link(&email, None, state.clock().now(), |token| {
            crate::mail::sign_in_mail(&base, &email, token, None)
        })
        .await?;
    crate::security_event!("deelnemer_link_gevraagd");
    Ok(link_sent_page(None))
}

#[derive(Template)]
#[template(path = "mijn/bevestigen.html")]
struct ConfirmPage {
    l: Layout,
    action: String,
    token: String,
}

fn link_expired(state: &AppState) -> Response {
    sign_in_page(
        state,
        StatusCode::GONE,
        String::new(),
        Some(format!(
            "Deze link werkt niet meer: hij is al gebruikt of ouder dan {LINK_MINUTES} minuten. Vraag hieronder een nieuwe link aan."
        )),
        None,
    )
}

/// A token of a link the platform mailed, as it makes them: 64 hex digits.
pub(crate) fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Signs `participant` in, proved by a mailed link, at `now`: a new session id (no fixation) and a
/// fresh form token.
pub(crate) async fn sign_in(
    session: &Session,
    participant: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), PageError> {
    session.cycle_id().await?;
    let _ = session.remove::<String>(keys::CSRF).await;
    session.insert(keys::PARTICIPANT, participant).await?;
    session.insert(keys::SINCE, now.timestamp_millis()).await?;
    Ok(())
}

/// A one-button page reached from a mailed link: the name its form is signed and screened under.
pub(crate) trait ButtonForm {
    /// The form's name for its token (`state.forms.token(NAME)`).
    const NAME: &'static str;
}

/// The fields of the one-button form `F` as sent, taken only once [`screen_button`] let them
/// through.
pub(crate) struct Button<F>(
    pub HashMap<String, String>,
    pub(in crate::http::mijn) std::marker::PhantomData<F>,
);

impl<F: ButtonForm> FromRequest<AppState> for Button<F> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let headers = req.headers().clone();
        let PageForm(form) = PageForm::<HashMap<String, String>>::from_request(req, state).await?;
        screen_button(state, F::NAME, &headers, &form)?;
        Ok(Button(form, std::marker::PhantomData))
    }
}

/// Screens the form of a one-button page reached from a mailed link: the minimum fill time does
/// not apply to a single button; any other refusal is the "Formulier verlopen" page.
fn screen_button(
    state: &AppState,
    form_name: &str,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<(), PageError> {
    match state.forms.screen(form_name, headers, form) {
        Err(r) if r != Rejection::TooFast => Err(PageError::refused(
            r.status(),
            "Formulier verlopen",
            r.message(),
        )),
        _ => Ok(()),
    }
}

/// The link from the mail shows a button: a mail scanner that opens links uses nothing up.
async fn show_confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let store = state.catalog.store();
    if !well_formed(&token)
        || !store
            .sign_in_link_valid(&token, state.clock().now())
            .await?
    {
        return Ok(link_expired(&state));
    }
    Ok(render_status(
        StatusCode::OK,
        ConfirmPage {
            l: Layout::new(
                "Bevestig je e-mailadres",
                "Bevestig je e-mailadres om in te loggen op Mijn WijkWijzer.",
                "/mijn",
            ),
            action: format!("/mijn/inloggen/{token}"),
            token: state.forms.token(ConfirmForm::NAME),
        },
    ))
}

async fn confirm(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    _: Button<ConfirmForm>,
) -> Result<Response, PageError> {
    if !well_formed(&token) {
        return Ok(link_expired(&state));
    }
    let now = state.clock().now();
    let Some(signed) = state.catalog.store().use_sign_in_link(&token, now).await? else {
        crate::security_event!("deelnemer_link_ongeldig");
        return Ok(link_expired(&state));
    };
    sign_in(&session, signed.participant.id, now).await?;
    crate::security_event!("deelnemer_ingelogd", deelnemer = signed.participant.id);
    Ok(to_account(if signed.followed.is_some() {
        "gevolgd"
    } else {
        "ingelogd"
    }))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(to_account(""));
    };
    check_form(&headers, &state, &s, &form.csrf)?;
    let _ = session.flush().await;
    crate::security_event!("deelnemer_uitgelogd", deelnemer = s.participant.id);
    Ok(to_account("uitgelogd"))
}
