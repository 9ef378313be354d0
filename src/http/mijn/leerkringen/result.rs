//! A result of the circle, proposed as an offering (into moderation).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use tower_sessions::Session;

use super::{member_of, sign_in_first, to_members};
use crate::domain::circle::LearningCircle;
use crate::http::mijn::{signed_in, SignedPairs};
use crate::http::offering_form::OfferingForm;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;

#[derive(Template)]
#[template(path = "mijn/leerkring_resultaat.html")]
struct ResultPage {
    l: Layout,
    c: LearningCircle,
    csrf: String,
    f: OfferingForm,
}

fn result_form(c: LearningCircle, csrf: String, f: OfferingForm, status: StatusCode) -> Response {
    let title = if f.errors.is_empty() {
        format!("Resultaat voorstellen: {}", c.titel)
    } else {
        format!("Fout: resultaat voorstellen: {}", c.titel)
    };
    render_status(
        status,
        ResultPage {
            l: Layout::new(
                title,
                "Stel een resultaat van de leerkring voor als leeraanbod.",
                "/leerkringen/detail",
            ),
            c,
            csrf,
            f,
        },
    )
}

pub(super) async fn result_page(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first("Een resultaat voorstellen"));
    };
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let snapshot = state.catalog.snapshot();
    let mut values = vec![("aanbieder".to_string(), format!("Leerkring {}", c.titel))];
    values.extend(c.themas.iter().map(|t| ("themas".to_string(), t.clone())));
    values.extend(
        c.doelgroepen
            .iter()
            .map(|t| ("doelgroepen".to_string(), t.clone())),
    );
    values.extend(
        c.sectoren
            .iter()
            .map(|t| ("sectoren".to_string(), t.clone())),
    );
    let f = OfferingForm::from_pairs(&values, &snapshot.taxonomy);
    Ok(result_form(c, s.csrf, f, StatusCode::OK))
}

pub(super) async fn propose_result(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedPairs { signed, values, .. }: SignedPairs,
) -> Result<Response, PageError> {
    let Some(s) = signed else {
        return Ok(sign_in_first("Een resultaat voorstellen"));
    };
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let snapshot = state.catalog.snapshot();
    let mut f = OfferingForm::from_pairs(&values, &snapshot.taxonomy);
    if !f.check(&snapshot.taxonomy) {
        return Ok(result_form(c, s.csrf, f, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let record = serde_json::Value::Object(f.record());
    state
        .catalog
        .store()
        .propose_result(
            c.id,
            &record,
            s.participant.naam.as_deref(),
            &s.participant.email,
        )
        .await?;
    Ok(to_members(&slug, "resultaat"))
}
