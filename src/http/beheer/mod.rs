//! The back office of the coordination point under `/beheer`: sessions (tower-sessions in the
//! database), login, CSRF on every POST, a role check on every route, and the work areas.
//! Handlers return `Result<Response, PageError>`; [`office_errors`] shows a [`PageError`] in the
//! back office's own frame (403, 404 or 500 with the request id).

pub mod aanbieders;
pub mod aanbod;
pub mod audit_log;
pub mod clusters;
pub mod csrf;
pub mod dashboard;
pub mod frame;
pub mod leerkringen;
pub mod login;
pub mod messages;
pub mod moderatie;
pub mod password_link;
pub mod peilingen;
pub mod privacy;
pub mod trajecten;
pub mod vragen;

use std::time::Duration;

use crate::http::session_store::Sessions;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use crate::domain::status::RejectionReason;
use crate::http::page_error::PageError;
use crate::security::{constant_time_eq, Area, Role};
use crate::store::User;

use super::AppState;
pub use csrf::csrf_token;
pub use frame::{message_page, office_errors, BLayout};

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
    /// Unix ms when the pending login's password was checked.
    pub const PENDING_AT: &str = "pending_at";
    /// Fingerprint of the password hash the pending login was checked against.
    pub const PENDING_PW: &str = "pending_pw";
    /// Unix ms of the last request that extended the session.
    pub const SEEN: &str = "seen_at";
}

/// How long a login may wait between the password and the second factor (or its set-up).
pub const PENDING_LIMIT_MS: i64 = 15 * 60 * 1000;

/// The session is extended on activity at most this often (a write per minute, not per request),
/// and at least twice per idle timeout.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// What a session holds about its account, checked against the account as it is now.
pub enum SessionAccount {
    /// No account in this session.
    None,
    /// A valid logged-in account.
    Active(User),
    /// The session ended: absolute timeout, reset, or the account is gone.
    Expired,
    /// The account is disabled.
    Disabled,
}

/// The logged-in account of `session`, checked on every use: the absolute timeout, the
/// account's `sessions_after` (reset, disable) and its disabled flag. A session that fails a
/// check is emptied.
pub async fn session_account(
    state: &AppState,
    session: &Session,
) -> Result<SessionAccount, crate::store::StoreError> {
    let Some(uid) = session.get::<i64>(keys::USER).await.ok().flatten() else {
        return Ok(SessionAccount::None);
    };
    let login_at: i64 = session
        .get(keys::LOGIN_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    let absolute = i64::try_from(state.sessions.absolute.as_millis()).unwrap_or(43_200_000);
    let outcome = if state.clock().now().timestamp_millis() - login_at > absolute {
        SessionAccount::Expired
    } else {
        match state.catalog.store().user_by_id(uid).await? {
            None => SessionAccount::Expired,
            Some(u) if u.disabled => SessionAccount::Disabled,
            Some(u) if login_at < u.sessions_after => SessionAccount::Expired,
            Some(u) => SessionAccount::Active(u),
        }
    };
    if !matches!(outcome, SessionAccount::Active(_)) {
        crate::security_event!("sessie_beeindigd", user_id = uid);
        let _ = session.flush().await;
    }
    Ok(outcome)
}

/// The account whose login waits for its second factor (or its set-up), checked on every step:
/// the password was checked at most [`PENDING_LIMIT_MS`] ago, after the account's last reset or
/// disable, against the password hash the account still has, and the account is enabled. A
/// pending login that fails a check is forgotten.
pub async fn pending_account(
    state: &AppState,
    session: &Session,
) -> Result<Option<User>, crate::store::StoreError> {
    let Some(uid) = session.get::<i64>(keys::PENDING).await.ok().flatten() else {
        return Ok(None);
    };
    let at: i64 = session
        .get(keys::PENDING_AT)
        .await
        .ok()
        .flatten()
        .unwrap_or(0);
    let fingerprint: String = session
        .get(keys::PENDING_PW)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let now = state.clock().now().timestamp_millis();
    let user = if now - at > PENDING_LIMIT_MS || fingerprint.is_empty() {
        None
    } else {
        state
            .catalog
            .store()
            .user_by_id(uid)
            .await?
            .filter(|u| !u.disabled && at >= u.sessions_after)
            .filter(|u| {
                u.password_hash.as_deref().is_some_and(|h| {
                    constant_time_eq(
                        crate::security::hash_fingerprint(h).as_bytes(),
                        fingerprint.as_bytes(),
                    )
                })
            })
    };
    if user.is_none() {
        crate::security_event!("inlogstap_geweigerd", user_id = uid);
        forget_pending(session).await;
    }
    Ok(user)
}

/// Forgets a half-finished login and any TOTP secret being set up.
pub async fn forget_pending(session: &Session) {
    let _ = session.remove::<i64>(keys::PENDING).await;
    let _ = session.remove::<i64>(keys::PENDING_AT).await;
    let _ = session.remove::<String>(keys::PENDING_PW).await;
    let _ = session.remove::<String>(keys::ENROL).await;
}

/// Extends an active session at most once a minute, so that a coordinator who keeps working is
/// not logged out by the idle timeout (the absolute timeout still holds); `now` in Unix ms.
async fn touch(session: &Session, idle: Duration, now: i64) {
    let every = i64::try_from(idle.as_millis() / 2)
        .unwrap_or(TOUCH_EVERY_MS)
        .min(TOUCH_EVERY_MS);
    let seen: i64 = session.get(keys::SEEN).await.ok().flatten().unwrap_or(0);
    if now - seen >= every {
        let _ = session.insert(keys::SEEN, now).await;
    }
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
pub fn router(state: &AppState) -> Router<AppState> {
    let store: Sessions = state.session_store.clone();
    let settings = &state.sessions;
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
        .merge(password_link::router())
        .merge(dashboard::router())
        .merge(vragen::router())
        .merge(moderatie::router())
        .merge(leerkringen::router())
        .merge(clusters::router())
        .merge(aanbod::router())
        .merge(aanbieders::router())
        .merge(messages::router())
        .merge(audit_log::router())
        .merge(privacy::router())
        .merge(trajecten::router())
        .merge(peilingen::router())
        .layer(middleware::from_fn(office_errors))
        .layer(middleware::from_fn_with_state(state.clone(), csrf::csrf))
        .layer(sessions)
}

/// A logged-in account of the coordination point.
pub struct Staff {
    /// The account.
    pub user: User,
    /// The session's CSRF token.
    pub csrf: String,
    /// The session.
    pub session: Session,
}

impl Staff {
    /// Allows the request when the role may work in `area`, else a 403 page.
    pub fn need(self, area: Area) -> Result<Staff, PageError> {
        if self.user.role.may(area) {
            Ok(self)
        } else {
            crate::security_event!(
                "rol_geweigerd",
                user_id = self.user.id,
                rol = self.user.role.slug(),
                gebied = ?area
            );
            Err(PageError::refused(
                StatusCode::FORBIDDEN,
                "Geen toegang",
                format!(
                    "Je bent ingelogd als {}. Deze pagina is niet voor jouw rol. Vraag een beheerder als je hier wel bij moet kunnen.",
                    self.user.role.label()
                ),
            ))
        }
    }

    /// The audit actor name.
    pub fn actor(&self) -> &str {
        &self.user.email
    }
}

/// The value of the cookie `name` the request carries, if any.
pub(crate) fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn has_session_cookie(parts: &Parts, state: &AppState) -> bool {
    cookie(&parts.headers, state.sessions.cookie_name()).is_some()
}

fn to_login(parts: &Parts, reason: Option<&str>) -> PageError {
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
    PageError::SignIn(target)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, PageError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(PageError::session_lost)?;
        let user = match session_account(state, &session).await? {
            SessionAccount::Active(user) => user,
            // A session cookie whose session is gone (deleted by a reset, or expired).
            SessionAccount::None if has_session_cookie(parts, state) => {
                return Err(to_login(parts, Some("verlopen")))
            }
            SessionAccount::None => return Err(to_login(parts, None)),
            SessionAccount::Expired => return Err(to_login(parts, Some("verlopen"))),
            SessionAccount::Disabled => return Err(to_login(parts, Some("uitgeschakeld"))),
        };
        if user.role.needs_totp() && user.totp_secret.is_none() {
            let _ = session.flush().await;
            return Err(to_login(parts, None));
        }
        touch(
            &session,
            state.sessions.idle,
            state.clock().now().timestamp_millis(),
        )
        .await;
        let csrf = csrf_token(&session).await;
        Ok(Staff {
            user,
            csrf,
            session,
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

/// A record of the back office opened by its numeric id in the path: a submission, a circle.
pub(crate) trait Record: Sized {
    /// The work area it belongs to.
    const AREA: Area;
    /// The record with id `id`, if there is one.
    fn load(
        state: &AppState,
        id: i64,
    ) -> impl std::future::Future<Output = Result<Option<Self>, crate::store::StoreError>> + Send;
}

/// The staff member and the record of the path's id (`{id}`), opened by a staff member allowed
/// in its area: the staff member is checked first, then the id (not a number, or no such record:
/// 404).
pub(crate) struct Opened<R>(pub Staff, pub R);

impl<R: Record + Send> FromRequestParts<AppState> for Opened<R> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let staff = Staff::from_request_parts(parts, state)
            .await?
            .need(R::AREA)?;
        let axum::extract::Path(id) =
            axum::extract::Path::<String>::from_request_parts(parts, state).await?;
        let record = R::load(state, row_id(&id)?).await?;
        Ok(Opened(staff, record.ok_or(PageError::NotFound)?))
    }
}

/// The moderator's verdict form under a submission or a circle, as its page shows it: the reason
/// for rejecting as typed, why that was refused, a notice, and the page's status.
pub(crate) struct Verdict {
    /// The reason for rejecting, as typed.
    pub reden: String,
    /// Why the reason was refused.
    pub reden_error: Option<String>,
    /// A notice after a change, or about a refused form.
    pub notice: Option<&'static str>,
    /// The page's status.
    pub status: StatusCode,
}

impl Verdict {
    /// The page as opened, with `notice` after a change.
    pub fn opened(notice: Option<&'static str>) -> Verdict {
        Verdict {
            reden: String::new(),
            reden_error: None,
            notice,
            status: StatusCode::OK,
        }
    }

    /// The page again after a refused form (`status`), its errors shown at its fields.
    pub fn refused(status: StatusCode) -> Verdict {
        Verdict {
            status,
            ..Verdict::opened(None)
        }
    }

    /// The page again after the reason `reden` was refused with `error`.
    pub fn wrong_reason(reden: String, error: &str) -> Verdict {
        Verdict {
            reden,
            reden_error: Some(error.to_string()),
            ..Verdict::refused(StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// The reason of a rejection form (`reden`), or the page again asking for one; `reader` is who
/// gets to read it ("de indiener").
pub(crate) fn rejection_reason(body: &[u8], reader: &str) -> Result<RejectionReason, Verdict> {
    let reden = crate::http::form_fields::first(&crate::http::form_fields::pairs(body), "reden");
    RejectionReason::parse(&reden).ok_or_else(|| {
        Verdict::wrong_reason(
            reden,
            &format!(
                "Schrijf de reden van afwijzen ({} tot {} tekens); {reader} krijgt die te lezen.",
                RejectionReason::MIN_CHARS,
                RejectionReason::MAX_CHARS
            ),
        )
    })
}

/// The number in a path like `/beheer/aanmeldingen/{id}`; anything else is not found.
pub fn row_id(id: &str) -> Result<i64, PageError> {
    id.parse().map_err(|_| PageError::NotFound)
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
