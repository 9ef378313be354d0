//! "Vraag of suggestie" (`/contact`): a question or suggestion for the learning network, with an
//! optional e-mail address; committed before the page confirms. Same protection as every public form.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::http::extract::PageForm;
use crate::http::forms::{parse_email, wrong_email};
use crate::http::offering_form::messages::dutch_number;
use crate::http::AppState;

use super::public_form::{self, SentBefore};
use super::view::Layout;
use super::{render_status, PageError};

const FORM: &str = "contact";
const SENT: SentBefore = SentBefore {
    heading: "Je bericht was al ontvangen",
    path: "/contact",
    again: "Een nieuw bericht sturen",
};
/// The kinds of message, `(value, label)`.
const KINDS: [(&str, &str); 3] = [
    ("vraag", "Een vraag"),
    ("suggestie", "Een suggestie"),
    ("anders", "Iets anders"),
];
const MAX_MESSAGE: usize = 5000;

/// The routes of this form.
pub fn router() -> Router<AppState> {
    Router::new().route("/contact", get(show).post(submit))
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    l: Layout,
    token: String,
    soort: String,
    bericht: String,
    email: String,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
    kinds: [(&'static str, &'static str); 3],
    /// The longest message, written the Dutch way, beside the field.
    max_chars: String,
}

impl ContactPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

#[derive(Template)]
#[template(path = "contact_result.html")]
struct ThanksPage {
    l: Layout,
    with_email: bool,
}

fn page(
    state: &AppState,
    soort: String,
    bericht: String,
    email: String,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
) -> ContactPage {
    let title = if errors.is_empty() && notice.is_none() {
        "Vraag of suggestie"
    } else {
        "Fout: vraag of suggestie"
    };
    ContactPage {
        l: Layout::new(
            title,
            "Stuur het leernetwerk een vraag of suggestie.",
            "/contact",
        )
        .retaining(state.retention_months),
        token: state.forms.token(FORM),
        soort,
        bericht,
        email,
        errors,
        notice,
        kinds: KINDS,
        max_chars: dutch_number(MAX_MESSAGE),
    }
}

async fn show(State(state): State<AppState>) -> Response {
    render_status(
        StatusCode::OK,
        page(
            &state,
            String::new(),
            String::new(),
            String::new(),
            HashMap::new(),
            None,
        ),
    )
}

async fn submit(
    State(state): State<AppState>,
    sender: public_form::Sender,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        form.get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let (soort, bericht, email) = (get("soort"), get("bericht"), get("email"));
    let taken = public_form::take(&state, FORM, &sender, &form, || {
        let mut errors = HashMap::new();
        if !KINDS.iter().any(|(v, _)| *v == soort) {
            errors.insert(
                "soort",
                "Kies of het een vraag, een suggestie of iets anders is.".to_string(),
            );
        }
        let n = bericht.chars().count();
        if n < 5 {
            errors.insert(
                "bericht",
                "Schrijf je bericht in minstens 5 tekens.".to_string(),
            );
        } else if n > MAX_MESSAGE {
            errors.insert(
                "bericht",
                format!("Je bericht is te lang: {n} tekens. Het maximum is {MAX_MESSAGE}."),
            );
        }
        let parsed_email = if email.is_empty() {
            None
        } else {
            parse_email(&email)
        };
        if !email.is_empty() && parsed_email.is_none() {
            errors.insert("email", wrong_email(&email));
        }
        if errors.is_empty() {
            Ok(parsed_email)
        } else {
            Err(errors)
        }
    });
    let (once, parsed_email) = match taken {
        Ok(taken) => taken,
        Err(refused) => {
            return Ok(refused.page(|errors, message| {
                page(
                    &state,
                    soort,
                    bericht,
                    email,
                    errors.unwrap_or_default(),
                    message,
                )
            }))
        }
    };
    let stored = state
        .catalog
        .store()
        .insert_contact(&soort, &bericht, parsed_email.as_deref(), &once.0)
        .await;
    SENT.thanks(stored, || ThanksPage {
        l: Layout::new("Bericht ontvangen", "Je bericht is ontvangen.", "/contact"),
        with_email: parsed_email.is_some(),
    })
}
