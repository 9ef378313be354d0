//! The account page (`/mijn`): what one follows and how often, one's own questions with their
//! status, offerings and answer, bookmarks, the private feed, the display name, and "download my
//! data" / "delete my account".

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use crate::domain::follow::{describe, Frequency};
use crate::http::extract::PageForm;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;

use super::{
    form_ok, form_refused, internal, melding_text, notice_page, sign_in_page, signed_in, Melding,
    Signed,
};

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mijn/naam", post(set_name))
        .route("/mijn/gegevens.json", get(download))
        .route("/mijn/verwijderen", post(delete))
        .route("/mijn/volgt/{id}", post(change_follow))
        .route("/mijn/feed", post(new_feed))
        .route("/mijn/feed/intrekken", post(revoke_feed))
}

/// A follow as the page shows it.
pub struct FollowView {
    id: i64,
    label: String,
    href: String,
    direct: bool,
}

/// An own question as the page shows it.
pub struct QuestionView {
    vraag: String,
    datum: String,
    status: String,
    antwoord: Option<String>,
    voorgesteld: Vec<(String, String)>,
    bevestigd: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "mijn/account.html")]
struct AccountPage {
    l: Layout,
    csrf: String,
    email: String,
    naam: String,
    notice: Option<&'static str>,
    feed: Option<String>,
    has_feed: bool,
    follows: Vec<FollowView>,
    questions: Vec<QuestionView>,
    bookmarks: Vec<(String, String)>,
}

/// `/mijn`: the account page, or the sign-in page when nobody is signed in.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    axum::extract::Query(m): axum::extract::Query<Melding>,
) -> Response {
    match signed_in(&state, &session).await {
        Ok(Some(s)) => account_page(&state, &headers, &s, melding_text(&m.melding), None).await,
        Ok(None) => sign_in_page(
            &state,
            StatusCode::OK,
            String::new(),
            None,
            melding_text(&m.melding),
        ),
        Err(e) => internal(e, &headers),
    }
}

async fn account_page(
    state: &AppState,
    headers: &HeaderMap,
    s: &Signed,
    notice: Option<&'static str>,
    feed: Option<String>,
) -> Response {
    let store = state.catalog.store();
    let p = &s.participant;
    let (follows, questions, bookmarks) = match tokio::try_join!(
        store.follows_of(p.id),
        store.own_questions(&p.email),
        store.bookmarks(p.id)
    ) {
        Ok(x) => x,
        Err(e) => return internal(e, headers),
    };
    let snapshot = state.catalog.snapshot();
    let title_of = |id: &String| {
        (
            format!("/aanbod/{id}"),
            snapshot.get(id).map_or_else(
                || format!("{id} (niet meer in de catalogus)"),
                |o| o.titel.clone(),
            ),
        )
    };
    let follows = follows
        .into_iter()
        .map(|f| {
            let provider = snapshot.provider(&f.value).map(|x| x.name.clone());
            let href = match f.kind {
                crate::domain::follow::FollowKind::Thema => format!("/themas/{}", f.value),
                crate::domain::follow::FollowKind::Vraagstuk => format!("/lacunes/{}", f.value),
                crate::domain::follow::FollowKind::Aanbieder => format!("/aanbieders/{}", f.value),
                crate::domain::follow::FollowKind::Zoekopdracht => format!("/aanbod?{}", f.value),
            };
            FollowView {
                id: f.id,
                label: describe(f.kind, &f.value, &snapshot.taxonomy, provider.as_deref()),
                href,
                direct: f.frequency == Frequency::Direct,
            }
        })
        .collect();
    let questions = questions
        .into_iter()
        .map(|q| QuestionView {
            status: crate::domain::status::QuestionStatus::parse(&q.status)
                .map_or_else(|| q.status.clone(), |s| s.label().to_string()),
            vraag: q.vraag,
            datum: q.datum,
            antwoord: q.antwoord.filter(|a| !a.trim().is_empty()),
            voorgesteld: q.voorgesteld.iter().map(&title_of).collect(),
            bevestigd: q.bevestigd.iter().map(&title_of).collect(),
        })
        .collect();
    let bookmarks = bookmarks.iter().map(|(id, _)| title_of(id)).collect();
    render_status(
        StatusCode::OK,
        AccountPage {
            l: Layout::new(
                "Mijn WijkWijzer",
                "Wat je volgt, je eigen leervragen en je bewaarde leeraanbod.",
                "/mijn",
            )
            .retaining(state.retention_months),
            csrf: s.csrf.clone(),
            email: p.email.clone(),
            naam: p.naam.clone().unwrap_or_default(),
            notice,
            feed,
            has_feed: p.has_feed,
            follows,
            questions,
            bookmarks,
        },
    )
}

/// The signed-in participant of a form, after the CSRF check; else the finished reply.
pub(super) async fn form_signed(
    state: &AppState,
    headers: &HeaderMap,
    session: &Session,
    form: &HashMap<String, String>,
) -> Result<Signed, Response> {
    match signed_in(state, session).await {
        Ok(Some(s)) => {
            if form_ok(
                headers,
                state,
                &s,
                form.get("csrf").map_or("", String::as_str),
            ) {
                Ok(s)
            } else {
                Err(form_refused(headers))
            }
        }
        Ok(None) => Err(Redirect::to("/mijn").into_response()),
        Err(e) => Err(internal(e, headers)),
    }
}

async fn set_name(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let s = match form_signed(&state, &headers, &session, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let naam = form.get("naam").map_or("", |n| n.trim());
    if naam.chars().count() > 100 {
        return notice_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Naam te lang",
            vec!["Je naam mag hoogstens 100 tekens hebben. Ga terug en maak hem korter.".into()],
            vec![("Terug naar Mijn WijkWijzer", "/mijn")],
        );
    }
    let naam = (!naam.is_empty()).then_some(naam);
    match state
        .catalog
        .store()
        .set_participant_name(s.participant.id, naam)
        .await
    {
        Ok(()) => Redirect::to("/mijn?melding=naam").into_response(),
        Err(e) => internal(e, &headers),
    }
}

/// "Download my data": everything about the person as a JSON file.
async fn download(State(state): State<AppState>, headers: HeaderMap, session: Session) -> Response {
    let s = match signed_in(&state, &session).await {
        Ok(Some(s)) => s,
        Ok(None) => return Redirect::to("/mijn").into_response(),
        Err(e) => return internal(e, &headers),
    };
    match state.catalog.store().participant_data(&s.participant).await {
        Ok(data) => (
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mijn-wijkwijzer.json\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            serde_json::to_string_pretty(&data).unwrap_or_default(),
        )
            .into_response(),
        Err(e) => internal(e, &headers),
    }
}

/// "Delete my account": the account, follows, bookmarks and digests, and the address on own
/// questions and in queued mails, at once.
async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let s = match form_signed(&state, &headers, &session, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !form.contains_key("zeker") {
        return account_page(
            &state,
            &headers,
            &s,
            Some("Je account is niet verwijderd: vink eerst aan dat je het zeker weet."),
            None,
        )
        .await;
    }
    let store = state.catalog.store();
    let id = s.participant.id;
    // The address first (idempotent), then the account: a failure half-way can be retried.
    if let Err(e) = store.erase_person(&s.participant.email, "deelnemer").await {
        return internal(e, &headers);
    }
    if let Err(e) = store.delete_participant(id, "account verwijderd").await {
        return internal(e, &headers);
    }
    let _ = session.flush().await;
    crate::security_event!("deelnemer_verwijderd", deelnemer = id);
    notice_page(
        StatusCode::OK,
        "Je account is verwijderd",
        vec![
            "Je account, wat je volgde, je bewaarde aanbod en je e-mailadres bij je leervragen zijn gewist. Mail die nog verstuurd moest worden, gaat niet meer weg.".into(),
            "De tekst van je leervragen blijft bewaard voor de leeragenda, zonder gegevens die naar jou wijzen.".into(),
        ],
        vec![("Naar de startpagina", "/")],
    )
}

async fn change_follow(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    Path(id): Path<String>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let s = match form_signed(&state, &headers, &session, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return crate::http::pages::not_found_page();
    };
    let store = state.catalog.store();
    let pid = s.participant.id;
    let result = match form.get("actie").map(String::as_str) {
        Some("stoppen") => store.unfollow(pid, id).await.map(|ok| (ok, "gestopt")),
        _ => match form.get("frequentie").and_then(|f| Frequency::parse(f)) {
            Some(f) => store
                .set_follow_frequency(pid, id, f)
                .await
                .map(|ok| (ok, "volgen-aangepast")),
            None => {
                return notice_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Kies hoe vaak",
                    vec!["Kies ‘direct’ of ‘wekelijks’.".into()],
                    vec![("Terug naar Mijn WijkWijzer", "/mijn")],
                )
            }
        },
    };
    match result {
        Ok((true, melding)) => Redirect::to(&format!("/mijn?melding={melding}")).into_response(),
        Ok((false, _)) => crate::http::pages::not_found_page(),
        Err(e) => internal(e, &headers),
    }
}

async fn new_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let mut s = match form_signed(&state, &headers, &session, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state.catalog.store().new_feed_token(s.participant.id).await {
        Ok(token) => {
            s.participant.has_feed = true;
            let url = format!("{}/mijn/feed/{token}.atom", state.base_url);
            account_page(&state, &headers, &s, melding_text("feed"), Some(url)).await
        }
        Err(e) => internal(e, &headers),
    }
}

async fn revoke_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Response {
    let s = match form_signed(&state, &headers, &session, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state
        .catalog
        .store()
        .revoke_feed_token(s.participant.id)
        .await
    {
        Ok(()) => Redirect::to("/mijn?melding=feed-weg").into_response(),
        Err(e) => internal(e, &headers),
    }
}
