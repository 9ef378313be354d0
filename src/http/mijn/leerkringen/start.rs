//! Starting a circle with the guided form (the same form edits one: `leerkring_begeleider`).

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use tower_sessions::Session;

use super::{shown_in, sign_in_first};
use crate::domain::circle::{circle_formats, CircleInput};
use crate::domain::fields::FieldError;
use crate::domain::taxonomy::Vocabulary;
use crate::http::form_fields::first;
use crate::http::mijn::{notice_page, signed_in, SignedPairs};
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::Layout;
use crate::http::AppState;

/// The start form's values and errors.
pub(in crate::http::mijn) struct StartForm {
    pub(in crate::http::mijn) values: Vec<(String, String)>,
    pub(in crate::http::mijn) errors: BTreeMap<String, String>,
}

impl StartForm {
    fn value(&self, field: &str) -> &str {
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map_or("", |(_, v)| v.as_str())
    }

    fn is_selected(&self, field: &str, slug: &str) -> bool {
        self.values.iter().any(|(k, v)| k == field && v == slug)
    }

    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

#[derive(Template)]
#[template(path = "mijn/leerkring_starten.html")]
pub(in crate::http::mijn) struct StartPage {
    l: Layout,
    csrf: String,
    /// Where the form goes.
    action: String,
    /// Editing an existing circle (no step 5), with the members' page to go back to.
    editing: bool,
    back: String,
    f: StartForm,
    themas: Vec<(String, String)>,
    doelgroepen: Vec<(String, String)>,
    sectoren: Vec<(String, String)>,
    vormen: Vec<(String, String)>,
    vraagstukken: Vec<(String, String)>,
    /// The circle names fewer than two sectors and the starter has not confirmed that.
    one_sector: bool,
}

fn start_form(state: &AppState, csrf: String, f: StartForm, one_sector: bool) -> StartPage {
    circle_form(state, csrf, f, one_sector, None)
}

/// The guided form: starting a circle, or editing the circle `slug`.
pub(in crate::http::mijn) fn circle_form(
    state: &AppState,
    csrf: String,
    f: StartForm,
    one_sector: bool,
    slug: Option<&str>,
) -> StartPage {
    let snapshot = state.catalog.snapshot();
    let tax = &snapshot.taxonomy;
    let terms = |v: Vocabulary| {
        tax.terms(v)
            .iter()
            .map(|t| (t.slug.clone(), t.label.clone()))
            .collect::<Vec<_>>()
    };
    let what = if slug.is_some() {
        "leerkring bewerken"
    } else {
        "zelf een leerkring starten"
    };
    let title = if f.errors.is_empty() && !one_sector {
        let mut t = what.to_string();
        t[..1].make_ascii_uppercase();
        t
    } else {
        format!("Fout: {what}")
    };
    StartPage {
        l: Layout::new(
            title,
            "Start een leerkring: een groep die samen leert over een vraag die jullie delen.",
            "/leerkringen/starten",
        ),
        csrf,
        action: slug.map_or_else(
            || "/leerkringen/starten".to_string(),
            |s| format!("/leerkringen/{s}/bewerken"),
        ),
        editing: slug.is_some(),
        back: slug.map_or_else(String::new, |s| format!("/leerkringen/{s}/leden")),
        f,
        themas: terms(Vocabulary::Theme),
        doelgroepen: terms(Vocabulary::TargetGroup),
        sectoren: terms(Vocabulary::Sector),
        vormen: circle_formats(tax),
        vraagstukken: tax
            .vraagstukken
            .iter()
            .map(|t| (t.slug.clone(), t.label.clone()))
            .collect(),
        one_sector,
    }
}

pub(super) async fn start_page(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, PageError> {
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first("Een leerkring starten"));
    };
    let naam = s.participant.naam.clone().unwrap_or_default();
    let f = StartForm {
        values: vec![("toegang".into(), "open".into()), ("naam".into(), naam)],
        errors: BTreeMap::new(),
    };
    Ok(render_status(
        StatusCode::OK,
        start_form(&state, s.csrf, f, false),
    ))
}

/// The guided form's fields as sent.
pub(in crate::http::mijn) fn circle_input(values: &[(String, String)]) -> CircleInput {
    CircleInput::new(values.to_vec())
}

pub(in crate::http::mijn) fn errors_map(errors: Vec<FieldError>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for e in errors {
        map.entry(e.field).or_insert(e.reason);
    }
    map
}

pub(super) async fn start(
    State(state): State<AppState>,
    SignedPairs {
        signed,
        values,
        form,
    }: SignedPairs,
) -> Result<Response, PageError> {
    let Some(s) = signed else {
        return Ok(sign_in_first("Een leerkring starten"));
    };
    let input = circle_input(&values);
    let snapshot = state.catalog.snapshot();
    let parsed = input.parse(&snapshot.taxonomy);
    let shown = shown_in(&form);
    let mut errors = match &parsed {
        Ok(_) => BTreeMap::new(),
        Err(e) => errors_map(e.clone()),
    };
    if let Err(m) = shown {
        errors.insert("naam".into(), m.into());
    }
    let csrf = s.csrf.clone();
    let refuse = |errors: BTreeMap<String, String>, one_sector: bool| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            start_form(
                &state,
                csrf.clone(),
                StartForm {
                    values: values.clone(),
                    errors,
                },
                one_sector,
            ),
        )
    };
    let (Ok(circle), Ok(shown), true) = (parsed, shown_in(&form), errors.is_empty()) else {
        return Ok(refuse(errors, false));
    };
    // Function 3 of the coordination point: point out a circle for one sector (or none).
    if circle.single_sector() && first(&values, "een_sector") != "ja" {
        return Ok(refuse(BTreeMap::new(), true));
    }
    let (_, slug) = state
        .catalog
        .store()
        .start_circle(&circle, s.participant.id, &shown)
        .await?;
    tracing::info!(leerkring = %slug, "leerkring gestart");
    Ok(notice_page(
        StatusCode::OK,
        "Je leerkring is ontvangen",
        vec![
            format!("Bedankt voor het starten van de leerkring “{}”. Het coördinatiepunt bekijkt hem en zet hem daarna op de site. Je krijgt een mail als dat gebeurd is.", circle.titel),
            "Jij bent de begeleider: zodra de leerkring op de site staat, zet je op de ledenpagina bijeenkomsten, links en berichten voor de leden.".into(),
        ],
        vec![("Naar Mijn WijkWijzer", "/mijn"), ("Alle leerkringen", "/leerkringen")],
    ))
}
