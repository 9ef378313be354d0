//! What the coordinator changes on a question: linking or unlinking an offering, its themes,
//! its status and the answer (mailed through the outbox when an address was given).

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use super::detail::{detail_page, Fout, Shown};
use crate::domain::status::{MatchStatus, QuestionStatus};
use crate::domain::taxonomy::Vocabulary;
use crate::http::beheer::{see_other, Staff};
use crate::http::extract::PageForm;
use crate::http::form_fields::pairs;
use crate::http::page_error::PageError;
use crate::http::pages::view::mail_offering;
use crate::http::AppState;
use crate::mail;
use crate::security::Area;
use crate::store::{InboxItem, OutgoingMail};

#[derive(Deserialize)]
pub(super) struct LinkForm {
    #[serde(default)]
    aanbod: String,
    #[serde(default)]
    actie: String,
}

pub(super) async fn link(
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
    crate::http::beheer::show_demand_change(state).await;
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
pub(super) async fn themes(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Vragen)?;
    let chosen = match chosen_themes(&pairs(&body), &state.catalog.snapshot().taxonomy) {
        Ok(c) => c,
        Err(message) => {
            let shown = Shown {
                error: Some(Fout::Themas(message)),
                ..Shown::default()
            };
            return detail_page(&state, &staff, &id, shown).await;
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
pub(super) struct UpdateForm {
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

/// The status and answer of a question's form, checked.
enum CheckedAnswer {
    /// To be stored with this status, and mailed when there is a mail.
    Ready(QuestionStatus, Option<OutgoingMail>),
    /// Not stored: the Dutch message shown at the form.
    Refused(&'static str),
}

/// The status and answer of the form checked against question `item`, with the answer mail when
/// it is to be sent (`send`).
async fn checked_answer(
    state: &AppState,
    item: &InboxItem,
    status: &str,
    antwoord: &str,
    send: bool,
) -> Result<CheckedAnswer, PageError> {
    let status = if send {
        Some(QuestionStatus::Beantwoord)
    } else {
        QuestionStatus::parse(status.trim())
    };
    let Some(status) = status else {
        return Ok(CheckedAnswer::Refused("Kies een geldige status."));
    };
    if antwoord.chars().count() > 10_000 {
        return Ok(CheckedAnswer::Refused(
            "Het antwoord is te lang (hoogstens 10.000 tekens).",
        ));
    }
    if !send {
        return Ok(CheckedAnswer::Ready(status, None));
    }
    let store = state.catalog.store();
    if item.antwoord.as_deref() == Some(antwoord)
        && !store.answer_mailed_at(&item.question.id).await?.is_empty()
    {
        return Ok(CheckedAnswer::Refused(
            "Dit antwoord is al verstuurd. Pas het aan als je een nieuw antwoord wilt sturen.",
        ));
    }
    let Some(to) = item.email.as_deref() else {
        return Ok(CheckedAnswer::Refused("Deze vraagsteller gaf geen e-mailadres; het antwoord kan niet worden gemaild. Sla het op zonder te versturen."));
    };
    if antwoord.chars().count() < 10 {
        return Ok(CheckedAnswer::Refused(
            "Schrijf een antwoord van minstens 10 tekens voordat je het verstuurt.",
        ));
    }
    let offerings = answer_offerings(state, &item.question.id).await?;
    let mail = mail::answer_mail(to, &item.question.vraag, antwoord, &offerings);
    Ok(CheckedAnswer::Ready(status, Some(mail)))
}

pub(super) async fn update(
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
        let shown = Shown {
            preview: Some(mail::answer_mail(
                &to,
                &item.question.vraag,
                &antwoord,
                &offerings,
            )),
            antwoord: Some(antwoord),
            ..Shown::default()
        };
        return detail_page(&state, &staff, &id, shown).await;
    }
    let send = form.verstuur == "ja";
    let (status, mail) = match checked_answer(&state, &item, &form.status, &antwoord, send).await? {
        CheckedAnswer::Ready(status, mail) => (status, mail),
        CheckedAnswer::Refused(message) => {
            let shown = Shown {
                antwoord: Some(antwoord),
                error: Some(message.into()),
                ..Shown::default()
            };
            return detail_page(&state, &staff, &id, shown).await;
        }
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
