//! Offerings in the back office (redacteur): list, create, edit, unpublish and publish again,
//! each with its history from the audit log.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::domain::offering::Offering;
use crate::http::form_fields::{first, pairs};
use crate::http::offering_form::OfferingForm;
use crate::http::page_error::PageError;
use crate::http::pages::{form_status, render_status};
use crate::http::AppState;
use crate::security::Area;
use crate::store::{AuditEntry, OfferingSummary};

use super::{see_other, BLayout, Staff};

/// The offering routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/aanbod", get(list))
        .route("/beheer/aanbod/nieuw", get(new).post(create))
        .route("/beheer/aanbod/{id}", get(edit).post(save))
        .route("/beheer/aanbod/{id}/publicatie", post(publication))
}

/// The staff member, allowed in [`Area::Aanbod`], and the offering id of the path (`{id}`): the
/// id is read before the area is checked, as when a handler took both.
struct OfferingPath(Staff, String);

impl FromRequestParts<AppState> for OfferingPath {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let staff = Staff::from_request_parts(parts, state).await?;
        let Path(id) = Path::<String>::from_request_parts(parts, state).await?;
        Ok(OfferingPath(staff.need(Area::Aanbod)?, id))
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    zoek: String,
}

#[derive(Template)]
#[template(path = "beheer/aanbod.html")]
struct ListPage {
    l: BLayout,
    zoek: String,
    rows: Vec<OfferingSummary>,
}

async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Aanbod)?;
    let all = state.catalog.store().all_offerings().await?;
    let needle = crate::domain::analysis::fold(q.zoek.trim());
    let rows = all
        .into_iter()
        .filter(|o| {
            needle.is_empty()
                || crate::domain::analysis::fold(&o.titel).contains(&needle)
                || crate::domain::analysis::fold(&o.aanbieder).contains(&needle)
                || o.id.contains(&needle)
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: BLayout::new("Aanbod", "/beheer/aanbod", &staff),
            zoek: q.zoek,
            rows,
        },
    ))
}

#[derive(Template)]
#[template(path = "beheer/aanbod_form.html")]
struct FormPage {
    l: BLayout,
    id: Option<String>,
    f: OfferingForm,
    published: bool,
    history: Vec<AuditEntry>,
    notice: Option<&'static str>,
}

async fn new(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Aanbod)?;
    let f = OfferingForm::empty(&state.catalog.snapshot().taxonomy);
    Ok(render_status(
        StatusCode::OK,
        FormPage {
            l: BLayout::new("Nieuw aanbod", "/beheer/aanbod/nieuw", &staff),
            id: None,
            f,
            published: true,
            history: Vec::new(),
            notice: None,
        },
    ))
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Aanbod)?;
    let taxonomy = state.catalog.snapshot().taxonomy.clone();
    let mut f = OfferingForm::from_pairs(&pairs(&body), &taxonomy);
    let id = super::free_offering_id(&state, f.value("titel")).await?;
    let Some(o) = f.parse(&id, &taxonomy) else {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            FormPage {
                l: BLayout::new("Fout: nieuw aanbod", "/beheer/aanbod/nieuw", &staff),
                id: None,
                f,
                published: true,
                history: Vec::new(),
                notice: None,
            },
        ));
    };
    store_offering(&state, &staff, &o).await
}

/// Saves offering `o`, shows it on the site and goes back to its form with "Opgeslagen."
async fn store_offering(
    state: &AppState,
    staff: &Staff,
    o: &Offering,
) -> Result<Response, PageError> {
    state
        .catalog
        .store()
        .save_offering(o, staff.actor())
        .await?;
    super::show_committed(state, Some(&[o.id.as_str()])).await;
    Ok(see_other(&format!(
        "/beheer/aanbod/{}?melding=opgeslagen",
        o.id
    )))
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    melding: String,
}

async fn form_page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    f: Option<OfferingForm>,
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    let store = state.catalog.store();
    let Some((record, published)) = store.offering_record(id).await? else {
        return Err(PageError::NotFound);
    };
    let history = store.audit_log(Some(("aanbod", id)), 50, 0).await?;
    let failed = f.is_some();
    let f =
        f.unwrap_or_else(|| OfferingForm::from_value(&record, &state.catalog.snapshot().taxonomy));
    Ok(render_status(
        form_status(failed),
        FormPage {
            l: BLayout::new(
                if failed {
                    "Fout: aanbod bewerken"
                } else {
                    "Aanbod bewerken"
                },
                "/beheer/aanbod/detail",
                staff,
            ),
            id: Some(id.to_string()),
            f,
            published,
            history,
            notice,
        },
    ))
}

async fn edit(
    State(state): State<AppState>,
    OfferingPath(staff, id): OfferingPath,
    Query(q): Query<Notice>,
) -> Result<Response, PageError> {
    let notice = match q.melding.as_str() {
        "opgeslagen" => Some("Opgeslagen."),
        "gepubliceerd" => Some("Het aanbod staat weer op de site."),
        "verborgen" => Some("Het aanbod staat niet meer op de site."),
        _ => None,
    };
    form_page(&state, &staff, &id, None, notice).await
}

async fn save(
    State(state): State<AppState>,
    OfferingPath(staff, id): OfferingPath,
    body: Bytes,
) -> Result<Response, PageError> {
    let taxonomy = state.catalog.snapshot().taxonomy.clone();
    let mut f = OfferingForm::from_pairs(&pairs(&body), &taxonomy);
    if state.catalog.store().offering_record(&id).await?.is_none() {
        return Err(PageError::NotFound);
    }
    let Some(o) = f.parse(&id, &taxonomy) else {
        return form_page(&state, &staff, &id, Some(f), None).await;
    };
    store_offering(&state, &staff, &o).await
}

async fn publication(
    State(state): State<AppState>,
    OfferingPath(staff, id): OfferingPath,
    body: Bytes,
) -> Result<Response, PageError> {
    let publish = first(&pairs(&body), "gepubliceerd") == "ja";
    let found = state
        .catalog
        .store()
        .set_published(&id, publish, staff.actor())
        .await?;
    if !found {
        return Err(PageError::NotFound);
    }
    super::show_committed(&state, None).await;
    Ok(see_other(&format!(
        "/beheer/aanbod/{id}?melding={}",
        if publish { "gepubliceerd" } else { "verborgen" }
    )))
}
