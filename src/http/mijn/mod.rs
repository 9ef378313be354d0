//! Mijn WijkWijzer under `/mijn`: participants sign in with a one-time link by mail (no password),
//! in a session of their own (its own cookie and keys: a participant never reaches `/beheer`).
//! Sign-in and following without an account are public forms ([`FormGuard`] tokens, rate limits
//! per address and per IP); forms of a signed-in participant carry the session's CSRF token.
//!
//! [`FormGuard`]: crate::http::forms::FormGuard

pub mod account;
pub mod afmelden;
pub mod bewaren;
pub mod kennismaken;
pub mod leerkring_begeleider;
pub mod leerkringen;
mod sign_in;
mod signed_pairs;
pub mod volgen;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::http::extract::PageForm;
use crate::http::forms::{same_origin, Rejection};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;
use crate::security::constant_time_eq;
use crate::security::RateLimiter;
use crate::store::{Participant, PendingFollow};

pub use sign_in::{link_sent_page, sign_in_page};
pub(crate) use sign_in::{sign_in, well_formed, Button, ButtonForm};
pub use signed_pairs::SignedPairs;

/// Session keys of a participant (none of them is a back-office key).
mod keys {
    /// The signed-in participant.
    pub const PARTICIPANT: &str = "deelnemer";
    /// Unix ms of sign-in.
    pub const SINCE: &str = "deelnemer_sinds";
    /// The CSRF token of the session's forms.
    pub const CSRF: &str = "deelnemer_csrf";
}

/// What Mijn WijkWijzer keeps besides the shared state: its rate limits and the secret that signs
/// unsubscribe links.
pub struct MijnState {
    /// Sign-in and follow requests per e-mail address.
    pub per_address: RateLimiter<String>,
    /// Sign-in and follow requests per client (IPv4 address, IPv6 /64).
    pub per_ip: RateLimiter<IpAddr>,
    /// Signs unsubscribe links (the platform's form secret).
    pub secret: Vec<u8>,
}

impl MijnState {
    /// Limits of `max` requests per `window` per address (four times as many per IP).
    pub fn new(
        max: usize,
        window: std::time::Duration,
        secret: Vec<u8>,
        clock: &crate::domain::clock::Clock,
    ) -> MijnState {
        MijnState {
            per_address: RateLimiter::new(max, window, clock.clone()),
            per_ip: RateLimiter::new(max.saturating_mul(4), window, clock.clone()),
            secret,
        }
    }
}

/// The session cookie of participants (`__Host-` prefixed when secure).
fn cookie_name(state: &AppState) -> &'static str {
    if state.sessions.secure {
        "__Host-wijkwijzer-mijn"
    } else {
        "wijkwijzer-mijn"
    }
}

/// The routes of Mijn WijkWijzer with their own session layer.
pub fn router(state: &AppState) -> Router<AppState> {
    let idle = tower_sessions::cookie::time::Duration::seconds(
        i64::try_from(state.sessions.idle.as_secs()).unwrap_or(1800),
    );
    let sessions = SessionManagerLayer::new(state.session_store.clone())
        .with_name(cookie_name(state))
        .with_secure(state.sessions.secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));
    Router::new()
        .route("/mijn", get(account::show))
        .merge(sign_in::router())
        .merge(account::router())
        .merge(volgen::router())
        .merge(bewaren::router())
        .merge(leerkringen::router())
        .merge(kennismaken::router())
        .merge(leerkring_begeleider::router())
        .layer(sessions)
        .merge(afmelden::router())
}

/// A signed-in participant.
pub struct Signed {
    /// The account.
    pub participant: Participant,
    /// The session.
    pub session: Session,
    /// The CSRF token of the session's forms.
    pub csrf: String,
}

/// The participant signed in to `session`, checked on every use: the account still exists, the
/// session began after the last "sign out everywhere", and within the absolute timeout. A session
/// that fails a check is emptied.
pub async fn signed_in(
    state: &AppState,
    session: &Session,
) -> Result<Option<Signed>, crate::store::StoreError> {
    let Some(id) = session.get::<i64>(keys::PARTICIPANT).await.ok().flatten() else {
        return Ok(None);
    };
    let since: i64 = session.get(keys::SINCE).await.ok().flatten().unwrap_or(0);
    let absolute = i64::try_from(state.sessions.absolute.as_millis()).unwrap_or(43_200_000);
    let now = state.clock().now();
    let fresh = now.timestamp_millis() - since <= absolute;
    let participant = if fresh {
        state
            .catalog
            .store()
            .participant(id)
            .await?
            .filter(|p| since >= p.sessions_after)
    } else {
        None
    };
    let Some(participant) = participant else {
        crate::security_event!("deelnemer_sessie_beeindigd", deelnemer = id);
        let _ = session.flush().await;
        return Ok(None);
    };
    state.catalog.store().participant_seen(id, now).await?;
    let csrf = match session.get::<String>(keys::CSRF).await.ok().flatten() {
        Some(t) => t,
        None => {
            let t = crate::security::random_hex(32);
            let _ = session.insert(keys::CSRF, &t).await;
            t
        }
    };
    Ok(Some(Signed {
        participant,
        session: session.clone(),
        csrf,
    }))
}

/// Checks a signed-in form: same origin and the session's CSRF token; a form that does not
/// check out is refused (403).
pub fn check_form(
    headers: &HeaderMap,
    state: &AppState,
    signed: &Signed,
    sent: &str,
) -> Result<(), PageError> {
    let ok = same_origin(headers, state.forms.origin.as_deref()).is_ok()
        && !sent.is_empty()
        && constant_time_eq(signed.csrf.as_bytes(), sent.as_bytes());
    if ok {
        return Ok(());
    }
    crate::security_event!("csrf_geweigerd", reden = "mijn");
    Err(PageError::refused(
        StatusCode::FORBIDDEN,
        "Formulier verlopen",
        "Het formulier kon niet worden gecontroleerd: het is verlopen of komt niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
    ))
}

/// The signed-in participant of a form, after the CSRF check (a form that does not check out is
/// refused); `None` when nobody is signed in.
pub async fn form_signed(
    state: &AppState,
    headers: &HeaderMap,
    session: &Session,
    form: &HashMap<String, String>,
) -> Result<Option<Signed>, PageError> {
    let Some(s) = signed_in(state, session).await? else {
        return Ok(None);
    };
    check_form(
        headers,
        state,
        &s,
        form.get("csrf").map_or("", String::as_str),
    )?;
    Ok(Some(s))
}

/// A form of a signed-in participant that checked out ([`form_signed`]), with its fields; when
/// nobody is signed in the request is sent to `/mijn`.
pub struct SignedForm {
    /// The participant.
    pub signed: Signed,
    /// The form's fields.
    pub form: HashMap<String, String>,
}

impl FromRequest<AppState> for SignedForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<SignedForm, PageError> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(PageError::session_lost)?;
        let headers = parts.headers.clone();
        let PageForm(form) = PageForm::<HashMap<String, String>>::from_request(
            Request::from_parts(parts, body),
            state,
        )
        .await?;
        match form_signed(state, &headers, &session, &form).await? {
            Some(signed) => Ok(SignedForm { signed, form }),
            None => Err(PageError::SignIn("/mijn".into())),
        }
    }
}

/// Back to the account page (303), with the notice `melding` when it is not empty.
pub fn to_account(melding: &str) -> Response {
    if melding.is_empty() {
        Redirect::to("/mijn").into_response()
    } else {
        Redirect::to(&format!("/mijn?melding={melding}")).into_response()
    }
}

/// Records a sign-in request against the limits of `ip` and `email`; `Err` when over either.
pub fn limit(state: &AppState, ip: IpAddr, email: &str) -> Result<(), Rejection> {
    state.mijn.per_ip.hit(ip)?;
    if let Err(r) = state.mijn.per_address.hit(email.to_lowercase()) {
        state.mijn.per_ip.undo(&ip);
        return Err(r.into());
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "mijn/melding.html")]
pub(crate) struct NoticePage {
    pub l: Layout,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub links: Vec<(String, String)>,
}

/// A plain page that tells what happened, with links onward.
pub fn notice_page(
    status: StatusCode,
    heading: &str,
    paragraphs: Vec<String>,
    links: Vec<(&str, &str)>,
) -> Response {
    render_status(
        status,
        NoticePage {
            l: Layout::new(
                heading,
                paragraphs.first().cloned().unwrap_or_default(),
                "/mijn",
            ),
            heading: heading.to_string(),
            paragraphs,
            links: links
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        },
    )
}

/// A pending follow in words, for the pages and the mail.
pub fn pending_text(state: &AppState, p: &PendingFollow) -> String {
    let snapshot = state.catalog.snapshot();
    let provider = snapshot.provider(&p.value).map(|x| x.name.clone());
    crate::domain::follow::describe(p.kind, &p.value, &snapshot.taxonomy, provider.as_deref())
}

/// Notices shown on the account page after a redirect.
#[derive(Deserialize, Default)]
pub struct Melding {
    /// Which notice.
    #[serde(default)]
    pub melding: String,
}

/// The Dutch text of a notice.
pub fn melding_text(m: &str) -> Option<&'static str> {
    match m {
        "ingelogd" => Some("Je bent ingelogd."),
        "gevolgd" => Some(
            "Je e-mailadres is bevestigd. Je volgt dit nu en krijgt mail bij nieuw leeraanbod.",
        ),
        "uitgelogd" => Some("Je bent uitgelogd."),
        "volgen-aangepast" => Some("Je keuze is opgeslagen."),
        "gestopt" => Some("Je volgt dit niet meer."),
        "naam" => Some("Je naam is opgeslagen."),
        "bewaard" => Some("Het leeraanbod is bewaard."),
        "feed" => Some("Je hebt een nieuw feedadres. Het oude adres werkt niet meer."),
        "feed-weg" => Some("Je feedadres werkt niet meer."),
        "contact-aan" => {
            Some("Anderen met dezelfde vraag kunnen je nu vinden, zonder je naam of e-mailadres.")
        }
        "contact-uit" => Some("Anderen zien je niet meer bij hun vraag. Open kennismakingen zijn gestopt."),
        "kennismaking-gevraagd" => Some("We hebben de ander gemaild, zonder je naam of e-mailadres. Zegt die ja, dan krijgen jullie allebei elkaars gegevens per mail."),
        "kennismaking-al-gevraagd" => Some("Jullie kennismaking is al gevraagd; we wachten op het antwoord. Er is geen nieuwe mail gestuurd."),
        "kennismaking-niet" => Some("Een van jullie wil geen contact meer. Er is niets gedeeld."),
        _ => None,
    }
}

/// Query of pages that only show a notice.
pub type MeldingQuery = Query<Melding>;

/// Shared handle of the Mijn WijkWijzer state.
pub type Shared = Arc<MijnState>;
