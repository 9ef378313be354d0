//! Learning circles in the back office (moderation area): the circles participants started wait
//! here for approval or rejection (the facilitator is mailed either way); the coordination point
//! links a circle to a gap or a development track, and proposes a circle to the askers of similar
//! questions who consented to peer contact (invited by mail with a signed link).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use crate::domain::circle::{format_label, CircleStatus, LearningCircle, MemberRole};
use crate::domain::taxonomy::Vocabulary;
use crate::http::form_fields::{first, pairs};
use crate::http::page_error::PageError;
use crate::http::pages::view::{label, moment};
use crate::http::pages::{form_status, render_status};
use crate::http::AppState;
use crate::mail;
use crate::security::Area;
use crate::store::{Rejected, StoreError};

use super::{see_other, BLayout, Opened, Record, Staff, Verdict};

/// The circle routes of the back office.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/leerkringen", get(list))
        .route("/beheer/leerkringen/voorstellen", post(propose))
        .route("/beheer/leerkringen/{id}", get(detail).post(save))
        .route("/beheer/leerkringen/{id}/afwijzen", post(reject))
        .route("/beheer/leerkringen/{id}/stoppen", post(stop))
}

/// A circle in a list `(id, title, started, form, status)`.
type Row = (i64, String, String, String, &'static str);

#[derive(Template)]
#[template(path = "beheer/leerkringen.html")]
struct ListPage {
    l: BLayout,
    waiting: Vec<Row>,
    running: Vec<Row>,
    /// The proposal form as sent, with its error.
    titel: String,
    vragen: String,
    error: Option<String>,
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    list_page(&state, &staff, String::new(), String::new(), None).await
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    titel: String,
    vragen: String,
    error: Option<String>,
) -> Result<Response, PageError> {
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
    let status = form_status(error.is_some());
    let title = if error.is_some() {
        "Fout: leerkringen"
    } else {
        "Leerkringen"
    };
    Ok(render_status(
        status,
        ListPage {
            l: BLayout::new(title, "/beheer/leerkringen", staff),
            waiting: waiting.iter().rev().map(row).collect(),
            running: running.iter().map(row).collect(),
            titel,
            vragen,
            error,
        },
    ))
}

/// Proposes a circle (`titel`) to the askers of the questions `vraag` (repeated; a value may
/// hold several ids separated by spaces or commas) who consented to peer contact: the circle is
/// active at once, by invitation, and each consenting address gets one invitation mail with a
/// signed link. Askers without consent are not contacted and not named.
async fn propose(
    State(state): State<AppState>,
    staff: Staff,
    body: Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    let pairs = pairs(&body);
    let titel = first(&pairs, "titel");
    let ids: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "vraag")
        .flat_map(|(_, v)| {
            v.split([' ', ',', '\n', '\r', '\t'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let typed = ids.join(" ");
    let refuse = |m: &str| list_page(&state, &staff, titel.clone(), typed.clone(), Some(m.into()));
    let n = titel.chars().count();
    if !(5..=200).contains(&n) {
        return refuse("Geef de leerkring een naam van 5 tot 200 tekens.").await;
    }
    if ids.is_empty() || ids.len() > 100 {
        return refuse(
            "Kies de leervragen (1 tot 100) waarvan je de vragenstellers wilt uitnodigen.",
        )
        .await;
    }
    let store = state.catalog.store();
    let askers: Vec<crate::store::PeerRow> = store
        .peer_questions()
        .await?
        .into_iter()
        .filter(|p| ids.contains(&p.question.id))
        .collect();
    // In the order the coordinator named the questions, whatever order the database returns.
    let mut askers = askers;
    askers.sort_by_key(|p| ids.iter().position(|i| *i == p.question.id));
    if askers.is_empty() {
        return refuse("Geen van de vragenstellers van deze leervragen wil in contact komen met anderen. Er is niemand om uit te nodigen.").await;
    }
    let snapshot = state.catalog.snapshot();
    let mut circle = LearningCircle {
        id: 0,
        slug: String::new(),
        titel: titel.clone(),
        omschrijving: "Voorgesteld door het coördinatiepunt voor mensen die, in verschillende gemeenten, een leervraag stelden die op elkaar lijkt.".into(),
        leervragen: vec![titel.clone()],
        doelgroepen: Vec::new(),
        sectoren: Vec::new(),
        vorm: "intervisie".into(),
        ritme: "In overleg met de deelnemers".into(),
        looptijd: "In overleg met de deelnemers".into(),
        begeleiding: "De eerste die de uitnodiging aanneemt, samen met het coördinatiepunt".into(),
        toegang: crate::domain::circle::Access::Uitnodiging,
        themas: Vec::new(),
        vraagstuk: None,
        status: CircleStatus::Actief,
        reden: None,
        lacune: None,
        traject: None,
        voorgesteld: true,
        created_at: String::new(),
    };
    let push = |list: &mut Vec<String>, v: &str| {
        if !v.is_empty() && !list.iter().any(|x| x == v) {
            list.push(v.to_string());
        }
    };
    for a in &askers {
        let q = &a.question;
        if let Some(g) = q.doelgroep.as_deref() {
            push(&mut circle.doelgroepen, g);
        }
        if let Some(s) = q.sector.as_deref() {
            push(&mut circle.sectoren, s);
        }
        for t in &q.themas {
            push(&mut circle.themas, t);
        }
    }
    circle.vraagstuk = circle
        .themas
        .iter()
        .find_map(|t| snapshot.taxonomy.topic_for_theme(t))
        .map(|t| t.slug.clone());
    let mut invitations: Vec<crate::store::NewInvitation> = Vec::new();
    for a in &askers {
        if invitations
            .iter()
            .any(|i| i.email.eq_ignore_ascii_case(&a.email))
        {
            continue;
        }
        let (token, hash) = crate::store::new_link_token()?;
        let link = format!("{}/leerkringen/uitnodiging/{token}", state.base_url);
        invitations.push(crate::store::NewInvitation {
            email: a.email.clone(),
            question_id: a.question.id.clone(),
            token_hash: hash,
            mail: mail::circle_invitation_mail(
                &a.email,
                &titel,
                &link,
                crate::store::INVITATION_DAYS,
            ),
        });
    }
    let (id, _) = store
        .propose_circle(&circle, &invitations, state.clock().now(), staff.actor())
        .await?;
    super::show_demand_change(&state).await;
    Ok(see_other(&format!(
        "/beheer/leerkringen/{id}?melding=voorgesteld&uitgenodigd={}",
        invitations.len()
    )))
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

/// The circle at the path's `id`, for staff who may moderate.
impl Record for LearningCircle {
    const AREA: Area = Area::Moderatie;

    async fn load(state: &AppState, id: i64) -> Result<Option<LearningCircle>, StoreError> {
        state.catalog.store().circle(id).await
    }
}

async fn page(
    state: &AppState,
    staff: &Staff,
    c: LearningCircle,
    verdict: Verdict,
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
    let title = if verdict.reden_error.is_some() {
        "Fout: leerkring beoordelen"
    } else {
        "Leerkring beoordelen"
    };
    Ok(render_status(
        verdict.status,
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
            reden: verdict.reden,
            reden_error: verdict.reden_error,
            notice: verdict.notice,
            c,
        },
    ))
}

async fn detail(
    State(state): State<AppState>,
    Opened(staff, c): Opened<LearningCircle>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let notice = match q.get("melding").map(String::as_str) {
        Some("gekoppeld") => Some("De koppeling is opgeslagen."),
        Some("goedgekeurd") => {
            Some("De leerkring staat op de site; de begeleider krijgt een mail.")
        }
        Some("gestopt") => Some("De leerkring is gestopt; de leden krijgen een mail."),
        Some("voorgesteld") => Some("De leerkring is voorgesteld: de vragenstellers die in contact willen komen, krijgen een uitnodiging per mail. Wie als eerste aanneemt, begeleidt de leerkring."),
        _ => None,
    };
    page(&state, &staff, c, Verdict::opened(notice)).await
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
    Opened(staff, c): Opened<LearningCircle>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = c.id;
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
    Opened(staff, c): Opened<LearningCircle>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = c.id;
    let reden = match super::rejection_reason(&body, "de begeleider") {
        Ok(reden) => reden,
        Err(verdict) => return page(&state, &staff, c, verdict).await,
    };
    let mail = facilitator(&state, &c)
        .await?
        .map(|to| mail::circle_decision_mail(&to, &c.titel, "", Some(reden.as_str())));
    state
        .catalog
        .store()
        .reject_circle(id, Rejected::new(&reden, mail.as_ref(), staff.actor()))
        .await?;
    Ok(see_other("/beheer/leerkringen"))
}

/// Stops an active circle once confirmed (`zeker=ja`); every member is mailed.
async fn stop(
    State(state): State<AppState>,
    Opened(staff, c): Opened<LearningCircle>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = c.id;
    if first(&pairs(&body), "zeker") != "ja" {
        let verdict = Verdict {
            notice: Some("Vink aan dat je de leerkring wilt stoppen. Er is niets veranderd."),
            ..Verdict::refused(StatusCode::UNPROCESSABLE_ENTITY)
        };
        return page(&state, &staff, c, verdict).await;
    }
    crate::http::mijn::leerkring_begeleider::stop_and_mail(
        &state,
        &c,
        "het coördinatiepunt",
        staff.actor(),
    )
    .await?;
    Ok(see_other(&format!(
        "/beheer/leerkringen/{id}?melding=gestopt"
    )))
}
