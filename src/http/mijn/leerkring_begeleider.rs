//! The facilitator's hold on the whole circle: editing it with the guided form (the same checks
//! as starting) and stopping it after a confirmation, with a mail to every member; both audited.
//! The coordination point stops a circle in the back office (`beheer::leerkringen`).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use crate::domain::circle::{LearningCircle, MemberRole};
use crate::http::form_fields::first;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::mail;

use super::leerkringen::{
    circle_form, circle_input, errors_map, member_of, sign_in_first, to_members, StartForm,
};
use super::{notice_page, signed_in, SignedForm, SignedPairs};

/// The facilitator's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leerkringen/{slug}/bewerken", get(edit_page).post(edit))
        .route("/leerkringen/{slug}/stoppen", post(stop))
}

/// The circle as the guided form's values.
fn values_of(c: &LearningCircle) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        ("titel".into(), c.titel.clone()),
        ("omschrijving".into(), c.omschrijving.clone()),
        ("leervragen".into(), c.leervragen.join("\n")),
        ("vorm".into(), c.vorm.clone()),
        ("ritme".into(), c.ritme.clone()),
        ("looptijd".into(), c.looptijd.clone()),
        ("begeleiding".into(), c.begeleiding.clone()),
        ("toegang".into(), c.toegang.as_str().into()),
        ("vraagstuk".into(), c.vraagstuk.clone().unwrap_or_default()),
    ];
    let many = [
        ("doelgroepen", &c.doelgroepen),
        ("sectoren", &c.sectoren),
        ("themas", &c.themas),
    ];
    for (k, list) in many {
        v.extend(list.iter().map(|x| (k.to_string(), x.clone())));
    }
    v
}

/// Makes a change to a circle visible on the cached public pages at once (a new name also on
/// the offerings it produced: the store then moved the catalogue version too).
async fn show_change(state: &AppState) {
    if let Err(e) = state.catalog.refresh_if_changed().await {
        tracing::warn!(error = %e, "leerkringen niet ververst");
    }
}

async fn edit_page(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first("Een leerkring bewerken"));
    };
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let f = StartForm {
        values: values_of(&c),
        errors: BTreeMap::new(),
    };
    Ok(render_status(
        StatusCode::OK,
        circle_form(&state, s.csrf, f, false, Some(&c.slug)),
    ))
}

/// Saves the edited circle after the same checks as starting one; a circle that becomes
/// single-sector is pointed out first (function 3).
async fn edit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedPairs { signed, values, .. }: SignedPairs,
) -> Result<Response, PageError> {
    let Some(s) = signed else {
        return Ok(sign_in_first("Een leerkring bewerken"));
    };
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let snapshot = state.catalog.snapshot();
    let refuse = |errors: BTreeMap<String, String>, one_sector: bool| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            circle_form(
                &state,
                s.csrf.clone(),
                StartForm {
                    values: values.clone(),
                    errors,
                },
                one_sector,
                Some(&c.slug),
            ),
        )
    };
    let edited = match circle_input(&values).parse(&snapshot.taxonomy) {
        Ok(e) => e,
        Err(errors) => return Ok(refuse(errors_map(errors), false)),
    };
    if edited.single_sector() && !c.single_sector() && first(&values, "een_sector") != "ja" {
        return Ok(refuse(BTreeMap::new(), true));
    }
    if !state
        .catalog
        .store()
        .update_circle(c.id, &edited, "deelnemer")
        .await?
    {
        return Err(PageError::NotFound);
    }
    show_change(&state).await;
    Ok(to_members(&c.slug, "bewerkt"))
}

/// Stops the active circle `c` for `actor`, mailing its members (not those who only asked to
/// join) that `door` stopped it, and shows the change at once; not found when it was not active.
pub async fn stop_and_mail(
    state: &AppState,
    c: &LearningCircle,
    door: &str,
    actor: &str,
) -> Result<(), PageError> {
    let url = format!("{}/leerkringen", state.base_url);
    let store = state.catalog.store();
    let mails: Vec<_> = store
        .members(c.id)
        .await?
        .iter()
        .filter(|m| m.rol != MemberRole::Aanvraag)
        .map(|m| mail::circle_stopped_mail(&m.email, &c.titel, door, &url))
        .collect();
    if !store.stop_circle(c.id, &mails, actor).await? {
        return Err(PageError::NotFound);
    }
    show_change(state).await;
    Ok(())
}

/// Stops the circle once the facilitator confirmed (`zeker=ja`); every member is mailed.
async fn stop(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let back = format!("/leerkringen/{}/leden", c.slug);
    if form.get("zeker").map(String::as_str) != Some("ja") {
        return Ok(notice_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bevestig het stoppen",
            vec!["Vink aan dat je de leerkring wilt stoppen. Er is niets veranderd.".into()],
            vec![("Terug naar de ledenpagina", back.as_str())],
        ));
    }
    stop_and_mail(&state, &c, "de begeleider", "deelnemer").await?;
    Ok(notice_page(
        StatusCode::OK,
        "De leerkring is gestopt",
        vec![format!(
            "“{}” staat niet meer op de site en in de agenda. Alle leden krijgen een mail.",
            c.titel
        )],
        vec![
            ("Naar Mijn WijkWijzer", "/mijn"),
            ("Alle leerkringen", "/leerkringen"),
        ],
    ))
}
