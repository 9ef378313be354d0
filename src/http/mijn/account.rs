//! The account page (`/mijn`): what one follows and how often, one's own questions with their
//! status, offerings and answer, bookmarks, the private feed, the display name, and "download my
//! data" / "delete my account".

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use crate::domain::follow::{describe, Frequency};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;

use super::{
    melding_text, notice_page, sign_in_page, signed_in, to_account, Melding, Signed, SignedForm,
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
        .route("/mijn/vragen/{id}/contact", post(change_contact))
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
    id: String,
    /// Consent to peer contact.
    contact: bool,
    /// The peers suggested (with consent), explained.
    peers: Vec<crate::http::pages::peers::Suggested>,
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
    /// Learning circles `(href, name, role)`.
    circles: Vec<(String, String, &'static str)>,
}

/// `/mijn`: the account page, or the sign-in page when nobody is signed in.
pub async fn show(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Query(m): axum::extract::Query<Melding>,
) -> Result<Response, PageError> {
    match signed_in(&state, &session).await? {
        Some(s) => account_page(&state, &s, melding_text(&m.melding), None).await,
        None => Ok(sign_in_page(
            &state,
            StatusCode::OK,
            String::new(),
            None,
            melding_text(&m.melding),
        )),
    }
}

async fn account_page(
    state: &AppState,
    s: &Signed,
    notice: Option<&'static str>,
    feed: Option<String>,
) -> Result<Response, PageError> {
    let store = state.catalog.store();
    let p = &s.participant;
    let (follows, questions, bookmarks) = tokio::try_join!(
        store.follows_of(p.id),
        store.own_questions(&p.email),
        store.bookmarks(p.id)
    )?;
    let mut peers = crate::http::pages::peers::suggested_peers(state, &p.email).await?;
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
            peers: peers.remove(&q.id).unwrap_or_default(),
            contact: q.peer_consent,
            id: q.id.clone(),
            status: q.status.label().to_string(),
            vraag: q.vraag,
            datum: q.datum,
            antwoord: q.antwoord.filter(|a| !a.trim().is_empty()),
            voorgesteld: q.voorgesteld.iter().map(&title_of).collect(),
            bevestigd: q.bevestigd.iter().map(&title_of).collect(),
        })
        .collect();
    let bookmarks = bookmarks.iter().map(|(id, _)| title_of(id)).collect();
    Ok(render_status(
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
            circles: state
                .catalog
                .store()
                .circles_of(p.id)
                .await?
                .into_iter()
                .map(|(c, role)| circle_line(&c, role))
                .collect(),
        },
    ))
}

/// A circle on the account page `(href, name, role)`: the members' page once it runs.
fn circle_line(
    c: &crate::domain::circle::LearningCircle,
    role: crate::domain::circle::MemberRole,
) -> (String, String, &'static str) {
    use crate::domain::circle::MemberRole;
    let href = if c.is_active() && role.is_member() {
        format!("/leerkringen/{}/leden", c.slug)
    } else if c.is_active() {
        format!("/leerkringen/{}", c.slug)
    } else {
        "/leerkringen".to_string()
    };
    let what = match (c.status, role) {
        (crate::domain::circle::CircleStatus::Ingediend, _) => "wacht op beoordeling",
        (crate::domain::circle::CircleStatus::Afgewezen, _) => "niet opgenomen",
        (crate::domain::circle::CircleStatus::Gestopt, _) => "gestopt",
        (_, MemberRole::Begeleider) => "je bent begeleider",
        (_, MemberRole::Lid) => "je bent lid",
        (_, MemberRole::Aanvraag) => "je vroeg of je mee mag doen",
    };
    (href, c.titel.clone(), what)
}

async fn set_name(
    State(state): State<AppState>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let naam = form.get("naam").map_or("", |n| n.trim());
    if naam.chars().count() > 100 {
        return Ok(notice_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Naam te lang",
            vec!["Je naam mag hoogstens 100 tekens hebben. Ga terug en maak hem korter.".into()],
            vec![("Terug naar Mijn WijkWijzer", "/mijn")],
        ));
    }
    let naam = (!naam.is_empty()).then_some(naam);
    state
        .catalog
        .store()
        .set_participant_name(s.participant.id, naam)
        .await?;
    Ok(to_account("naam"))
}

/// "Download my data": everything about the person as a JSON file.
async fn download(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(to_account(""));
    };
    let data = state
        .catalog
        .store()
        .participant_data(&s.participant)
        .await?;
    Ok((
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
        .into_response())
}

/// "Delete my account": the account, follows, bookmarks and digests, and the address on own
/// questions and in queued mails, at once.
async fn delete(
    State(state): State<AppState>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    if !form.contains_key("zeker") {
        return account_page(
            &state,
            &s,
            Some("Je account is niet verwijderd: vink eerst aan dat je het zeker weet."),
            None,
        )
        .await;
    }
    let store = state.catalog.store();
    let id = s.participant.id;
    // The address first (idempotent), then the account: a failure half-way can be retried.
    store
        .erase_person(&s.participant.email, "deelnemer")
        .await?;
    store.delete_participant(id, "account verwijderd").await?;
    let _ = s.session.flush().await;
    crate::security_event!("deelnemer_verwijderd", deelnemer = id);
    Ok(notice_page(
        StatusCode::OK,
        "Je account is verwijderd",
        vec![
            "Je account, wat je volgde, je bewaarde aanbod en je e-mailadres bij je leervragen zijn gewist. Mail die nog verstuurd moest worden, gaat niet meer weg.".into(),
            "De tekst van je leervragen blijft bewaard voor de leeragenda, zonder gegevens die naar jou wijzen.".into(),
        ],
        vec![("Naar de startpagina", "/")],
    ))
}

async fn change_follow(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let id = id.parse::<i64>().map_err(|_| PageError::NotFound)?;
    let store = state.catalog.store();
    let pid = s.participant.id;
    let (found, melding) = match form.get("actie").map(String::as_str) {
        Some("stoppen") => (store.unfollow(pid, id).await?, "gestopt"),
        _ => match form.get("frequentie").and_then(|f| Frequency::parse(f)) {
            Some(f) => (
                store.set_follow_frequency(pid, id, f).await?,
                "volgen-aangepast",
            ),
            None => {
                return Ok(notice_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Kies hoe vaak",
                    vec!["Kies ‘direct’ of ‘wekelijks’.".into()],
                    vec![("Terug naar Mijn WijkWijzer", "/mijn")],
                ))
            }
        },
    };
    if !found {
        return Err(PageError::NotFound);
    }
    Ok(to_account(melding))
}

/// Gives or withdraws consent to peer contact on one's own question; withdrawing hides the
/// person from every suggestion at once.
async fn change_contact(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let share = match form.get("actie").map(String::as_str) {
        Some("stoppen") => None,
        _ => {
            let mut form = form.clone();
            form.insert("contact".into(), "ja".into());
            let share = crate::http::pages::peers::share_from(&form);
            if let Some(m) = share
                .as_ref()
                .and_then(crate::http::pages::peers::share_error)
            {
                return Ok(notice_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Te lang",
                    vec![m],
                    vec![("Terug naar Mijn WijkWijzer", "/mijn")],
                ));
            }
            share
        }
    };
    let found = state
        .catalog
        .store()
        .set_peer_consent(&id, &s.participant.email, share.as_ref())
        .await?;
    if !found {
        return Err(PageError::NotFound);
    }
    Ok(to_account(if share.is_some() {
        "contact-aan"
    } else {
        "contact-uit"
    }))
}

async fn new_feed(
    State(state): State<AppState>,
    SignedForm { signed: mut s, .. }: SignedForm,
) -> Result<Response, PageError> {
    let token = state
        .catalog
        .store()
        .new_feed_token(s.participant.id)
        .await?;
    s.participant.has_feed = true;
    let url = format!("{}/mijn/feed/{token}.atom", state.base_url);
    account_page(&state, &s, melding_text("feed"), Some(url)).await
}

async fn revoke_feed(
    State(state): State<AppState>,
    SignedForm { signed: s, .. }: SignedForm,
) -> Result<Response, PageError> {
    state
        .catalog
        .store()
        .revoke_feed_token(s.participant.id)
        .await?;
    Ok(to_account("feed-weg"))
}
