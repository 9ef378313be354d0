//! Bookmarks ("bewaren") of offerings with their `.ics` and CSV export, and the private Atom feed
//! of what a person follows (a secret, revocable address; no session needed to read it).

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use crate::domain::follow::{offering_matches, SavedSearch};
use crate::http::extract::PageForm;
use crate::http::feeds::{atom_feed, FeedHead};
use crate::http::page_error::PageError;
use crate::http::AppState;

use super::{form_signed, signed_in, to_account, SignedForm};

/// The bookmark and feed routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mijn/bewaren", get(show).post(save))
        .route("/mijn/bewaren/weg", post(remove))
        .route("/mijn/bewaard.ics", get(ics))
        .route("/mijn/bewaard.csv", get(csv))
        .route("/mijn/feed/{file}", get(feed))
}

#[derive(askama::Template)]
#[template(path = "mijn/bewaren.html")]
struct SavePage {
    l: crate::http::pages::view::Layout,
    id: String,
    titel: String,
    csrf: String,
}

fn sign_in_first() -> Response {
    super::notice_page(
        StatusCode::OK,
        "Log eerst in om te bewaren",
        vec!["Bewaren kan met een account op Mijn WijkWijzer. Je logt in met je e-mailadres: je krijgt een link per mail, een wachtwoord is niet nodig.".into()],
        vec![("Inloggen op Mijn WijkWijzer", "/mijn"), ("Terug naar het aanbod", "/aanbod")],
    )
}

/// The page behind the Bewaren button of an offering (its page is the same for everyone).
async fn show(
    State(state): State<AppState>,
    session: Session,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let id = q.get("aanbod").map_or("", |s| s.trim()).to_string();
    let Some(titel) = state.catalog.snapshot().get(&id).map(|o| o.titel.clone()) else {
        return Err(PageError::NotFound);
    };
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first());
    };
    Ok(crate::http::pages::render_status(
        StatusCode::OK,
        SavePage {
            l: crate::http::pages::view::Layout::new(
                "Bewaren",
                "Bewaar leeraanbod in Mijn WijkWijzer.",
                "/mijn",
            ),
            id,
            titel,
            csrf: s.csrf,
        },
    ))
}

async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let Some(s) = form_signed(&state, &headers, &session, &form).await? else {
        return Ok(sign_in_first());
    };
    let id = form.get("aanbod").map_or("", |s| s.trim());
    if state.catalog.snapshot().get(id).is_none() {
        return Err(PageError::NotFound);
    }
    state.catalog.store().bookmark(s.participant.id, id).await?;
    Ok(to_account("bewaard"))
}

async fn remove(
    State(state): State<AppState>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let id = form.get("aanbod").map_or("", |s| s.trim());
    state
        .catalog
        .store()
        .unbookmark(s.participant.id, id)
        .await?;
    Ok(to_account("gestopt"))
}

/// The signed-in participant's bookmarked offering ids; `None` when nobody is signed in.
async fn bookmarked(state: &AppState, session: &Session) -> Result<Option<Vec<String>>, PageError> {
    let Some(s) = signed_in(state, session).await? else {
        return Ok(None);
    };
    let bookmarks = state.catalog.store().bookmarks(s.participant.id).await?;
    Ok(Some(bookmarks.into_iter().map(|(id, _)| id).collect()))
}

fn attachment(content_type: &'static str, name: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

async fn ics(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let Some(ids) = bookmarked(&state, &session).await? else {
        return Ok(to_account(""));
    };
    let ids: HashSet<String> = ids.into_iter().collect();
    let snapshot = state.catalog.snapshot();
    let body = crate::http::feeds::ics(&snapshot, &state.base_url, state.clock().now(), |o| {
        ids.contains(&o.id)
    });
    Ok(attachment(
        "text/calendar; charset=utf-8",
        "attachment; filename=\"bewaard.ics\"",
        body,
    ))
}

/// A CSV field, quoted when needed; a leading formula character is neutralised.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

async fn csv(State(state): State<AppState>, session: Session) -> Result<Response, PageError> {
    let Some(ids) = bookmarked(&state, &session).await? else {
        return Ok(to_account(""));
    };
    let snapshot = state.catalog.snapshot();
    let mut out = String::from("id,titel,aanbieder,startdatum,einddatum,kosten,url\r\n");
    for id in ids {
        let Some(o) = snapshot.get(&id) else {
            continue;
        };
        let row = [
            o.id.clone(),
            o.titel.clone(),
            o.aanbieder.clone(),
            o.startdatum.map(|d| d.to_string()).unwrap_or_default(),
            o.einddatum.map(|d| d.to_string()).unwrap_or_default(),
            o.kosten.clone(),
            format!("{}/aanbod/{}", state.base_url, o.id),
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    Ok(attachment(
        "text/csv; charset=utf-8",
        "attachment; filename=\"bewaard.csv\"",
        out,
    ))
}

/// The private Atom feed: the newest offerings that match what the person follows.
async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, PageError> {
    let token = file
        .strip_suffix(".atom")
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or(PageError::NotFound)?;
    let store = state.catalog.store();
    let p = store
        .participant_by_feed(token)
        .await?
        .ok_or(PageError::NotFound)?;
    let follows = store.follows_of(p.id).await?;
    let snapshot = state.catalog.snapshot();
    let day = state.clock().today();
    let searches: Vec<Option<SavedSearch>> = follows
        .iter()
        .map(|f| {
            crate::catalog::params::parse(
                &crate::catalog::params::pairs(Some(&f.value)),
                &snapshot,
                day,
                &[],
            )
            .ok()
            .map(|q| SavedSearch::new(q.filters, &q.q))
        })
        .collect();
    let entries: Vec<_> = crate::http::pages::newest(&snapshot, None)
        .into_iter()
        .filter(|s| {
            follows.iter().zip(&searches).any(|(f, search)| {
                offering_matches(
                    f.kind,
                    &f.value,
                    search.as_ref(),
                    &s.offering,
                    &snapshot.taxonomy,
                    day,
                )
            })
        })
        .take(50)
        .collect();
    let base = &state.base_url;
    let head = FeedHead {
        title: "Wat ik volg".into(),
        // The id names the token's hash: the feed's address itself is a secret.
        id: format!("{base}/mijn/feed/{}", crate::security::token_hash(token)),
        self_url: None,
        alternate_url: format!("{base}/aanbod"),
    };
    let xml = atom_feed(head, &entries, base).map_err(PageError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-store"),
            (header::HeaderName::from_static("x-robots-tag"), "noindex"),
        ],
        xml,
    )
        .into_response())
}
