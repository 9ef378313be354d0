//! "Volgen": the page behind the Volgen buttons on theme, topic, provider and search pages. A
//! signed-in participant follows at once; anyone else gives an e-mail address and gets the
//! sign-in link (double opt-in: the follow waits in the link until the address is confirmed).

use std::collections::HashMap;
use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tower_sessions::Session;

use crate::domain::follow::{search_key, FollowKind, Frequency};
use crate::domain::taxonomy::Vocabulary;
use crate::http::extract::PageForm;
use crate::http::forms::typed_email;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;
use crate::store::PendingFollow;

use super::{check_form, limit, link_sent_page, pending_text, signed_in, to_account};

const FORM: &str = "mijn-volgen";
/// The longest followed value (a search's query string).
const MAX_VALUE: usize = 2000;

/// The follow routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/mijn/volgen", get(show).post(submit))
}

#[derive(Template)]
#[template(path = "mijn/volgen.html")]
struct FollowPage {
    l: Layout,
    soort: &'static str,
    waarde: String,
    what: String,
    back: String,
    signed: bool,
    csrf: String,
    token: String,
    email: String,
    direct: bool,
    error: Option<String>,
}

/// What a Volgen button asks to follow, checked against the catalogue: `(kind, stored value)`.
fn wanted(state: &AppState, pairs: &[(String, String)]) -> Option<(FollowKind, String)> {
    let snapshot = state.catalog.snapshot();
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_string())
    };
    if let (Some(kind), Some(value)) = (
        get("soort").as_deref().and_then(FollowKind::parse),
        get("waarde"),
    ) {
        return checked(state, kind, &value).then_some((kind, value));
    }
    if let Some(v) = get("thema") {
        return snapshot
            .taxonomy
            .term(Vocabulary::Theme, &v)
            .is_some()
            .then_some((FollowKind::Thema, v));
    }
    if let Some(v) = get("vraagstuk") {
        return checked(state, FollowKind::Vraagstuk, &v).then_some((FollowKind::Vraagstuk, v));
    }
    if let Some(v) = get("aanbieder") {
        return snapshot
            .provider(&v)
            .is_some()
            .then_some((FollowKind::Aanbieder, v));
    }
    if let Some(v) = get("zoek") {
        let v = search_key(&crate::catalog::params::pairs(Some(&v)));
        return checked(state, FollowKind::Zoekopdracht, &v)
            .then_some((FollowKind::Zoekopdracht, v));
    }
    None
}

/// True when `value` names something that exists (a search: parses as a catalogue search).
fn checked(state: &AppState, kind: FollowKind, value: &str) -> bool {
    let snapshot = state.catalog.snapshot();
    if value.len() > MAX_VALUE {
        return false;
    }
    match kind {
        FollowKind::Thema => snapshot.taxonomy.term(Vocabulary::Theme, value).is_some(),
        FollowKind::Vraagstuk => snapshot
            .taxonomy
            .vraagstukken
            .iter()
            .any(|t| t.slug == value),
        FollowKind::Aanbieder => snapshot.provider(value).is_some(),
        FollowKind::Zoekopdracht => crate::catalog::params::parse(
            &crate::catalog::params::pairs(Some(value)),
            &snapshot,
            state.clock().today(),
            &[],
        )
        .is_ok(),
    }
}

fn back_link(kind: FollowKind, value: &str) -> String {
    match kind {
        FollowKind::Thema => format!("/themas/{value}"),
        FollowKind::Vraagstuk => format!("/lacunes/{value}"),
        FollowKind::Aanbieder => format!("/aanbieders/{value}"),
        FollowKind::Zoekopdracht if value.is_empty() => "/aanbod".to_string(),
        FollowKind::Zoekopdracht => format!("/aanbod?{value}"),
    }
}

#[allow(clippy::too_many_arguments)]
fn page(
    state: &AppState,
    status: StatusCode,
    kind: FollowKind,
    value: String,
    csrf: Option<String>,
    email: String,
    direct: bool,
    error: Option<String>,
) -> Response {
    let what = pending_text(
        state,
        &PendingFollow {
            kind,
            value: value.clone(),
            frequency: Frequency::Direct,
        },
    );
    let title = if error.is_some() {
        "Fout: volgen"
    } else {
        "Volgen"
    };
    render_status(
        status,
        FollowPage {
            l: Layout::new(
                title,
                "Krijg mail als er nieuw leeraanbod is over wat je volgt.",
                "/mijn",
            )
            .retaining(state.retention_months),
            soort: kind.slug(),
            back: back_link(kind, &value),
            waarde: value,
            what,
            signed: csrf.is_some(),
            csrf: csrf.unwrap_or_default(),
            token: state.forms.token(FORM),
            email,
            direct,
            error,
        },
    )
}

fn unknown() -> Response {
    super::notice_page(
        StatusCode::NOT_FOUND,
        "Dit kun je niet volgen",
        vec!["Wat je wilt volgen bestaat niet (meer). Kies een thema, vraagstuk, aanbieder of zoekopdracht en gebruik de knop ‘Volgen’ op die pagina.".into()],
        vec![("Naar de thema's", "/themas"), ("Zoek in het leeraanbod", "/aanbod")],
    )
}

async fn show(
    State(state): State<AppState>,
    session: Session,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let pairs = crate::catalog::params::pairs(raw.as_deref());
    let Some((kind, value)) = wanted(&state, &pairs) else {
        return Ok(unknown());
    };
    let csrf = signed_in(&state, &session).await?.map(|s| s.csrf);
    Ok(page(
        &state,
        StatusCode::OK,
        kind,
        value,
        csrf,
        String::new(),
        true,
        None,
    ))
}

async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let pairs: Vec<(String, String)> = form.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let Some((kind, value)) = wanted(&state, &pairs) else {
        return Ok(unknown());
    };
    let frequency = form
        .get("frequentie")
        .and_then(|f| Frequency::parse(f))
        .unwrap_or(Frequency::Direct);
    if let Some(s) = signed_in(&state, &session).await? {
        check_form(
            &headers,
            &state,
            &s,
            form.get("csrf").map_or("", String::as_str),
        )?;
        state
            .catalog
            .store()
            .follow(s.participant.id, kind, &value, frequency)
            .await?;
        return Ok(to_account("volgen-aangepast"));
    }
    let typed = form
        .get("email")
        .map(|e| e.trim().to_string())
        .unwrap_or_default();
    // The form again with what was typed and why it was refused.
    let refuse = |status: StatusCode, error: &str| {
        Ok(page(
            &state,
            status,
            kind,
            value.clone(),
            None,
            typed.clone(),
            frequency == Frequency::Direct,
            Some(error.to_string()),
        ))
    };
    if let Err(r) = state.forms.screen(FORM, &headers, &form) {
        return refuse(r.status(), r.message());
    }
    let email = match typed_email(&typed) {
        Ok(email) => email,
        Err(message) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, &message),
    };
    if !form.contains_key("toestemming") {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Geef toestemming om je e-mailadres te gebruiken voor mail over wat je volgt.",
        );
    }
    if let Err(r) = limit(&state, state.client_ip(&headers, peer), &email) {
        crate::security_event!("deelnemer_link_geblokkeerd");
        return refuse(r.status(), r.message());
    }
    let pending = PendingFollow {
        kind,
        value,
        frequency,
    };
    let what = pending_text(&state, &pending);
    let base = state.base_url.clone();
    state
        .catalog
        .store()
        .sign_in_link(&email, Some(&pending), state.clock().now(), |token| {
            crate::mail::sign_in_mail(&base, &email, token, Some(&what))
        })
        .await?;
    crate::security_event!("deelnemer_link_gevraagd", volgen = kind.slug());
    Ok(link_sent_page(Some(&what)))
}
