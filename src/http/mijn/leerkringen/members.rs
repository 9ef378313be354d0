//! The members' page: members as consented, meetings, links, announcements and results; the
//! form errors of the facilitator's tools shown on it.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tower_sessions::Session;

use super::{errors_map, member_of, sign_in_first, to_members};
use crate::domain::circle::{Announcement, LearningCircle, MemberRole};
use crate::domain::fields::FieldError;
use crate::http::mijn::{signed_in, Signed, SignedForm};
use crate::http::page_error::PageError;
use crate::http::pages::circles::{meeting_view, MeetingView};
use crate::http::pages::render_status;
use crate::http::pages::view::{moment, Layout};
use crate::http::AppState;

/// An announcement on the members' page, with when it was sent in Dutch words.
struct AnnouncementView {
    announcement: Announcement,
    when: String,
}

#[derive(Template)]
#[template(path = "mijn/leerkring_leden.html")]
struct MembersPage {
    l: Layout,
    c: LearningCircle,
    csrf: String,
    begeleider: bool,
    notice: Option<&'static str>,
    /// Members who consent to be listed `(name, organisation, facilitator)`.
    listed: Vec<(String, String, bool)>,
    /// Members not listed.
    unlisted: usize,
    /// Requests to join `(participant id, name, organisation)`, for the facilitator.
    requests: Vec<(i64, String, String)>,
    /// The participant's own consent.
    own_listed: bool,
    /// Meetings `(id, view)`.
    meetings: Vec<(i64, MeetingView)>,
    links: Vec<(i64, String, String)>,
    /// Announcements `(subject, text, when)`.
    announcements: Vec<AnnouncementView>,
    /// Published results `(id, title)` and how many wait for moderation.
    results: Vec<(String, String)>,
    waiting: usize,
    /// Errors of the form sent, per field, with the form's name.
    errors: BTreeMap<String, String>,
    which: &'static str,
    values: HashMap<String, String>,
}

impl MembersPage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    fn error(&self, form: &str, field: &str) -> Option<&String> {
        if self.which == form {
            self.errors.get(field)
        } else {
            None
        }
    }
}

fn members_notice(m: &str) -> Option<&'static str> {
    match m {
        "welkom" => Some("Welkom! Je doet nu mee met deze leerkring."),
        "lid" => Some("Welkom! Je hebt de uitnodiging aangenomen en doet nu mee."),
        "begeleider" => Some("Welkom! Je hebt de uitnodiging aangenomen. Je bent de eerste, dus jij begeleidt deze leerkring: zet hieronder de eerste bijeenkomst."),
        "zichtbaar" => Some("Je keuze is opgeslagen."),
        "toegelaten" => Some("Het nieuwe lid is toegelaten."),
        "bijeenkomst" => Some("De bijeenkomst is toegevoegd."),
        "link" => Some("De link is toegevoegd."),
        "weg" => Some("Verwijderd."),
        "bericht" => Some("Je bericht is opgeslagen en gaat per mail naar de leden."),
        "resultaat" => Some("Bedankt! Het coördinatiepunt bekijkt het resultaat; na goedkeuring staat het in het leeraanbod."),
        "bewerkt" => Some("De wijzigingen zijn opgeslagen."),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn members_view(
    state: &AppState,
    c: LearningCircle,
    s: &Signed,
    role: MemberRole,
    notice: Option<&'static str>,
    which: &'static str,
    errors: BTreeMap<String, String>,
    values: HashMap<String, String>,
) -> Result<MembersPage, PageError> {
    let store = state.catalog.store();
    let members = store.members(c.id).await?;
    let meetings = store.meetings(c.id).await?;
    let links = store.circle_links(c.id).await?;
    let announcements = store.announcements(c.id).await?;
    let (published, waiting) = store.circle_results(c.id).await?;
    let snapshot = state.catalog.snapshot();
    let in_circle: Vec<_> = members.iter().filter(|m| m.rol.is_member()).collect();
    let begeleider = role == MemberRole::Begeleider;
    Ok(MembersPage {
        l: Layout::new(
            format!("Ledenpagina: {}", c.titel),
            "De ledenpagina van een leerkring.",
            "/leerkringen/detail",
        ),
        csrf: s.csrf.clone(),
        begeleider,
        notice,
        listed: in_circle
            .iter()
            .filter(|m| m.zichtbaar)
            .map(|m| {
                (
                    m.naam.clone(),
                    m.organisatie.clone(),
                    m.rol == MemberRole::Begeleider,
                )
            })
            .collect(),
        unlisted: in_circle.iter().filter(|m| !m.zichtbaar).count(),
        requests: if begeleider {
            members
                .iter()
                .filter(|m| m.rol == MemberRole::Aanvraag)
                .map(|m| {
                    let naam = if m.naam.is_empty() {
                        "Iemand zonder naam".to_string()
                    } else {
                        m.naam.clone()
                    };
                    (m.participant_id, naam, m.organisatie.clone())
                })
                .collect()
        } else {
            Vec::new()
        },
        own_listed: members
            .iter()
            .any(|m| m.participant_id == s.participant.id && m.zichtbaar),
        meetings: meetings.iter().map(|m| (m.id, meeting_view(m))).collect(),
        links: links.into_iter().map(|l| (l.id, l.titel, l.url)).collect(),
        announcements: announcements
            .into_iter()
            .map(|a| AnnouncementView {
                when: moment(&a.created_at),
                announcement: a.announcement,
            })
            .collect(),
        results: published
            .iter()
            .filter_map(|id| snapshot.get(id).map(|o| (o.id.clone(), o.titel.clone())))
            .collect(),
        waiting,
        errors,
        which,
        values,
        c,
    })
}

#[derive(serde::Deserialize, Default)]
pub(super) struct Melding {
    #[serde(default)]
    melding: String,
}

pub(super) async fn members_page(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Melding>,
) -> Result<Response, PageError> {
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first("De ledenpagina bekijken"));
    };
    let (c, role) = member_of(&state, &slug, &s, false).await?;
    let page = members_view(
        &state,
        c,
        &s,
        role,
        members_notice(&q.melding),
        "",
        BTreeMap::new(),
        HashMap::new(),
    )
    .await?;
    Ok(render_status(StatusCode::OK, page))
}

pub(super) async fn listed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, false).await?;
    let on = form.get("zichtbaar").is_some_and(|v| v == "ja");
    state
        .catalog
        .store()
        .set_member_listed(c.id, s.participant.id, on)
        .await?;
    Ok(to_members(&slug, "zichtbaar"))
}

pub(super) async fn refuse_form(
    state: &AppState,
    c: LearningCircle,
    s: &Signed,
    which: &'static str,
    errors: Vec<FieldError>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let mut page = members_view(
        state,
        c,
        s,
        MemberRole::Begeleider,
        None,
        which,
        errors_map(errors),
        form,
    )
    .await?;
    page.l.title = format!("Fout: {}", page.l.title);
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}
