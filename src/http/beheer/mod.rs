//! The back office of the coordination point under `/beheer`: sessions (tower-sessions in the
//! database), login, CSRF on every POST, a role check on every route, and the work areas.
//! Handlers return `Result<Response, Response>`: the error side is a finished page (login
//! redirect, 403, 404 or 500 with the request id).

pub mod aanbieders;
pub mod aanbod;
pub mod dashboard;
pub mod login;
pub mod moderatie;
pub mod overig;
pub mod trajecten;
pub mod vragen;

use std::time::Duration;

use crate::http::session_store::Sessions;
use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::auth::{random_hex, Area, Role};
use crate::http::forms::{constant_time_eq, same_origin};
use crate::http::pages::view::assets;
use crate::http::pages::{render_status, request_id};
use crate::store::User;

use super::AppState;

/// Session keys.
pub(crate) mod keys {
    /// The logged-in account.
    pub const USER: &str = "uid";
    /// Unix time of login in milliseconds (absolute timeout).
    pub const LOGIN_AT: &str = "login_at";
    /// The CSRF token of this session.
    pub const CSRF: &str = "csrf";
    /// Password checked, second factor pending.
    pub const PENDING: &str = "pending_uid";
    /// A TOTP secret being set up.
    pub const ENROL: &str = "enrol_secret";
}

/// How sessions behave.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    /// `Secure` and the `__Host-` prefix; off only for plain-http localhost.
    pub secure: bool,
    /// Logged out after this long without a request.
    pub idle: Duration,
    /// Logged out this long after login, active or not.
    pub absolute: Duration,
}

impl SessionSettings {
    /// The cookie name: `__Host-` prefixed when secure.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-wijkwijzer"
        } else {
            "wijkwijzer"
        }
    }
}

/// Whether a base URL is plain-http localhost (where `Secure` cookies may be relaxed).
pub fn is_plain_localhost(base_url: &str) -> bool {
    let Some(rest) = base_url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or("");
    let host = if rest.starts_with('[') {
        rest.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// The back-office router with its session and CSRF layers.
pub fn router(store: Sessions, settings: &SessionSettings) -> Router<AppState> {
    let idle = tower_sessions::cookie::time::Duration::seconds(
        i64::try_from(settings.idle.as_secs()).unwrap_or(1800),
    );
    let sessions = SessionManagerLayer::new(store)
        .with_name(settings.cookie_name())
        .with_secure(settings.secure)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));
    Router::new()
        .merge(login::router())
        .merge(dashboard::router())
        .merge(vragen::router())
        .merge(moderatie::router())
        .merge(aanbod::router())
        .merge(aanbieders::router())
        .merge(overig::router())
        .merge(trajecten::router())
        .layer(middleware::from_fn(csrf))
        .layer(sessions)
}

/// The largest back-office form body.
const MAX_FORM: usize = 1024 * 1024;

/// Rejects every state-changing request without the session's CSRF token (field `csrf`) or
/// from another site; GET and HEAD pass.
async fn csrf(session: Session, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let rid = request_id(req.headers());
    if same_origin(req.headers()).is_err() {
        return forbidden_csrf(rid);
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM).await else {
        return message_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Formulier te groot",
            &format!(
                "Het formulier is te groot om te versturen (hoogstens {} MB). Maak de tekst korter of verstuur minder tegelijk.",
                MAX_FORM / (1024 * 1024)
            ),
            rid,
        );
    };
    let sent =
        crate::http::offering_form::first(&crate::http::offering_form::pairs(&bytes), "csrf");
    let expected: Option<String> = session.get(keys::CSRF).await.ok().flatten();
    match expected {
        Some(e) if !sent.is_empty() && constant_time_eq(e.as_bytes(), sent.as_bytes()) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => forbidden_csrf(rid),
    }
}

fn forbidden_csrf(request_id: String) -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Formulier verlopen",
        "Het formulier kon niet worden gecontroleerd: het is verlopen of komt niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
        request_id,
    )
}

/// The session's CSRF token, created when missing.
pub async fn csrf_token(session: &Session) -> String {
    if let Ok(Some(t)) = session.get::<String>(keys::CSRF).await {
        return t;
    }
    let t = random_hex(32);
    let _ = session.insert(keys::CSRF, &t).await;
    t
}

/// The frame of a back-office page.
pub struct BLayout {
    /// Page title.
    pub title: String,
    /// Stylesheet.
    pub css: &'static str,
    /// This page's path (current menu item).
    pub path: String,
    /// Menu items this account may use `(href, label)`.
    pub nav: Vec<(&'static str, &'static str)>,
    /// Logged-in account, if any.
    pub email: Option<String>,
    /// Its role label.
    pub role: &'static str,
    /// CSRF token for the forms on the page.
    pub csrf: String,
}

const MENU: [(&str, &str, Area); 10] = [
    ("/beheer", "Overzicht", Area::Dashboard),
    ("/beheer/vragen", "Leervragen", Area::Vragen),
    ("/beheer/aanmeldingen", "Aanmeldingen", Area::Moderatie),
    ("/beheer/aanbod", "Aanbod", Area::Aanbod),
    ("/beheer/aanbieders", "Aanbieders", Area::Aanbod),
    ("/beheer/berichten", "Berichten", Area::Berichten),
    ("/beheer/trajecten", "Ontwikkeltrajecten", Area::Trajecten),
    ("/beheer/logboek", "Logboek", Area::Audit),
    ("/beheer/privacy", "Privacy", Area::Privacy),
    ("/beheer/mail", "Mail en accounts", Area::Beheer),
];

impl BLayout {
    /// A page frame for a logged-in account.
    pub fn new(title: impl Into<String>, path: impl Into<String>, staff: &Staff) -> BLayout {
        BLayout {
            title: title.into(),
            css: assets::SITE_CSS_PATH,
            path: path.into(),
            nav: MENU
                .iter()
                .filter(|(_, _, a)| staff.user.role.may(*a))
                .map(|(h, l, _)| (*h, *l))
                .collect(),
            email: Some(staff.user.email.clone()),
            role: staff.user.role.label(),
            csrf: staff.csrf.clone(),
        }
    }

    /// A page frame before login.
    pub fn anonymous(title: impl Into<String>, path: impl Into<String>, csrf: String) -> BLayout {
        BLayout {
            title: title.into(),
            css: assets::SITE_CSS_PATH,
            path: path.into(),
            nav: Vec::new(),
            email: None,
            role: "",
            csrf,
        }
    }

    /// True when `href` is the current menu item.
    pub fn is_current(&self, href: &str) -> bool {
        if href == "/beheer" {
            self.path == "/beheer"
        } else {
            self.path == href || self.path.starts_with(&format!("{href}/"))
        }
    }
}

#[derive(Template)]
#[template(path = "beheer/message.html")]
struct MessagePage {
    l: BLayout,
    heading: String,
    message: String,
    request_id: String,
}

/// A plain back-office message page (errors, refusals).
pub fn message_page(
    status: StatusCode,
    heading: &str,
    message: &str,
    request_id: String,
) -> Response {
    render_status(
        status,
        MessagePage {
            l: BLayout::anonymous(heading, "/beheer/melding", String::new()),
            heading: heading.into(),
            message: message.into(),
            request_id,
        },
    )
}

/// A 500 page for a failure on our side.
pub fn internal(e: impl std::fmt::Display, request_id: String) -> Response {
    tracing::error!(cause = %e, %request_id, "fout in beheer");
    message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Er ging iets mis",
        "Er ging iets mis aan onze kant. Er is niets half opgeslagen. Probeer het over een paar minuten opnieuw.",
        request_id,
    )
}

/// A 404 page.
pub fn not_found(request_id: String) -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Niet gevonden",
        "Dit bestaat niet (meer). Misschien is het al afgehandeld of verwijderd.",
        request_id,
    )
}

/// A logged-in account of the coordination point.
pub struct Staff {
    /// The account.
    pub user: User,
    /// The session's CSRF token.
    pub csrf: String,
    /// The session.
    pub session: Session,
    /// The request id (for error pages).
    pub request_id: String,
}

impl Staff {
    /// Allows the request when the role may work in `area`, else a 403 page.
    // The error is a finished response, as axum handlers return it; boxing would only add noise.
    #[allow(clippy::result_large_err)]
    pub fn need(self, area: Area) -> Result<Staff, Response> {
        if self.user.role.may(area) {
            Ok(self)
        } else {
            Err(message_page(
                StatusCode::FORBIDDEN,
                "Geen toegang",
                &format!(
                    "Je bent ingelogd als {}. Deze pagina is niet voor jouw rol. Vraag een beheerder als je hier wel bij moet kunnen.",
                    self.user.role.label()
                ),
                self.request_id,
            ))
        }
    }

    /// The audit actor name.
    pub fn actor(&self) -> &str {
        &self.user.email
    }

    /// A 500 page for this request.
    pub fn internal(&self, e: impl std::fmt::Display) -> Response {
        internal(e, self.request_id.clone())
    }

    /// A 404 page for this request.
    pub fn not_found(&self) -> Response {
        not_found(self.request_id.clone())
    }
}

fn to_login(parts: &Parts, reason: Option<&str>) -> Response {
    let back = if parts.method == Method::GET {
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default()
    } else {
        "/beheer".to_string()
    };
    let mut target = format!(
        "/beheer/inloggen?terug={}",
        serde_urlencoded::to_string([("", back.as_str())])
            .unwrap_or_default()
            .trim_start_matches('=')
    );
    if let Some(r) = reason {
        target.push_str(&format!("&melding={r}"));
    }
    Redirect::to(&target).into_response()
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, Response> {
        let rid = request_id(&parts.headers);
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|e| internal(e.1, rid.clone()))?;
        let uid: Option<i64> = session.get(keys::USER).await.ok().flatten();
        let Some(uid) = uid else {
            return Err(to_login(parts, None));
        };
        let login_at: i64 = session
            .get(keys::LOGIN_AT)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        let absolute = i64::try_from(state.sessions.absolute.as_millis()).unwrap_or(43_200_000);
        if chrono::Utc::now().timestamp_millis() - login_at > absolute {
            let _ = session.flush().await;
            return Err(to_login(parts, Some("verlopen")));
        }
        let user = state
            .catalog
            .store()
            .user_by_id(uid)
            .await
            .map_err(|e| internal(e, rid.clone()))?;
        let Some(user) = user else {
            let _ = session.flush().await;
            return Err(to_login(parts, None));
        };
        if user.disabled || login_at < user.sessions_after {
            let _ = session.flush().await;
            let why = if user.disabled {
                "uitgeschakeld"
            } else {
                "verlopen"
            };
            return Err(to_login(parts, Some(why)));
        }
        if user.role.needs_totp() && user.totp_secret.is_none() {
            let _ = session.flush().await;
            return Err(to_login(parts, None));
        }
        let csrf = csrf_token(&session).await;
        Ok(Staff {
            user,
            csrf,
            session,
            request_id: rid,
        })
    }
}

/// Makes a committed change visible (snapshot and index). A failure here is logged, not shown:
/// the change is saved, and the background refresh picks it up within seconds.
pub async fn show_committed(state: &AppState, ids: Option<&[&str]>) {
    let result = match ids {
        Some(ids) => state.catalog.publish_changes(ids).await,
        None => state.catalog.reload_all().await,
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "catalogus bijwerken na opslaan mislukt; de achtergrondtaak haalt het in");
    }
}

/// Makes a committed change to the learning questions visible in the learning agenda and the gap
/// analysis at once. A failure is logged: the change is saved, and the background refresh picks
/// it up within seconds.
pub async fn show_demand_change(state: &AppState) {
    if let Err(e) = state.catalog.refresh_demand().await {
        tracing::warn!(error = %e, "leeragenda bijwerken na opslaan mislukt; de achtergrondtaak haalt het in");
    }
}

/// Path segments that are routes, never offering ids.
const RESERVED_IDS: [&str; 2] = ["nieuw", "aanmelden"];

/// A free id for a new offering, made from its title (published or not, and not a route).
pub async fn free_offering_id(
    state: &AppState,
    titel: &str,
) -> Result<String, crate::store::StoreError> {
    let slug = crate::domain::offering::slugify(titel);
    let base: String = slug
        .chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string();
    let base = if base.is_empty() || RESERVED_IDS.contains(&base.as_str()) {
        format!("aanbod-{base}").trim_end_matches('-').to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 2;
    while state.catalog.store().offering_record(&id).await?.is_some() {
        id = format!("{base}-{n}");
        n += 1;
    }
    Ok(id)
}

/// Redirects after a POST (303 See Other).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Adds `Cache-Control: no-store` to back-office responses.
pub async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// A role's label by slug, for templates.
pub fn role_label(slug: &str) -> &'static str {
    Role::parse(slug).map_or("onbekend", Role::label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localhost_detection() {
        assert!(is_plain_localhost("http://127.0.0.1:8080"));
        assert!(is_plain_localhost("http://localhost"));
        assert!(!is_plain_localhost("https://127.0.0.1"));
        assert!(!is_plain_localhost("http://wijkwijzer.example"));
        assert!(!is_plain_localhost("http://localhost.evil.example"));
    }
}
