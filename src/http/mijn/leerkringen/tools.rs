//! The facilitator's tools on the members' page: admitting, meetings, links and announcements
//! mailed to the members through the outbox.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;

use super::members::refuse_form;
use super::{member_of, to_members};
use crate::domain::circle::{parse_announcement, parse_link, parse_meeting};
use crate::http::mijn::{Signed, SignedForm};
use crate::http::page_error::PageError;
use crate::http::AppState;

fn field<'a>(form: &'a HashMap<String, String>, k: &str) -> &'a str {
    form.get(k).map_or("", String::as_str)
}

pub(super) async fn admit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let Some(id) = form
        .get("deelnemer")
        .and_then(|v| v.trim().parse::<i64>().ok())
    else {
        return Err(PageError::NotFound);
    };
    if !state.catalog.store().admit_member(c.id, id).await? {
        return Err(PageError::NotFound);
    }
    Ok(to_members(&slug, "toegelaten"))
}

pub(super) async fn add_meeting(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    match parse_meeting(
        field(&form, "datum"),
        field(&form, "tijd"),
        field(&form, "titel"),
        field(&form, "plaats"),
        state.clock().today(),
    ) {
        Ok(m) => {
            state.catalog.store().add_meeting(c.id, &m).await?;
            crate::http::beheer::show_demand_change(&state).await;
            Ok(to_members(&slug, "bijeenkomst"))
        }
        Err(e) => refuse_form(&state, c, &s, "bijeenkomst", e, form).await,
    }
}

fn path_id(id: &str) -> Result<i64, PageError> {
    id.parse::<i64>().map_err(|_| PageError::NotFound)
}

pub(super) async fn remove_meeting(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    SignedForm { signed: s, .. }: SignedForm,
) -> Result<Response, PageError> {
    remove(&state, &slug, &id, &s, Shared::Meeting).await
}

pub(super) async fn add_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    match parse_link(field(&form, "titel"), field(&form, "url")) {
        Ok(l) => {
            state.catalog.store().add_circle_link(c.id, &l).await?;
            Ok(to_members(&slug, "link"))
        }
        Err(e) => refuse_form(&state, c, &s, "link", e, form).await,
    }
}

pub(super) async fn remove_link(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    SignedForm { signed: s, .. }: SignedForm,
) -> Result<Response, PageError> {
    remove(&state, &slug, &id, &s, Shared::Link).await
}

/// What the facilitator shares on the members' page and can take off it again.
#[derive(Clone, Copy)]
enum Shared {
    Meeting,
    Link,
}

/// Takes meeting or link `id` off circle `slug`, when `s` facilitates it; a meeting leaves the
/// agenda too.
async fn remove(
    state: &AppState,
    slug: &str,
    id: &str,
    s: &Signed,
    what: Shared,
) -> Result<Response, PageError> {
    let (c, _) = member_of(state, slug, s, true).await?;
    let id = path_id(id)?;
    let store = state.catalog.store();
    match what {
        Shared::Meeting => {
            store.remove_meeting(c.id, id).await?;
            crate::http::beheer::show_demand_change(state).await;
        }
        Shared::Link => store.remove_circle_link(c.id, id).await?,
    }
    Ok(to_members(slug, "weg"))
}

pub(super) async fn announce(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let a = match parse_announcement(field(&form, "onderwerp"), field(&form, "tekst")) {
        Ok(a) => a,
        Err(errors) => return refuse_form(&state, c, &s, "bericht", errors, form).await,
    };
    let store = state.catalog.store();
    let url = format!("{}/leerkringen/{slug}/leden", state.base_url);
    let mails: Vec<_> = store
        .members(c.id)
        .await?
        .iter()
        .filter(|m| m.rol.is_member())
        .map(|m| {
            crate::mail::circle_announcement_mail(&m.email, &c.titel, &a.onderwerp, &a.tekst, &url)
        })
        .collect();
    store.announce(c.id, &a.onderwerp, &a.tekst, &mails).await?;
    Ok(to_members(&slug, "bericht"))
}
