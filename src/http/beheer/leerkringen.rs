//! Learning circles in the back office (moderation area): the circles participants started wait
//! here for approval or rejection (the facilitator is mailed either way); the coordination point
//! links a circle to a gap or a development track.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::domain::circle::{format_label, CircleStatus, LearningCircle, MemberRole};
use crate::domain::taxonomy::Vocabulary;
use crate::http::form_fields::{first, pairs};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::{label, moment};
use crate::http::AppState;
use crate::mail;
use crate::security::Area;

use super::{see_other, BLayout, Staff};

/// The circle routes of the back office.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/leerkringen", get(list))
        .route("/beheer/leerkringen/{id}", get(detail).post(save))
        .route("/beheer/leerkringen/{id}/afwijzen", post(reject))
}

/// A circle in a list `(id, title, started, form, status)`.
type Row = (i64, String, String, String, &'static str);

#[derive(Template)]
#[template(path = "beheer/leerkringen.html")]
struct ListPage {
    l: BLayout,
    waiting: Vec<Row>,
    running: Vec<Row>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    let snapshot = state.catalog.snapshot();
    let row = |c: &LearningCircle| -> Row {
        (
            c.id,
            c.titel.clone(),
            moment(&c.created_at),
            format_label(&snapshot.taxonomy, &c.vorm),
            c.status.label(),
        )
    };
    let store = state.catalog.store();
    let waiting = store.circles(&[CircleStatus::Ingediend]).await?;
    let running = store.circles(&[CircleStatus::Actief]).await?;
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: BLayout::new("Leerkringen", "/beheer/leerkringen", &staff),
            waiting: waiting.iter().rev().map(row).collect(),
            running: running.iter().map(row).collect(),
        },
    ))
}

#[derive(Template)]
#[template(path = "beheer/leerkring.html")]
struct DetailPage {
    l: BLayout,
    c: LearningCircle,
    vorm: String,
    voor: String,
    sectoren: String,
    themes: String,
    vraagstuk: String,
    /// Members, requests and how many consent to be listed.
    members: usize,
    /// Gap themes to link `(slug, label, chosen)`: the gaps of today first, then every theme.
    gaps: Vec<(String, String, bool)>,
    /// Development tracks `(id, title, chosen)`.
    tracks: Vec<(i64, String, bool)>,
    reden: String,
    reden_error: Option<String>,
    notice: Option<&'static str>,
}

async fn load(state: &AppState, id: i64) -> Result<LearningCircle, PageError> {
    state
        .catalog
        .store()
        .circle(id)
        .await?
        .ok_or(PageError::NotFound)
}

async fn page(
    state: &AppState,
    staff: &Staff,
    c: LearningCircle,
    reden: String,
    reden_error: Option<String>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let store = state.catalog.store();
    let members = store
        .members(c.id)
        .await?
        .iter()
        .filter(|m| m.rol != MemberRole::Aanvraag)
        .count();
    let analysis = snapshot.analysis(state.catalog.clock().today());
    let mut gaps: Vec<(String, String, bool)> = analysis
        .gaps
        .iter()
        .map(|g| {
            (
                g.thema.clone(),
                format!("{} (lacune)", label(&snapshot, Vocabulary::Theme, &g.thema)),
                c.lacune.as_deref() == Some(g.thema.as_str()),
            )
        })
        .collect();
    for t in &snapshot.taxonomy.themas {
        if !gaps.iter().any(|g| g.0 == t.slug) {
            gaps.push((
                t.slug.clone(),
                t.label.clone(),
                c.lacune.as_deref() == Some(t.slug.as_str()),
            ));
        }
    }
    let tracks = store
        .tracks()
        .await?
        .into_iter()
        .map(|t| (t.id, t.titel, c.traject == Some(t.id)))
        .collect();
    let labels = |v: Vocabulary, slugs: &[String]| {
        slugs
            .iter()
            .map(|s| label(&snapshot, v, s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let title = if reden_error.is_some() {
        "Fout: leerkring beoordelen"
    } else {
        "Leerkring beoordelen"
    };
    Ok(render_status(
        status,
        DetailPage {
            l: BLayout::new(title, "/beheer/leerkringen/detail", staff),
            vorm: format_label(&snapshot.taxonomy, &c.vorm),
            voor: labels(Vocabulary::TargetGroup, &c.doelgroepen),
            sectoren: labels(Vocabulary::Sector, &c.sectoren),
            themes: labels(Vocabulary::Theme, &c.themas),
            vraagstuk: c
                .vraagstuk
                .as_deref()
                .and_then(|v| snapshot.taxonomy.vraagstukken.iter().find(|t| t.slug == v))
                .map(|t| t.label.clone())
                .unwrap_or_default(),
            members,
            gaps,
            tracks,
            reden,
            reden_error,
            notice,
            c,
        },
    ))
}

async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    let c = load(&state, super::row_id(&id)?).await?;
    let notice = match q.get("melding").map(String::as_str) {
        Some("gekoppeld") => Some("De koppeling is opgeslagen."),
        Some("goedgekeurd") => {
            Some("De leerkring staat op de site; de begeleider krijgt een mail.")
        }
        _ => None,
    };
    page(
        &state,
        &staff,
        c,
        String::new(),
        None,
        notice,
        StatusCode::OK,
    )
    .await
}

/// The facilitator's address, for the mail about the decision.
async fn facilitator(state: &AppState, c: &LearningCircle) -> Result<Option<String>, PageError> {
    Ok(state
        .catalog
        .store()
        .members(c.id)
        .await?
        .into_iter()
        .find(|m| m.rol == MemberRole::Begeleider)
        .map(|m| m.email))
}

/// Approves a waiting circle or changes the links of a running one, with the gap (`lacune`, a
/// theme slug) and the development track (`traject`, an id) chosen.
async fn save(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    let id = super::row_id(&id)?;
    let c = load(&state, id).await?;
    let pairs = pairs(&body);
    let snapshot = state.catalog.snapshot();
    let lacune = Some(first(&pairs, "lacune"))
        .filter(|t| snapshot.taxonomy.term(Vocabulary::Theme, t).is_some());
    let traject = match first(&pairs, "traject").parse::<i64>() {
        Ok(t) if state.catalog.store().track(t).await?.is_some() => Some(t),
        _ => None,
    };
    let store = state.catalog.store();
    if first(&pairs, "actie") == "goedkeuren" && c.status == CircleStatus::Ingediend {
        let url = format!("{}/leerkringen/{}", state.base_url, c.slug);
        let mail = facilitator(&state, &c)
            .await?
            .map(|to| mail::circle_decision_mail(&to, &c.titel, &url, None));
        store
            .approve_circle(id, lacune.as_deref(), traject, mail.as_ref(), staff.actor())
            .await?;
        super::show_demand_change(&state).await;
        return Ok(see_other(&format!(
            "/beheer/leerkringen/{id}?melding=goedgekeurd"
        )));
    }
    store
        .link_circle(id, lacune.as_deref(), traject, staff.actor())
        .await?;
    super::show_demand_change(&state).await;
    Ok(see_other(&format!(
        "/beheer/leerkringen/{id}?melding=gekoppeld"
    )))
}

async fn reject(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    let id = super::row_id(&id)?;
    let c = load(&state, id).await?;
    let reden = first(&pairs(&body), "reden");
    if reden.chars().count() < 5 || reden.chars().count() > 2000 {
        return page(
            &state,
            &staff,
            c,
            reden,
            Some("Schrijf de reden van afwijzen (5 tot 2000 tekens); de begeleider krijgt die te lezen.".into()),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mail = facilitator(&state, &c)
        .await?
        .map(|to| mail::circle_decision_mail(&to, &c.titel, "", Some(&reden)));
    state
        .catalog
        .store()
        .reject_circle(id, &reden, mail.as_ref(), staff.actor())
        .await?;
    Ok(see_other("/beheer/leerkringen"))
}
