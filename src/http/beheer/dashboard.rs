//! The dashboard (what waits for whom), and for the beheerder the e-mail outbox and accounts.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::domain::status::MailStatus;
use crate::http::extract::PageForm;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security::Area;
use crate::store::{DashboardCounts, OutboxCounts, OutboxRow, User};

use super::{see_other, BLayout, Staff};

/// The dashboard routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/beheer", get(dashboard))
        .route("/beheer/mail", get(mail))
        .route("/beheer/mail/{id}/opnieuw", post(retry))
        .route("/beheer/accounts/status", post(account_status))
}

#[derive(Template)]
#[template(path = "beheer/dashboard.html")]
struct DashboardPage {
    l: BLayout,
    counts: DashboardCounts,
    waiting: i64,
    problems: i64,
    notice: Option<&'static str>,
    may_questions: bool,
    may_moderate: bool,
    may_offerings: bool,
    may_mail: bool,
    /// The account has a second factor set up.
    totp_on: bool,
}

#[derive(Deserialize, Default)]
struct Notice {
    #[serde(default)]
    melding: String,
}

async fn dashboard(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<Notice>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Dashboard)?;
    let store = state.catalog.store();
    let counts = store.dashboard_counts().await?;
    let OutboxCounts {
        waiting, problems, ..
    } = store.outbox_counts().await?;
    let role = staff.user.role;
    Ok(render_status(
        axum::http::StatusCode::OK,
        DashboardPage {
            l: BLayout::new("Overzicht", "/beheer", &staff),
            counts,
            waiting,
            problems,
            notice: match q.melding.as_str() {
                "tweestaps" => Some("Tweestapsverificatie staat aan."),
                _ => None,
            },
            may_questions: role.may(Area::Vragen),
            may_moderate: role.may(Area::Moderatie),
            may_offerings: role.may(Area::Aanbod),
            may_mail: role.may(Area::Beheer),
            totp_on: staff.user.totp_secret.is_some(),
        },
    ))
}

#[derive(Template)]
#[template(path = "beheer/mail.html")]
struct MailPage {
    l: BLayout,
    mails: Vec<OutboxRow>,
    users: Vec<User>,
    /// The mail folder, when no SMTP server is set.
    folder: Option<String>,
}

async fn mail(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let staff = staff.need(Area::Beheer)?;
    let store = state.catalog.store();
    let mails = store.outbox(200).await?;
    let users = store.users().await?;
    Ok(render_status(
        axum::http::StatusCode::OK,
        MailPage {
            l: BLayout::new("Mail en accounts", "/beheer/mail", &staff),
            mails,
            users,
            folder: state.mail_folder.as_deref().map(String::from),
        },
    ))
}

async fn retry(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Beheer)?;
    let id = super::row_id(&id)?;
    let store = state.catalog.store();
    let queued = store.retry_mail(id, staff.actor()).await?;
    if !queued && !store.mail_exists(id).await? {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/beheer/mail"))
}

#[derive(Deserialize)]
struct AccountForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    uitgeschakeld: String,
}

async fn account_status(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<AccountForm>,
) -> Result<Response, PageError> {
    let staff = staff.need(Area::Beheer)?;
    // Compared as the store finds accounts (trimmed, case-insensitive), so " eigen@…" is caught too.
    if form.email.trim().to_lowercase() == staff.user.email.trim().to_lowercase() {
        return Err(PageError::refused(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "Niet mogelijk",
            "Je kunt je eigen account niet uitschakelen.",
        ));
    }
    let found = state
        .catalog
        .store()
        .set_user_disabled(
            &form.email,
            form.uitgeschakeld == "ja",
            staff.actor(),
            state.clock().now(),
        )
        .await?;
    if !found {
        return Err(PageError::NotFound);
    }
    Ok(see_other("/beheer/mail"))
}
