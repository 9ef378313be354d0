//! "Leeraanbod aanmelden" (`/aanbod/aanmelden`): a provider contributes an offering; it goes to the
//! moderation queue (status `ingediend`), not to the site. Same protection as every public form.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use crate::http::extract::PageBody;
use crate::http::form_fields::{first, pairs};
use crate::http::forms::{parse_email, wrong_email};
use crate::http::offering_form::OfferingForm;
use crate::http::AppState;

use super::public_form::{self, SentBefore};
use super::view::Layout;
use super::{render_status, PageError};

const FORM: &str = "aanmelden";
const SENT: SentBefore = SentBefore {
    heading: "Je aanmelding was al ontvangen",
    path: "/aanbod/aanmelden",
    again: "Ander leeraanbod aanmelden",
};

/// The routes of this form.
pub fn router() -> Router<AppState> {
    Router::new().route("/aanbod/aanmelden", get(show).post(submit))
}

#[derive(Template)]
#[template(path = "aanmelden.html")]
struct SubmitPage {
    l: Layout,
    token: String,
    f: OfferingForm,
    naam: String,
    email: String,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "aanmelden_result.html")]
struct ThanksPage {
    l: Layout,
    titel: String,
}

fn page(
    state: &AppState,
    f: OfferingForm,
    naam: String,
    email: String,
    notice: Option<String>,
) -> SubmitPage {
    let title = if f.errors.is_empty() && notice.is_none() {
        "Leeraanbod aanmelden"
    } else {
        "Fout: leeraanbod aanmelden"
    };
    SubmitPage {
        l: Layout::new(
            title,
            "Meld leeraanbod over leefbare en veilige wijken aan voor WijkWijzer Leernetwerk.",
            "/aanbod/aanmelden",
        )
        .retaining(state.retention_months),
        token: state.forms.token(FORM),
        f,
        naam,
        email,
        notice,
    }
}

async fn show(State(state): State<AppState>) -> Response {
    let snapshot = state.catalog.snapshot();
    render_status(
        StatusCode::OK,
        page(
            &state,
            OfferingForm::empty(&snapshot.taxonomy),
            String::new(),
            String::new(),
            None,
        ),
    )
}

async fn submit(
    State(state): State<AppState>,
    sender: public_form::Sender,
    PageBody(body): PageBody,
) -> Result<Response, PageError> {
    let snapshot = state.catalog.snapshot();
    let pairs = pairs(&body);
    let mut f = OfferingForm::from_pairs(&pairs, &snapshot.taxonomy);
    let (naam, email) = (
        first(&pairs, "contact_naam"),
        first(&pairs, "contact_email"),
    );
    let fields: HashMap<String, String> = pairs.iter().cloned().collect();
    let taken = public_form::take(&state, FORM, &sender, &fields, || {
        f.check(&snapshot.taxonomy);
        let parsed_email = parse_email(&email);
        if email.is_empty() {
            f.errors.insert(
                "contact_email".into(),
                "Vul je e-mailadres in, zoals naam@voorbeeld.nl. We mailen je als het aanbod is bekeken."
                    .into(),
            );
        } else if parsed_email.is_none() {
            f.errors.insert("contact_email".into(), wrong_email(&email));
        }
        if naam.chars().count() > 200 {
            f.errors.insert(
                "contact_naam".into(),
                "Je naam is te lang (hoogstens 200 tekens).".into(),
            );
        }
        if f.errors.is_empty() {
            Ok(parsed_email)
        } else {
            Err(())
        }
    });
    let (once, parsed_email) = match taken {
        Ok(taken) => taken,
        Err(refused) => return Ok(refused.page(|_, message| page(&state, f, naam, email, message))),
    };
    let record = Value::Object(f.record());
    let stored = state
        .catalog
        .store()
        .insert_submission(
            &record,
            (!naam.is_empty()).then_some(naam.as_str()),
            parsed_email.as_deref(),
            &once.0,
        )
        .await;
    SENT.thanks(stored, || ThanksPage {
        l: Layout::new(
            "Aanmelding ontvangen",
            "Je aanmelding van leeraanbod is ontvangen.",
            "/aanbod/aanmelden",
        ),
        titel: f.value("titel").to_string(),
    })
}
