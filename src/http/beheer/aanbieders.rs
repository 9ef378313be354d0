//! Providers in the back office (redacteur): rename one everywhere it appears, or take all its
//! offerings off the site. A provider comes into being with its first offering.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::domain::offering::slugify;
use crate::http::form_fields::{first, pairs};
use crate::http::page_error::PageError;
use crate::http::pages::{form_status, render_status};
use crate::http::AppState;
use crate::security::Area;
use crate::store::AuditEntry;

use super::{see_other, BLayout, Staff};

/// The provider routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/aanbieders", get(list))
        .route("/beheer/aanbieders/{slug}", get(detail).post(rename))
        .route("/beheer/aanbieders/{slug}/van-de-site", post(unpublish))
}

#[derive(Template)]
#[template(path = "beheer/aanbieders.html")]
struct ListPage {
    l: BLayout,
    providers: Vec<crate::catalog::Provider>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Aanbod)?;
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: BLayout::new("Aanbieders", "/beheer/aanbieders", &staff),
            providers: state.catalog.snapshot().providers.clone(),
        },
    ))
}

#[derive(Template)]
#[template(path = "beheer/aanbieder.html")]
struct DetailPage {
    l: BLayout,
    name: String,
    slug: String,
    offerings: Vec<(String, String, bool)>,
    history: Vec<AuditEntry>,
    error: Option<String>,
    naam: String,
}

async fn page(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    error: Option<String>,
    naam: String,
) -> Result<Response, PageError> {
    let store = state.catalog.store();
    let all = store.all_offerings().await?;
    let offerings: Vec<(String, String, bool)> = all
        .iter()
        .filter(|o| slugify(&o.aanbieder) == slug)
        .map(|o| (o.id.clone(), o.titel.clone(), o.gepubliceerd))
        .collect();
    let Some(name) = all
        .iter()
        .find(|o| slugify(&o.aanbieder) == slug)
        .map(|o| o.aanbieder.clone())
    else {
        return Err(PageError::NotFound);
    };
    let history = store.provider_history(&name, 20).await?;
    Ok(render_status(
        form_status(error.is_some()),
        DetailPage {
            l: BLayout::new(
                if error.is_some() {
                    "Fout: aanbieder"
                } else {
                    "Aanbieder"
                },
                "/beheer/aanbieders/detail",
                staff,
            ),
            naam: if naam.is_empty() { name.clone() } else { naam },
            name,
            slug: slug.to_string(),
            offerings,
            history,
            error,
        },
    ))
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Aanbod)?;
    page(&state, &staff, &slug, None, String::new()).await
}

async fn current_name(state: &AppState, slug: &str) -> Result<String, PageError> {
    state
        .catalog
        .store()
        .all_offerings()
        .await?
        .into_iter()
        .find(|o| slugify(&o.aanbieder) == slug)
        .map(|o| o.aanbieder)
        .ok_or(PageError::NotFound)
}

async fn rename(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Aanbod)?;
    let old = current_name(&state, &slug).await?;
    let new = first(&pairs(&body), "naam");
    let n = new.chars().count();
    if !(2..=200).contains(&n) || slugify(&new).is_empty() {
        return page(
            &state,
            &staff,
            &slug,
            Some("Vul een naam in van 2 tot 200 tekens, met minstens één letter of cijfer.".into()),
            new,
        )
        .await;
    }
    if new != old {
        state
            .catalog
            .store()
            .rename_provider(&old, &new, staff.actor())
            .await?;
        super::show_committed(&state, None).await;
    }
    Ok(see_other(&format!("/beheer/aanbieders/{}", slugify(&new))))
}

async fn unpublish(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Aanbod)?;
    let name = current_name(&state, &slug).await?;
    state
        .catalog
        .store()
        .unpublish_provider(&name, staff.actor())
        .await?;
    super::show_committed(&state, None).await;
    Ok(see_other(&format!("/beheer/aanbieders/{slug}")))
}
