//! The question inbox: filters, sorting, paging and what the engine learned from the
//! coordinator's choices.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::domain::matching::{Fit, LearnedSummary};
use crate::domain::status::QuestionStatus;
use crate::domain::taxonomy::Vocabulary;
use crate::http::beheer::{BLayout, Staff};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::{dutch_date, labels, options};
use crate::http::AppState;
use crate::security::Area;
use crate::store::{InboxFilter, InboxItem};

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    thema: String,
    #[serde(default)]
    doelgroep: String,
    #[serde(default)]
    bron: String,
    /// `koppeling` or `mens`: who chose the themes.
    #[serde(default)]
    themas: String,
    /// Words to find in the question, the municipality or the address.
    #[serde(default)]
    zoek: String,
    /// `ja`: only questions with an e-mail address.
    #[serde(default)]
    email: String,
    /// `ja`: only questions still waiting for an answer (nieuw, in behandeling).
    #[serde(default)]
    wacht: String,
    /// The page, from 1 (text: a wrong value is page 1).
    #[serde(default)]
    pagina: String,
}

/// Questions per page of the inbox.
const PER_PAGE: usize = 50;
/// Questions the inbox reads at most before its own search and filters.
const INBOX_MAX: i64 = 10_000;

impl ListQuery {
    /// Whether `item` passes the text search and the filters "heeft e-mail" and "wacht op
    /// antwoord".
    fn keeps(&self, item: &InboxItem) -> bool {
        let words: Vec<String> = self
            .zoek
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        let text = format!(
            "{} {} {} {}",
            item.question.vraag,
            item.question.gemeente.as_deref().unwrap_or(""),
            item.email.as_deref().unwrap_or(""),
            item.question.id
        )
        .to_lowercase();
        words.iter().all(|w| text.contains(w.as_str()))
            && (self.email != "ja" || item.email.is_some())
            && (self.wacht != "ja"
                || matches!(
                    item.status,
                    QuestionStatus::Nieuw | QuestionStatus::InBehandeling
                ))
    }

    /// The link to page `n` of this selection.
    fn page_href(&self, n: usize) -> String {
        let mut pairs: Vec<(&str, &str)> = [
            ("status", &self.status),
            ("thema", &self.thema),
            ("doelgroep", &self.doelgroep),
            ("bron", &self.bron),
            ("themas", &self.themas),
            ("zoek", &self.zoek),
            ("email", &self.email),
            ("wacht", &self.wacht),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect();
        let page = n.to_string();
        if n > 1 {
            pairs.push(("pagina", &page));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        if query.is_empty() {
            "/beheer/vragen".into()
        } else {
            format!("/beheer/vragen?{query}")
        }
    }
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A question row in the list.
struct Row {
    item: InboxItem,
    status_label: &'static str,
    /// The engine's answer in Dutch.
    fit_label: &'static str,
    themes: String,
    group: String,
    /// The date asked, in Dutch (`3 december 2026`).
    date: String,
}

#[derive(Template)]
#[template(path = "beheer/vragen.html")]
struct ListPage {
    l: BLayout,
    rows: Vec<Row>,
    q: ListQuery,
    statuses: &'static [QuestionStatus],
    themes: Vec<(String, String)>,
    groups: Vec<(String, String)>,
    /// Questions in the selection.
    total: usize,
    /// This page and the number of pages.
    page: usize,
    pages: usize,
    /// Links to the previous and next page.
    previous: Option<String>,
    next: Option<String>,
    /// What the engine learned from the coordination point's judgements, in Dutch.
    learned: String,
}

/// What the engine learned from the coordination point, in one Dutch sentence.
fn learned_text(summary: Option<LearnedSummary>) -> String {
    let Some(s) = summary.filter(|s| s.oordelen > 0) else {
        return "De koppeling heeft nog niet geleerd van oordelen van het coördinatiepunt. \
                Elke bevestigde of verwijderde koppeling en elke lacune telt als oordeel."
            .to_string();
    };
    let oordelen = if s.oordelen == 1 {
        "1 oordeel".to_string()
    } else {
        format!("{} oordelen", s.oordelen)
    };
    let vragen = if s.vragen == 1 {
        "1 leervraag".to_string()
    } else {
        format!("{} leervragen", s.vragen)
    };
    let accuracy = match s.accuracy {
        Some(a) => format!(
            "Op oordelen die het model bij het toetsen niet zag, was {}% van de uitspraken 'passend' of 'niet passend' juist (kruisvalidatie, 5 delen).",
            (a * 100.0).round() as i64
        ),
        None => "Voor een getoetste nauwkeurigheid zijn minstens 10 leervragen nodig met een bevestigde koppeling of een lacune.".to_string(),
    };
    format!("De koppeling heeft geleerd van {oordelen} van het coördinatiepunt over {vragen}. {accuracy}")
}

pub(super) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Vragen)?;
    let snapshot = state.catalog.snapshot();
    // A status the inbox does not know matches no question.
    let status = some(&q.status).map(|s| QuestionStatus::parse(&s));
    let filter = InboxFilter {
        status: status.flatten(),
        thema: some(&q.thema),
        doelgroep: some(&q.doelgroep),
        bron: some(&q.bron),
        themas_automatisch: match q.themas.as_str() {
            "koppeling" => Some(true),
            "mens" => Some(false),
            _ => None,
        },
    };
    let items = if status == Some(None) {
        Vec::new()
    } else {
        state.catalog.store().inbox(&filter, INBOX_MAX).await?
    };
    let selected: Vec<InboxItem> = items.into_iter().filter(|i| q.keeps(i)).collect();
    let total = selected.len();
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = q
        .pagina
        .trim()
        .parse::<usize>()
        .unwrap_or(1)
        .clamp(1, pages);
    let previous = (page > 1).then(|| q.page_href(page - 1));
    let next = (page < pages).then(|| q.page_href(page + 1));
    let rows = selected
        .into_iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|item| Row {
            date: dutch_date(item.question.datum),
            status_label: item.status.label(),
            fit_label: item.fit.map_or("nog niet gekoppeld", Fit::label),
            themes: labels(&snapshot, Vocabulary::Theme, &item.question.themas),
            group: labels(
                &snapshot,
                Vocabulary::TargetGroup,
                item.question.doelgroep.as_slice(),
            ),
            item,
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: BLayout::new("Leervragen", "/beheer/vragen", &staff),
            rows,
            statuses: QuestionStatus::ALL,
            themes: options(&snapshot.taxonomy.themas),
            groups: options(&snapshot.taxonomy.doelgroepen),
            learned: learned_text(state.catalog.learned_summary()),
            q,
            total,
            page,
            pages,
            previous,
            next,
        },
    ))
}
