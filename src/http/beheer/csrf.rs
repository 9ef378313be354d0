//! CSRF on every state-changing back-office request: the session's token in the field `csrf` and
//! the same origin; a form that arrives after its session ended shows what was typed.

use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use crate::http::current_request_id;
use crate::http::forms::same_origin;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security::constant_time_eq;
use crate::security::random_hex;

use super::{keys, login, message_page, BLayout};

/// The largest back-office form body.
const MAX_FORM: usize = 1024 * 1024;

/// Rejects every state-changing request without the session's CSRF token (field `csrf`) or
/// from another site; GET and HEAD pass.
pub(super) async fn csrf(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    if same_origin(req.headers(), state.forms.origin.as_deref()).is_err() {
        crate::security_event!("csrf_geweigerd", reden = "andere site");
        return forbidden_csrf();
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
        );
    };
    let fields = crate::http::form_fields::pairs(&bytes);
    let sent = crate::http::form_fields::first(&fields, "csrf");
    let mut expected: Option<String> = session.get(keys::CSRF).await.ok().flatten();
    if expected.is_none() && parts.uri.path() == "/beheer/inloggen" {
        expected = login::login_cookie(&state, &parts.headers)
            .map(|c| state.forms.bind(login::LOGIN_PURPOSE, &c));
    }
    match expected {
        Some(e) if !sent.is_empty() && constant_time_eq(e.as_bytes(), sent.as_bytes()) => {
            let res = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            // The session ended while the form was open: show what was typed, not a bare login.
            if is_login_redirect(&res) {
                return session_expired(&fields);
            }
            res
        }
        // No token in the session: it expired (or never was) while the form was open.
        None if !sent.is_empty() => {
            crate::security_event!("csrf_geweigerd", reden = "sessie verlopen");
            session_expired(&fields)
        }
        _ => {
            crate::security_event!("csrf_geweigerd", reden = "token");
            forbidden_csrf()
        }
    }
}

/// True for the redirect the [`Staff`] extractor gives when the session has ended.
fn is_login_redirect(res: &Response) -> bool {
    res.status().is_redirection()
        && res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|l| l.starts_with("/beheer/inloggen?terug="))
}

#[derive(Template)]
#[template(path = "beheer/verlopen.html")]
struct ExpiredPage {
    l: BLayout,
    texts: Vec<(String, String)>,
    terug: String,
    request_id: String,
}

impl ExpiredPage {
    fn rows(&self, value: &str) -> usize {
        value.lines().count().clamp(2, 20)
    }
}

/// The page for a form that arrived after its session ended: nothing is saved, and every text
/// the user typed is shown so that it can be copied back after logging in again.
fn session_expired(fields: &[(String, String)]) -> Response {
    let texts = fields
        .iter()
        .filter(|(k, v)| !matches!(k.as_str(), "csrf" | "terug") && !v.trim().is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    render_status(
        StatusCode::UNAUTHORIZED,
        ExpiredPage {
            l: BLayout::anonymous("Sessie verlopen", "/beheer/melding", String::new()),
            texts,
            terug: "/beheer".to_string(),
            request_id: current_request_id(),
        },
    )
}

fn forbidden_csrf() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Formulier verlopen",
        "Het formulier kon niet worden gecontroleerd: het is verlopen of komt niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
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
