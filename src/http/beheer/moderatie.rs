//! Moderation of contributed offerings: review side by side with similar existing ones
//! (duplicate warning), edit, approve (published and indexed at once) or reject with a reason;
//! the submitter is mailed either way.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::domain::offering::Offering;
use crate::domain::similar::most_like;
use crate::domain::status::SubmissionStatus;
use crate::http::form_fields::{first, pairs};
use crate::http::offering_form::OfferingForm;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::moment;
use crate::http::AppState;
use crate::mail;
use crate::security::Area;
use crate::store::{Rejected, StoreError, Submission};

use super::{see_other, BLayout, Opened, Record, Staff, Verdict};

/// The moderation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer/aanmeldingen", get(list))
        .route("/beheer/aanmeldingen/{id}", get(detail).post(save))
        .route("/beheer/aanmeldingen/{id}/afwijzen", post(reject))
}

#[derive(Template)]
#[template(path = "beheer/aanmeldingen.html")]
struct ListPage {
    l: BLayout,
    /// `(id, title, provider, submitted, title of an offering it likely duplicates)`.
    waiting: Vec<(i64, String, String, String, Option<String>)>,
}

fn text(s: &Submission, k: &str) -> String {
    s.data
        .get(k)
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string()
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Moderatie)?;
    let subs = state
        .catalog
        .store()
        .submissions(SubmissionStatus::Ingediend)
        .await?;
    let taxonomy = state.catalog.snapshot().taxonomy.clone();
    Ok(render_status(
        StatusCode::OK,
        ListPage {
            l: BLayout::new("Aanmeldingen", "/beheer/aanmeldingen", &staff),
            waiting: subs
                .iter()
                .map(|s| {
                    let form = OfferingForm::from_value(&s.data, &taxonomy);
                    let duplicate = similar_to(&state, &form)
                        .into_iter()
                        .find(|x| x.duplicate)
                        .map(|x| x.titel);
                    (
                        s.id,
                        text(s, "titel"),
                        text(s, "aanbieder"),
                        moment(&s.created_at),
                        duplicate,
                    )
                })
                .collect(),
        },
    ))
}

/// A similar existing offering.
struct Similar {
    id: String,
    titel: String,
    aanbieder: String,
    /// Likely the same offering as the submission.
    duplicate: bool,
}

#[derive(Template)]
#[template(path = "beheer/aanmelding.html")]
struct DetailPage {
    l: BLayout,
    s: Submission,
    f: OfferingForm,
    similar: Vec<Similar>,
    /// The title of the offering this submission likely duplicates.
    duplicate: Option<String>,
    reden: String,
    reden_error: Option<String>,
    notice: Option<&'static str>,
    /// The learning circle this result comes from `(slug, name)`.
    origin: Option<(String, String)>,
}

fn similar_to(state: &AppState, f: &OfferingForm) -> Vec<Similar> {
    let snapshot = state.catalog.snapshot();
    let mut probe = f.clone();
    let Some(o) = probe.parse("aanmelding", &snapshot.taxonomy) else {
        return Vec::new();
    };
    let all: Vec<&Offering> = snapshot.offerings.iter().map(|s| &s.offering).collect();
    most_like(&o, &all, 4)
        .into_iter()
        .map(|(o, duplicate)| Similar {
            id: o.id.clone(),
            titel: o.titel.clone(),
            aanbieder: o.aanbieder.clone(),
            duplicate,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    staff: &Staff,
    s: Submission,
    f: OfferingForm,
    verdict: Verdict,
) -> Result<Response, PageError> {
    let origin = state.catalog.store().submission_circle(s.id).await?;
    let similar = similar_to(state, &f);
    let duplicate = similar
        .iter()
        .find(|x| x.duplicate)
        .map(|x| x.titel.clone());
    let title = if f.errors.is_empty() && verdict.reden_error.is_none() {
        "Aanmelding beoordelen"
    } else {
        "Fout: aanmelding beoordelen"
    };
    Ok(render_status(
        verdict.status,
        DetailPage {
            l: BLayout::new(title, "/beheer/aanmeldingen/detail", staff),
            s,
            f,
            similar,
            duplicate,
            reden: verdict.reden,
            reden_error: verdict.reden_error,
            notice: verdict.notice,
            origin,
        },
    ))
}

impl Record for Submission {
    const AREA: Area = Area::Moderatie;

    async fn load(state: &AppState, id: i64) -> Result<Option<Submission>, StoreError> {
        state.catalog.store().submission(id).await
    }
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    melding: String,
}

async fn detail(
    State(state): State<AppState>,
    Opened(staff, s): Opened<Submission>,
    Query(q): Query<Notice>,
) -> Result<Response, PageError> {
    let f = OfferingForm::from_value(&s.data, &state.catalog.snapshot().taxonomy);
    let notice = match q.melding.as_str() {
        "opgeslagen" => Some("Wijzigingen opgeslagen."),
        "gepubliceerd" if s.status == SubmissionStatus::Goedgekeurd => {
            Some("Gepubliceerd: het aanbod staat nu op de site en is direct vindbaar.")
        }
        _ => None,
    };
    page(&state, &staff, s, f, Verdict::opened(notice)).await
}

async fn save(
    State(state): State<AppState>,
    Opened(staff, s): Opened<Submission>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = s.id;
    if s.status != SubmissionStatus::Ingediend {
        return Ok(see_other(&format!("/beheer/aanmeldingen/{id}")));
    }
    let pairs = pairs(&body);
    let taxonomy = state.catalog.snapshot().taxonomy.clone();
    let mut f = OfferingForm::from_pairs(&pairs, &taxonomy);
    let approve = first(&pairs, "actie") == "goedkeuren";
    let offering_id = super::free_offering_id(&state, f.value("titel")).await?;
    let parsed = f.parse(&offering_id, &taxonomy);
    if parsed.is_some()
        && approve
        && first(&pairs, "geen_dubbel") != "ja"
        && similar_to(&state, &f).iter().any(|x| x.duplicate)
    {
        f.errors.insert(
            "geen_dubbel".into(),
            "Deze aanmelding lijkt sterk op bestaand aanbod. Bekijk het vergelijkbare aanbod en vink aan dat dit geen dubbel is, of wijs de aanmelding af.".into(),
        );
    }
    let (Some(offering), true) = (parsed, f.errors.is_empty()) else {
        return page(
            &state,
            &staff,
            s,
            f,
            Verdict::refused(StatusCode::UNPROCESSABLE_ENTITY),
        )
        .await;
    };
    let store = state.catalog.store();
    if !approve {
        store
            .edit_submission(id, &serde_json::Value::Object(f.record()), staff.actor())
            .await?;
        return Ok(see_other(&format!(
            "/beheer/aanmeldingen/{id}?melding=opgeslagen"
        )));
    }
    let mail = s.contact_email.as_deref().map(|to| {
        mail::approved_mail(
            to,
            s.contact_naam.as_deref(),
            &offering.titel,
            &format!("{}/aanbod/{}", state.base_url, offering.id),
        )
    });
    match store
        .approve_submission(id, &offering, mail.as_ref(), staff.actor())
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            f.errors.insert(
                "titel".into(),
                "Titel: er bestaat al aanbod met dit adres; pas de titel aan.".into(),
            );
            return page(&state, &staff, s, f, Verdict::refused(StatusCode::CONFLICT)).await;
        }
        Err(e) => return Err(e.into()),
    }
    super::show_committed(&state, Some(&[offering.id.as_str()])).await;
    Ok(see_other(&format!(
        "/beheer/aanmeldingen/{id}?melding=gepubliceerd"
    )))
}

async fn reject(
    State(state): State<AppState>,
    Opened(staff, s): Opened<Submission>,
    body: Bytes,
) -> Result<Response, PageError> {
    let id = s.id;
    let reden = match super::rejection_reason(&body, "de indiener") {
        Ok(reden) => reden,
        Err(verdict) => {
            let f = OfferingForm::from_value(&s.data, &state.catalog.snapshot().taxonomy);
            return page(&state, &staff, s, f, verdict).await;
        }
    };
    let titel = text(&s, "titel");
    let mail = s
        .contact_email
        .as_deref()
        .map(|to| mail::rejected_mail(to, s.contact_naam.as_deref(), &titel, reden.as_str()));
    state
        .catalog
        .store()
        .reject_submission(id, Rejected::new(&reden, mail.as_ref(), staff.actor()))
        .await?;
    Ok(see_other("/beheer/aanmeldingen"))
}
