//! Peilingen and inventory rounds in the back office: a coordinator publishes the learning agenda
//! and gaps of today as a peiling (a POST with the session's CSRF token; at most one a day, and a
//! published peiling never changes), and opens and closes inventory rounds (closing labels what
//! came in and publishes the peiling of that day).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::domain::inventory::RoundInput;
use crate::http::form_fields::{first, pairs};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::{dutch_date, period};
use crate::http::AppState;
use crate::security::Area;
use crate::store::StoreError;

use super::{see_other, show_demand_change, BLayout, Staff};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/peilingen", get(list).post(publish))
        .route("/beheer/rondes", axum::routing::post(open_round))
        .route(
            "/beheer/rondes/{id}/afsluiten",
            axum::routing::post(close_round),
        )
}

#[derive(Template)]
#[template(path = "beheer/peilingen.html")]
struct ListPage {
    l: BLayout,
    /// "6 december 2026".
    today: String,
    /// Today has a peiling already.
    done_today: bool,
    /// `(public href, date, method)`, newest first.
    list: Vec<(String, String, String)>,
    /// How many themes are a gap today.
    gaps: usize,
    /// The rounds, newest first: `(id, label, period, questions, offerings, closed on)`.
    rounds: Vec<(i64, String, String, i64, i64, Option<String>)>,
    /// The round form as typed, and its errors `(field, message)`.
    form: RoundInput,
    errors: Vec<(String, String)>,
}

/// The error of `field`, if any (for the template).
impl ListPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Peilingen)?;
    let today = state.catalog.clock().today();
    let form = RoundInput {
        starts_on: today.to_string(),
        ..RoundInput::default()
    };
    page(&state, &staff, form, Vec::new(), StatusCode::OK).await
}

async fn page(
    state: &AppState,
    staff: &Staff,
    form: RoundInput,
    errors: Vec<(String, String)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let today = state.catalog.clock().today();
    let rounds = state.catalog.store().rounds().await?;
    let entries = state.catalog.store().snapshot_list().await?;
    let gaps = state.catalog.snapshot().analysis(today).gaps.len();
    Ok(render_status(
        status,
        ListPage {
            l: BLayout::new("Peilingen", "/beheer/peilingen", staff),
            today: dutch_date(today),
            done_today: entries.iter().any(|e| e.datum == today),
            list: entries
                .iter()
                .map(|e| {
                    (
                        format!("/leeragenda/peilingen/{}", e.datum),
                        dutch_date(e.datum),
                        e.methode.clone(),
                    )
                })
                .collect(),
            gaps,
            rounds: rounds
                .into_iter()
                .map(|x| {
                    (
                        x.round.id,
                        x.round.label,
                        period(x.round.starts_on, x.round.ends_on),
                        x.questions,
                        x.offerings,
                        x.round.closed_on.map(dutch_date),
                    )
                })
                .collect(),
            form,
            errors,
        },
    ))
}

async fn open_round(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Peilingen)?;
    let p = pairs(&body);
    let form = RoundInput {
        label: first(&p, "label"),
        starts_on: first(&p, "startdatum"),
        ends_on: first(&p, "einddatum"),
    };
    let round = match form.parse() {
        Ok(r) => r,
        Err(errors) => {
            let errors = errors.into_iter().map(|e| (e.field, e.reason)).collect();
            return page(
                &state,
                &staff,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state
        .catalog
        .store()
        .open_round(&round, staff.actor())
        .await
    {
        Ok(_) => Ok(see_other("/beheer/peilingen")),
        Err(StoreError::Conflict(_)) => {
            let errors = vec![(
                "label".to_string(),
                "Er is al een ronde met deze naam. Kies een andere naam.".to_string(),
            )];
            page(
                &state,
                &staff,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn close_round(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Peilingen)?;
    let Ok(id) = id.parse::<i64>() else {
        return Err(PageError::NotFound);
    };
    let today = state.catalog.clock().today();
    let store = state.catalog.store();
    let Some(round) = store.close_round(id, today, staff.actor()).await? else {
        return Err(PageError::NotFound);
    };
    show_demand_change(&state).await;
    // The peiling of this day is the round's snapshot; publish it unless there is one already.
    if store.snapshot_at(today).await?.is_none() {
        let mut snapshot = crate::http::pages::snapshots::freeze_now(&state).await?;
        snapshot.ronde = Some(round.label);
        match store
            .publish_snapshot(&snapshot, &now(&state), staff.actor())
            .await
        {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        show_demand_change(&state).await;
    }
    Ok(see_other(&format!("/leeragenda/peilingen/{today}")))
}

fn now(state: &AppState) -> String {
    state
        .catalog
        .clock()
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

async fn publish(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Peilingen)?;
    let snapshot = crate::http::pages::snapshots::freeze_now(&state).await?;
    match state
        .catalog
        .store()
        .publish_snapshot(&snapshot, &now(&state), staff.actor())
        .await
    {
        Ok(()) => {
            show_demand_change(&state).await;
            Ok(see_other(&format!(
                "/leeragenda/peilingen/{}",
                snapshot.datum
            )))
        }
        Err(StoreError::Conflict(_)) => Err(PageError::refused(
            StatusCode::CONFLICT,
            "Er is vandaag al een peiling",
            format!(
                "De peiling van {} is al gepubliceerd. Een peiling verandert niet meer, zodat iedereen ernaar kan verwijzen. Een nieuwe peiling kan vanaf morgen.",
                dutch_date(snapshot.datum)
            ),
        )),
        Err(e) => Err(e.into()),
    }
}
