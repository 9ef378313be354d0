//! The question inbox: each learning question with the engine's suggested matches; the
//! coordinator confirms, removes or adds matches, corrects the themes, answers (mailed when an
//! address was given) and moves the status along `nieuw → in behandeling → beantwoord`, `lacune`
//! or `doorverwezen`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::domain::facets::{Filters, Sort};
use crate::domain::matching::{Fit, LearnedSummary};
use crate::domain::status::{MatchStatus, QuestionStatus};
use crate::domain::taxonomy::Vocabulary;
use crate::http::extract::PageForm;
use crate::http::form_fields::pairs;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::mail_offering;
use crate::http::pages::view::{decimal, dutch_date, label, labels, moment, options};
use crate::http::AppState;
use crate::mail;
use crate::security::Area;
use crate::store::{InboxFilter, InboxItem};

use super::{see_other, BLayout, Staff};

/// The inbox routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/vragen", get(list))
        .route("/beheer/vragen/{id}", get(detail).post(update))
        .route("/beheer/vragen/{id}/koppeling", post(link))
        .route("/beheer/vragen/{id}/themas", post(themes))
}

#[derive(Deserialize, Default)]
struct ListQuery {
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
            item.vraag,
            item.gemeente.as_deref().unwrap_or(""),
            item.email.as_deref().unwrap_or(""),
            item.id
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

async fn list(
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
            date: chrono::NaiveDate::parse_from_str(&item.datum, "%Y-%m-%d")
                .map_or_else(|_| item.datum.clone(), dutch_date),
            status_label: item.status.label(),
            fit_label: item.fit.map_or("nog niet gekoppeld", Fit::label),
            themes: labels(&snapshot, Vocabulary::Theme, &item.themas),
            group: item
                .doelgroep
                .as_deref()
                .map(|g| label(&snapshot, Vocabulary::TargetGroup, g))
                .unwrap_or_default(),
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
enum Fout {
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
struct DetailQuery {
    #[serde(default)]
    zoek: String,
    #[serde(default)]
    melding: String,
}

async fn detail_page(
    state: &AppState,
    staff: &Staff,
    id: &str,
    zoek: &str,
    antwoord: Option<String>,
    error: Option<Fout>,
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    detail_page_with(state, staff, id, zoek, antwoord, error, notice, None).await
}

/// The question page, with the answer mail shown as it would be sent when `preview` is given.
#[allow(clippy::too_many_arguments)]
async fn detail_page_with(
    state: &AppState,
    staff: &Staff,
    id: &str,
    zoek: &str,
    antwoord: Option<String>,
    error: Option<Fout>,
    notice: Option<&'static str>,
    preview: Option<crate::store::OutgoingMail>,
) -> Result<Response, PageError> {
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
        let page = state.catalog.search(
            &snapshot,
            zoek,
            &Filters::default(),
            Sort::Relevantie,
            1,
            10,
        )?;
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
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        DetailPage {
            l: BLayout::new(title, "/beheer/vragen/detail", staff),
            status_label: item.status.label(),
            themes: labels(&snapshot, Vocabulary::Theme, &item.themas),
            group: item
                .doelgroep
                .as_deref()
                .map(|g| label(&snapshot, Vocabulary::TargetGroup, g))
                .unwrap_or_else(|| "onbekend".into()),
            sector: item
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
                        item.themas.contains(&t.slug),
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
            zoek: zoek.to_string(),
            found,
            statuses: QuestionStatus::ALL,
            notice,
            mailed,
            preview,
        },
    ))
}

async fn detail(
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
    detail_page(&state, &staff, &id, &q.zoek, None, None, notice).await
}

#[derive(Deserialize)]
struct LinkForm {
    #[serde(default)]
    aanbod: String,
    #[serde(default)]
    actie: String,
}

async fn link(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    PageForm(form): PageForm<LinkForm>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Vragen)?;
    let status = match form.actie.as_str() {
        "bevestig" | "voeg-toe" => MatchStatus::Bevestigd,
        "verwijder" => MatchStatus::Verwijderd,
        _ => return Err(PageError::NotFound),
    };
    let snapshot = state.catalog.snapshot();
    if status == MatchStatus::Bevestigd && snapshot.get(&form.aanbod).is_none() {
        return Err(PageError::NotFound);
    }
    let found = state
        .catalog
        .store()
        .set_match(&id, &form.aanbod, status, staff.actor())
        .await?;
    saved(&state, &id, found, "gekoppeld").await
}

/// After a change to question `id` (`found`: it exists): the agenda is refreshed and the question
/// shown again with the notice `melding` (`opgeslagen`, `verstuurd`, `gekoppeld`: at the matches).
async fn saved(
    state: &AppState,
    id: &str,
    found: bool,
    melding: &str,
) -> Result<Response, PageError> {
    if !found {
        return Err(PageError::NotFound);
    }
    super::show_demand_change(state).await;
    // A change to the matches returns to the matches section.
    let anchor = if melding == "gekoppeld" {
        "#gekoppeld"
    } else {
        ""
    };
    Ok(see_other(&format!(
        "/beheer/vragen/{id}?melding={melding}{anchor}"
    )))
}

/// The themes ticked in a form (checkboxes `thema`): known slugs, each once, at least one.
fn chosen_themes(
    pairs: &[(String, String)],
    taxonomy: &crate::domain::taxonomy::Taxonomy,
) -> Result<Vec<String>, String> {
    let mut chosen: Vec<String> = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "thema") {
        if taxonomy.term(Vocabulary::Theme, v).is_none() {
            return Err(format!("Onbekend thema ‘{v}’. Kies uit de lijst."));
        }
        if !chosen.contains(v) {
            chosen.push(v.clone());
        }
    }
    if chosen.is_empty() {
        return Err("Kies minstens één thema.".into());
    }
    Ok(chosen)
}

/// Sets the themes of a question (checkboxes `thema`).
async fn themes(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Vragen)?;
    let chosen = match chosen_themes(&pairs(&body), &state.catalog.snapshot().taxonomy) {
        Ok(c) => c,
        Err(message) => {
            let error = Some(Fout::Themas(message));
            return detail_page(&state, &staff, &id, "", None, error, None).await;
        }
    };
    let found = state
        .catalog
        .store()
        .set_question_themes(&id, &chosen, staff.actor())
        .await?;
    saved(&state, &id, found, "opgeslagen").await
}

#[derive(Deserialize)]
struct UpdateForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    antwoord: String,
    #[serde(default)]
    verstuur: String,
    #[serde(default)]
    voorbeeld: String,
}

/// The confirmed offerings of question `id`, as the answer mail names them.
async fn answer_offerings(
    state: &AppState,
    id: &str,
) -> Result<Vec<crate::mail::MailOffering>, PageError> {
    let snapshot = state.catalog.snapshot();
    Ok(state
        .catalog
        .store()
        .matches_of(id)
        .await?
        .into_iter()
        .filter(|m| m.status == MatchStatus::Bevestigd)
        .filter_map(|m| {
            snapshot
                .get(&m.offering_id)
                .map(|o| mail_offering(o, &state.base_url))
        })
        .collect())
}

async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    PageForm(form): PageForm<UpdateForm>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Vragen)?;
    let store = state.catalog.store();
    let Some(item) = store.inbox_item(&id).await? else {
        return Err(PageError::NotFound);
    };
    let antwoord = form.antwoord.trim().to_string();
    if form.voorbeeld == "ja" {
        // Shows the mail as it would go out; nothing is stored.
        let to = item
            .email
            .clone()
            .unwrap_or_else(|| "(geen e-mailadres)".into());
        let offerings = answer_offerings(&state, &id).await?;
        let preview = mail::answer_mail(&to, &item.vraag, &antwoord, &offerings);
        return detail_page_with(
            &state,
            &staff,
            &id,
            "",
            Some(antwoord),
            None,
            None,
            Some(preview),
        )
        .await;
    }
    let send = form.verstuur == "ja";
    let status = if send {
        Some(QuestionStatus::Beantwoord)
    } else {
        QuestionStatus::parse(form.status.trim())
    };
    let Some(status) = status else {
        return detail_page(
            &state,
            &staff,
            &id,
            "",
            Some(antwoord),
            Some("Kies een geldige status.".into()),
            None,
        )
        .await;
    };
    if antwoord.chars().count() > 10_000 {
        return detail_page(
            &state,
            &staff,
            &id,
            "",
            Some(antwoord),
            Some("Het antwoord is te lang (hoogstens 10.000 tekens).".into()),
            None,
        )
        .await;
    }
    let mailed_before = send
        && item.antwoord.as_deref() == Some(antwoord.as_str())
        && !store.answer_mailed_at(&id).await?.is_empty();
    if mailed_before {
        return detail_page(
            &state,
            &staff,
            &id,
            "",
            Some(antwoord),
            Some(
                "Dit antwoord is al verstuurd. Pas het aan als je een nieuw antwoord wilt sturen."
                    .into(),
            ),
            None,
        )
        .await;
    }
    let mail = if send {
        let Some(to) = item.email.clone() else {
            return detail_page(&state, &staff, &id, "", Some(antwoord), Some("Deze vraagsteller gaf geen e-mailadres; het antwoord kan niet worden gemaild. Sla het op zonder te versturen.".into()), None).await;
        };
        if antwoord.chars().count() < 10 {
            return detail_page(
                &state,
                &staff,
                &id,
                "",
                Some(antwoord),
                Some(
                    "Schrijf een antwoord van minstens 10 tekens voordat je het verstuurt.".into(),
                ),
                None,
            )
            .await;
        }
        let offerings = answer_offerings(&state, &id).await?;
        Some(mail::answer_mail(&to, &item.vraag, &antwoord, &offerings))
    } else {
        None
    };
    let done = store
        .update_question(
            &id,
            status,
            (!antwoord.is_empty()).then_some(antwoord.as_str()),
            mail.as_ref(),
            staff.actor(),
        )
        .await?;
    let notice = if send { "verstuurd" } else { "opgeslagen" };
    saved(&state, &id, done, notice).await
}
