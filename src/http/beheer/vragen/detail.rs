//! One question in the inbox with its suggested and confirmed matches.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::catalog::params::CatalogQuery;
use crate::domain::facets::{Filters, Sort};
use crate::domain::status::{MatchStatus, QuestionStatus};
use crate::domain::taxonomy::Vocabulary;
use crate::http::beheer::{BLayout, Staff};
use crate::http::page_error::PageError;
use crate::http::pages::view::{decimal, label, labels, moment};
use crate::http::pages::{form_status, render_status};
use crate::http::AppState;
use crate::security::Area;
use crate::store::InboxItem;

/// A match as shown on the detail page.
struct MatchRow {
    id: String,
    titel: String,
    score: String,
    waarom: Vec<String>,
    status: MatchStatus,
}

#[derive(Template)]
#[template(path = "beheer/vraag.html")]
struct DetailPage {
    l: BLayout,
    item: InboxItem,
    status_label: &'static str,
    themes: String,
    group: String,
    sector: String,
    matches: Vec<MatchRow>,
    zoek: String,
    found: Vec<(String, String, String)>,
    statuses: &'static [QuestionStatus],
    antwoord: String,
    error: Option<String>,
    /// All themes: slug, label, whether the question has it.
    theme_choices: Vec<(String, String, bool)>,
    themes_error: Option<String>,
    notice: Option<&'static str>,
    /// When the answer was mailed (Dutch time), oldest first.
    mailed: Vec<String>,
    /// The answer mail as it would be sent ("Voorbeeld van de mail").
    preview: Option<crate::store::OutgoingMail>,
}

/// A validation error, with the form on the page it belongs to.
pub(super) enum Fout {
    /// The answer and status form.
    Antwoord(String),
    /// The themes form.
    Themas(String),
}

impl From<&str> for Fout {
    fn from(s: &str) -> Fout {
        Fout::Antwoord(s.to_string())
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DetailQuery {
    #[serde(default)]
    zoek: String,
    #[serde(default)]
    melding: String,
}

/// What the question page shows besides the stored question: the search for an offering to link,
/// the answer as typed, a validation error, a notice and the answer mail as it would be sent.
#[derive(Default)]
pub(super) struct Shown {
    /// The search for an offering to link.
    pub zoek: String,
    /// The answer as typed; `None` shows the stored answer.
    pub antwoord: Option<String>,
    /// A validation error, at the form it belongs to.
    pub error: Option<Fout>,
    /// A notice after a change.
    pub notice: Option<&'static str>,
    /// The answer mail as it would be sent ("Voorbeeld van de mail").
    pub preview: Option<crate::store::OutgoingMail>,
}

/// The question page of question `id` with what `shown` adds; 422 when it holds an error.
pub(super) async fn detail_page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    shown: Shown,
) -> Result<Response, PageError> {
    let Shown {
        zoek,
        antwoord,
        error,
        notice,
        preview,
    } = shown;
    let store = state.catalog.store();
    let Some(item) = store.inbox_item(id).await? else {
        return Err(PageError::NotFound);
    };
    let mailed = store
        .answer_mailed_at(id)
        .await?
        .iter()
        .map(|at| moment(at))
        .collect();
    let snapshot = state.catalog.snapshot();
    let matches: Vec<MatchRow> = store
        .matches_of(id)
        .await?
        .into_iter()
        .map(|m| MatchRow {
            titel: snapshot.get(&m.offering_id).map_or_else(
                || format!("{} (niet meer gepubliceerd)", m.offering_id),
                |o| o.titel.clone(),
            ),
            score: decimal(m.score, 2),
            id: m.offering_id,
            waarom: m.waarom,
            status: m.status,
        })
        .collect();
    let found = if zoek.trim().is_empty() {
        Vec::new()
    } else {
        let query = CatalogQuery {
            q: zoek.clone(),
            filters: Filters::default(),
            sort: Sort::Relevantie,
            page: 1,
            page_size: 10,
        };
        let page = state.catalog.search(&snapshot, &query)?;
        page.items
            .iter()
            .filter(|(o, _)| {
                !matches
                    .iter()
                    .any(|m| m.id == o.id && m.status != MatchStatus::Verwijderd)
            })
            .map(|(o, _)| (o.id.clone(), o.titel.clone(), o.aanbieder.clone()))
            .collect()
    };
    let title = if error.is_some() {
        "Fout: leervraag"
    } else {
        "Leervraag"
    };
    Ok(render_status(
        form_status(error.is_some()),
        DetailPage {
            l: BLayout::new(title, "/beheer/vragen/detail", staff),
            status_label: item.status.label(),
            themes: labels(&snapshot, Vocabulary::Theme, &item.question.themas),
            group: item
                .question
                .doelgroep
                .as_deref()
                .map(|g| label(&snapshot, Vocabulary::TargetGroup, g))
                .unwrap_or_else(|| "onbekend".into()),
            sector: item
                .question
                .sector
                .as_deref()
                .map(|g| label(&snapshot, Vocabulary::Sector, g))
                .unwrap_or_else(|| "onbekend".into()),
            antwoord: antwoord.unwrap_or_else(|| item.antwoord.clone().unwrap_or_default()),
            theme_choices: snapshot
                .taxonomy
                .themas
                .iter()
                .map(|t| {
                    (
                        t.slug.clone(),
                        t.label.clone(),
                        item.question.themas.contains(&t.slug),
                    )
                })
                .collect(),
            themes_error: match &error {
                Some(Fout::Themas(m)) => Some(m.clone()),
                _ => None,
            },
            error: match error {
                Some(Fout::Antwoord(m)) => Some(m),
                _ => None,
            },
            item,
            matches,
            zoek,
            found,
            statuses: QuestionStatus::ALL,
            notice,
            mailed,
            preview,
        },
    ))
}

pub(super) async fn detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Vragen)?;
    let notice = match q.melding.as_str() {
        "opgeslagen" => Some("Opgeslagen."),
        "gekoppeld" => Some("Koppeling opgeslagen."),
        "verstuurd" => Some("Opgeslagen. Het antwoord staat klaar om te worden gemaild."),
        _ => None,
    };
    let shown = Shown {
        zoek: q.zoek,
        notice,
        ..Shown::default()
    };
    detail_page(&state, &staff, &id, shown).await
}
