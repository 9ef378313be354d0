//! Login (e-mail, password, then TOTP when on; a beheerder must set it up), logout, and setting
//! up the second factor. The one-time password link is in [`super::password_link`].

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use crate::http::extract::PageForm;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security;

use super::{
    csrf_token, keys, message_page, pending_account, see_other, session_account, BLayout,
    SessionAccount,
};

/// The login routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/inloggen", get(show_login).post(login))
        .route("/beheer/inloggen/code", get(show_code).post(code))
        .route("/beheer/tweestaps", get(show_enrol).post(enrol))
        .route("/beheer/uitloggen", post(logout))
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    #[serde(default)]
    terug: String,
    #[serde(default)]
    melding: String,
}

/// Only back-office paths are followed after login (no open redirect).
fn safe_return(terug: &str) -> String {
    if terug.starts_with("/beheer")
        && !terug.starts_with("//")
        && !terug.contains('\\')
        && terug.chars().all(|c| c.is_ascii_graphic())
    {
        terug.to_string()
    } else {
        "/beheer".to_string()
    }
}

#[derive(Template)]
#[template(path = "beheer/login.html")]
struct LoginPage {
    l: BLayout,
    email: String,
    error: Option<String>,
    notice: Option<&'static str>,
    terug: String,
}

fn notice(melding: &str) -> Option<&'static str> {
    match melding {
        "uitgelogd" => Some("Je bent uitgelogd."),
        "verlopen" => Some("Je sessie is verlopen. Log opnieuw in."),
        "uitgeschakeld" => Some("Dit account is uitgeschakeld."),
        "wachtwoord" => Some("Je wachtwoord is ingesteld. Je kunt nu inloggen."),
        _ => None,
    }
}

/// What the login form's CSRF token signs: see [`login_cookie`].
pub(super) const LOGIN_PURPOSE: &str = "beheer-inloggen";

/// The login cookie's name (`__Host-` prefixed when secure).
fn login_cookie_name(state: &AppState) -> &'static str {
    if state.sessions.secure {
        "__Host-wijkwijzer-login"
    } else {
        "wijkwijzer-login"
    }
}

/// The random value of the login cookie the request carries, if well-formed. Before login there
/// is no session: the form's CSRF token is this value signed (a double-submit cookie), so that an
/// anonymous visit to the login page writes no session row.
pub(super) fn login_cookie(state: &AppState, headers: &HeaderMap) -> Option<String> {
    super::cookie(headers, login_cookie_name(state))
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The login form's CSRF token: the session's own when there is a session, else one bound to
/// the login cookie, with the `Set-Cookie` value when that cookie is new.
async fn login_csrf(
    state: &AppState,
    session: &Session,
    headers: &HeaderMap,
) -> (String, Option<String>) {
    if let Ok(Some(t)) = session.get::<String>(keys::CSRF).await {
        return (t, None);
    }
    let (value, set) = match login_cookie(state, headers) {
        Some(v) => (v, None),
        None => {
            let v = security::random_hex(16);
            let cookie = format!(
                "{}={v}; Path=/; HttpOnly; SameSite=Strict; Max-Age=14400{}",
                login_cookie_name(state),
                if state.sessions.secure {
                    "; Secure"
                } else {
                    ""
                }
            );
            (v, Some(cookie))
        }
    };
    (state.forms.bind(LOGIN_PURPOSE, &value), set)
}

/// Adds the login cookie to a response when it is new.
fn with_cookie(mut res: Response, cookie: Option<String>) -> Response {
    if let Some(v) = cookie.and_then(|c| axum::http::HeaderValue::from_str(&c).ok()) {
        res.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    res
}

async fn show_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    Query(q): Query<LoginQuery>,
) -> Response {
    let (csrf, cookie) = login_csrf(&state, &session, &headers).await;
    with_cookie(
        render_status(
            StatusCode::OK,
            LoginPage {
                l: BLayout::anonymous("Inloggen", "/beheer/inloggen", csrf),
                email: String::new(),
                error: None,
                notice: notice(&q.melding),
                terug: safe_return(&q.terug),
            },
        ),
        cookie,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    terug: String,
    #[serde(default)]
    csrf: String,
}

const TOO_MANY: &str =
    "Te veel mislukte pogingen om in te loggen. Wacht een kwartier en probeer het dan opnieuw.";

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let email = form.email.trim().to_lowercase();
    // The CSRF layer checked the token; the page shown again keeps the same one.
    let (csrf, _) = login_csrf(&state, &session, &headers).await;
    let page = |status, error: &str| {
        Ok(render_status(
            status,
            LoginPage {
                l: BLayout::anonymous("Fout: inloggen", "/beheer/inloggen", csrf.clone()),
                email: form.email.trim().to_string(),
                error: Some(error.to_string()),
                notice: None,
                terug: safe_return(&form.terug),
            },
        ))
    };
    if email.is_empty() || form.wachtwoord.is_empty() {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Vul je e-mailadres en je wachtwoord in.",
        );
    }
    let ip = state.client_ip(&headers, peer);
    let key = password_key(&email);
    if let Some(reden) = over_limit(&state, ip, &key).await? {
        crate::security_event!("inloggen_geblokkeerd", reden = reden);
        return page(StatusCode::TOO_MANY_REQUESTS, TOO_MANY);
    }
    let user = state.catalog.store().user_by_email(&email).await?;
    let hash = user
        .as_ref()
        .and_then(|u| u.password_hash.clone())
        .unwrap_or_else(|| security::dummy_hash().to_string());
    let password = form.wachtwoord.clone();
    let ok = security::verify_password_off_runtime(password, hash).await;
    let checked = user
        .as_ref()
        .filter(|u| ok && !u.disabled)
        .and_then(|u| u.password_hash.clone().map(|h| (u, h)));
    let Some((user, verified_hash)) = checked else {
        crate::security_event!(
            "inloggen_mislukt",
            user_id = user.as_ref().map(|u| u.id),
            uitgeschakeld = user.as_ref().is_some_and(|u| u.disabled)
        );
        return page(
            StatusCode::UNAUTHORIZED,
            "Dit e-mailadres en wachtwoord horen niet bij elkaar, of het account is uitgeschakeld.",
        );
    };
    passed(&state, ip, &key).await?;
    session.cycle_id().await?;
    let _ = session.remove::<i64>(keys::USER).await;
    let terug = safe_return(&form.terug);
    let now = state.clock().now().timestamp_millis();
    if user.totp_secret.is_some() || user.role.needs_totp() {
        start_pending(&session, user.id, &verified_hash, &form.csrf, now).await?;
        crate::security_event!("wachtwoord_juist_tweede_stap", user_id = user.id);
        if user.totp_secret.is_some() {
            return Ok(see_other(&format!(
                "/beheer/inloggen/code?terug={}",
                urlencode(&terug)
            )));
        }
        return Ok(see_other("/beheer/tweestaps"));
    }
    complete(&session, user.id, now).await?;
    crate::security_event!("ingelogd", user_id = user.id);
    Ok(see_other(&terug))
}

/// Counts one attempt of a login step against the limits per client and per `key` (recorded
/// before the check, one step under a lock, so that parallel guesses cannot slip past); which
/// limit it is over ("ip" or "account"), if any.
async fn over_limit(
    state: &AppState,
    ip: std::net::IpAddr,
    key: &str,
) -> Result<Option<&'static str>, PageError> {
    if state.login_ip.hit(ip).is_err() {
        return Ok(Some("ip"));
    }
    let (max, window) = state.login_limit;
    let now = state.clock().now();
    if !state
        .catalog
        .store()
        .login_attempt(key, max, window, now)
        .await?
    {
        return Ok(Some("account"));
    }
    Ok(None)
}

/// A login step that succeeded: its attempts no longer count against the client or `key`.
async fn passed(state: &AppState, ip: std::net::IpAddr, key: &str) -> Result<(), PageError> {
    state.catalog.store().clear_login_attempts(key).await?;
    state.login_ip.undo(&ip);
    Ok(())
}

/// The login-attempt key of a password step (its own key space, apart from [`code_key`]).
fn password_key(email: &str) -> String {
    format!("wachtwoord:{email}")
}

/// The login-attempt key of an account's code step.
fn code_key(uid: i64) -> String {
    format!("code:{uid}")
}

/// Remembers a login whose password was checked: the account, the moment, and a fingerprint of
/// the password hash it was checked against (see [`super::pending_account`]).
async fn start_pending(
    session: &Session,
    uid: i64,
    verified_hash: &str,
    csrf: &str,
    now_ms: i64,
) -> Result<(), tower_sessions::session::Error> {
    session.insert(keys::PENDING, uid).await?;
    session.insert(keys::PENDING_AT, now_ms).await?;
    session
        .insert(keys::PENDING_PW, security::hash_fingerprint(verified_hash))
        .await?;
    // The token of the login form (checked by the CSRF layer) serves the next step's form too.
    if !csrf.is_empty() {
        session.insert(keys::CSRF, csrf).await?;
    }
    Ok(())
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)])
        .unwrap_or_default()
        .trim_start_matches("x=")
        .to_string()
}

/// Finishes a login: a new session id, the account, the login time (`now_ms`) and a new CSRF
/// token.
async fn complete(
    session: &Session,
    uid: i64,
    now_ms: i64,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    super::forget_pending(session).await;
    session.insert(keys::USER, uid).await?;
    session.insert(keys::LOGIN_AT, now_ms).await?;
    session.insert(keys::CSRF, security::random_hex(32)).await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "beheer/code.html")]
struct CodePage {
    l: BLayout,
    error: Option<String>,
    terug: String,
}

async fn show_code(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let pending = pending_account(&state, &session).await?;
    if pending.is_none_or(|u| u.totp_secret.is_none()) {
        return Ok(see_other("/beheer/inloggen"));
    }
    let csrf = csrf_token(&session).await;
    Ok(render_status(
        StatusCode::OK,
        CodePage {
            l: BLayout::anonymous("Inlogcode", "/beheer/inloggen/code", csrf),
            error: None,
            terug: safe_return(&q.terug),
        },
    ))
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    terug: String,
}

async fn code(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<CodeForm>,
) -> Result<Response, PageError> {
    let Some(user) = pending_account(&state, &session).await? else {
        return Ok(see_other("/beheer/inloggen"));
    };
    let uid = user.id;
    let csrf = csrf_token(&session).await;
    let page = |status, error: &str| {
        Ok(render_status(
            status,
            CodePage {
                l: BLayout::anonymous("Fout: inlogcode", "/beheer/inloggen/code", csrf.clone()),
                error: Some(error.to_string()),
                terug: safe_return(&form.terug),
            },
        ))
    };
    let key = code_key(uid);
    let ip = state.client_ip(&headers, peer);
    if let Some(reden) = over_limit(&state, ip, &key).await? {
        crate::security_event!("inlogcode_geblokkeerd", reden = reden, user_id = uid);
        return page(StatusCode::TOO_MANY_REQUESTS, TOO_MANY);
    }
    let Some(secret) = &user.totp_secret else {
        return Ok(see_other("/beheer/inloggen"));
    };
    let now = state.clock().now();
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    let last = u64::try_from(user.totp_last_step).unwrap_or(0);
    let step = security::verify_totp(secret, &form.code, unix, last);
    let fresh = match step {
        Some(s) => state
            .catalog
            .store()
            .use_totp_step(uid, s)
            .await
            .unwrap_or(false),
        None => false,
    };
    if !fresh {
        crate::security_event!("inlogcode_mislukt", user_id = uid);
        return page(
            StatusCode::UNAUTHORIZED,
            "Deze code klopt niet of is al gebruikt. Typ de zes cijfers die je app nu toont.",
        );
    }
    passed(&state, ip, &key).await?;
    complete(&session, uid, now.timestamp_millis()).await?;
    crate::security_event!("ingelogd", user_id = uid);
    Ok(see_other(&safe_return(&form.terug)))
}

#[derive(Template)]
#[template(path = "beheer/tweestaps.html")]
struct EnrolPage {
    l: BLayout,
    secret: String,
    qr: String,
    error: Option<String>,
    required: bool,
}

/// The account setting up TOTP: a logged-in account, or one whose login waits for it.
async fn enrolling(
    state: &AppState,
    session: &Session,
) -> Result<Option<(crate::store::User, bool)>, crate::store::StoreError> {
    match session_account(state, session).await? {
        SessionAccount::Active(u) => {
            return Ok(Some((u, false)).filter(|(u, _)| u.totp_secret.is_none()))
        }
        SessionAccount::Expired | SessionAccount::Disabled => return Ok(None),
        SessionAccount::None => {}
    }
    Ok(pending_account(state, session)
        .await?
        .filter(|u| u.totp_secret.is_none())
        .map(|u| (u, true)))
}

fn qr_data_uri(uri: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .build();
    format!(
        "data:image/svg+xml;base64,{}",
        data_encoding::BASE64.encode(svg.as_bytes())
    )
}

async fn enrol_page(
    state: &AppState,
    session: &Session,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let Some((user, required)) = enrolling(state, session).await? else {
        if session
            .get::<i64>(keys::USER)
            .await
            .ok()
            .flatten()
            .is_some()
        {
            return Ok(message_page(
                StatusCode::OK,
                "Tweestapsverificatie staat aan",
                "Tweestapsverificatie staat al aan voor je account. Nieuwe telefoon of app kwijt? Vraag een beheerder om je account te resetten.",
            ));
        }
        return Ok(see_other("/beheer/inloggen"));
    };
    let secret = match session.get::<String>(keys::ENROL).await.ok().flatten() {
        Some(s) => s,
        None => {
            let s =
                security::new_totp_secret().ok_or_else(|| PageError::internal("geen willekeur"))?;
            let _ = session.insert(keys::ENROL, &s).await;
            s
        }
    };
    let csrf = csrf_token(session).await;
    let title = if error.is_some() {
        "Fout: tweestapsverificatie instellen"
    } else {
        "Tweestapsverificatie instellen"
    };
    Ok(render_status(
        status,
        EnrolPage {
            l: BLayout::anonymous(title, "/beheer/tweestaps", csrf),
            qr: qr_data_uri(&security::otpauth_uri(&secret, &user.email)),
            secret,
            error,
            required,
        },
    ))
}

async fn show_enrol(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, PageError> {
    enrol_page(&state, &session, None, StatusCode::OK).await
}

async fn enrol(
    State(state): State<AppState>,
    session: Session,
    PageForm(form): PageForm<CodeForm>,
) -> Result<Response, PageError> {
    let Some((user, pending)) = enrolling(&state, &session).await? else {
        return Ok(see_other("/beheer/inloggen"));
    };
    let Some(secret) = session.get::<String>(keys::ENROL).await.ok().flatten() else {
        return Ok(see_other("/beheer/tweestaps"));
    };
    let now = state.clock().now();
    let unix = u64::try_from(now.timestamp()).unwrap_or(0);
    let Some(step) = security::verify_totp(&secret, &form.code, unix, 0) else {
        return enrol_page(
            &state,
            &session,
            Some("Deze code klopt niet. Typ de zes cijfers die je app nu toont.".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // Only while the account still has the password this session was checked against (a reset
    // in between clears it), so a stale session cannot plant its own second factor.
    let Some(password_hash) = user.password_hash.as_deref() else {
        return Ok(see_other("/beheer/inloggen"));
    };
    if !state
        .catalog
        .store()
        .set_totp_for_password(user.id, &secret, step, password_hash)
        .await?
    {
        return Ok(see_other("/beheer/tweestaps"));
    }
    crate::security_event!("tweestaps_ingesteld", user_id = user.id);
    let _ = session.remove::<String>(keys::ENROL).await;
    if pending {
        complete(&session, user.id, now.timestamp_millis()).await?;
    }
    Ok(see_other("/beheer?melding=tweestaps"))
}

async fn logout(session: Session) -> Response {
    if let Ok(Some(uid)) = session.get::<i64>(keys::USER).await {
        crate::security_event!("uitgelogd", user_id = uid);
    }
    let _ = session.flush().await;
    see_other("/beheer/inloggen?melding=uitgelogd")
}
