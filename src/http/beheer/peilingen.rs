//! Peilingen in the back office: a coordinator publishes the learning agenda and gaps of today as
//! a peiling (a POST with the session's CSRF token); at most one a day, and a published peiling
//! never changes.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::dutch_date;
use crate::http::AppState;
use crate::security::Area;
use crate::store::StoreError;

use super::{see_other, show_demand_change, BLayout, Staff};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/beheer/peilingen", get(list).post(publish))
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
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Peilingen)?;
    let today = state.catalog.clock().today();
    let entries = state.catalog.store().snapshot_list().await?;
    let gaps = state.catalog.snapshot().analysis(today).gaps.len();
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: BLayout::new("Peilingen", "/beheer/peilingen", &staff),
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
        },
    ))
}

async fn publish(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Peilingen)?;
    let snapshot = crate::http::pages::snapshots::freeze_now(&state).await?;
    let at = state
        .catalog
        .clock()
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    match state
        .catalog
        .store()
        .publish_snapshot(&snapshot, &at, staff.actor())
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
