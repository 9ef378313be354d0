//! Clusters of similar open learning questions for the coordinator (`/beheer/leerkringen/clusters`):
//! per cluster its theme and vraagstuk, how many questions, municipalities and consenting askers,
//! and a one-click "Stel een leerkring voor" to the proposal of `beheer::leerkringen`.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::catalog::clusters::MIN_CLUSTER;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security::Area;

use super::{BLayout, Staff};

/// At most this many clusters are shown, the largest first.
const SHOWN: usize = 30;

/// At most this many questions of a cluster are shown as examples.
const EXAMPLES: usize = 3;

/// The proposal takes at most this many questions.
const PROPOSED: usize = 100;

/// The cluster routes of the back office.
pub fn router() -> Router<AppState> {
    Router::new().route("/beheer/leerkringen/clusters", get(list))
}

/// One cluster as the page shows it.
struct ClusterView {
    summary: String,
    title: String,
    theme: String,
    vraagstuk: String,
    questions: usize,
    gemeenten: usize,
    /// Different consenting askers.
    consenting: usize,
    /// The ids of the questions of consenting askers, for the proposal (space-separated).
    proposed: String,
    /// Some of its questions.
    examples: Vec<String>,
}

#[derive(Template)]
#[template(path = "beheer/clusters.html")]
struct ClustersPage {
    l: BLayout,
    open: usize,
    total: usize,
    min: usize,
    clusters: Vec<ClusterView>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    let found = state.catalog.question_clusters().await?;
    // Consent can change without a new demand version: read per request (consenting only).
    let consent: HashMap<String, String> = state
        .catalog
        .store()
        .peer_questions()
        .await?
        .into_iter()
        .map(|p| (p.question.id, p.email.to_lowercase()))
        .collect();
    let snapshot = state.catalog.snapshot();
    let texts: HashMap<&str, &str> = snapshot
        .demand
        .iter()
        .map(|q| (q.question.id.as_str(), q.question.vraag.as_str()))
        .collect();
    let clusters = found
        .clusters
        .iter()
        .take(SHOWN)
        .map(|c| {
            let with: Vec<&String> = c
                .questions
                .iter()
                .filter(|id| consent.contains_key(id.as_str()))
                .collect();
            let askers: HashSet<&String> = with
                .iter()
                .filter_map(|id| consent.get(id.as_str()))
                .collect();
            ClusterView {
                summary: c.summary.clone(),
                title: c.title.clone(),
                theme: c.theme.clone().unwrap_or_default(),
                vraagstuk: c.vraagstuk.clone().unwrap_or_default(),
                questions: c.questions.len(),
                gemeenten: c.gemeenten,
                consenting: askers.len(),
                proposed: with
                    .iter()
                    .take(PROPOSED)
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                examples: c
                    .questions
                    .iter()
                    .take(EXAMPLES)
                    .filter_map(|id| texts.get(id.as_str()).map(|t| t.to_string()))
                    .collect(),
            }
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        ClustersPage {
            l: BLayout::new(
                "Clusters van open leervragen",
                "/beheer/leerkringen/clusters",
                &staff,
            ),
            open: found.open,
            total: found.clusters.len(),
            min: MIN_CLUSTER,
            clusters,
        },
    ))
}
