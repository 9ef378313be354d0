//! The one-time link to choose a password (a new account, or after a reset by a beheerder).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_sessions::Session;

use crate::http::extract::PageForm;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::AppState;
use crate::security;

use super::{csrf_token, message_page, see_other, BLayout};

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/beheer/wachtwoord/{token}",
        get(show_password).post(set_password),
    )
}

#[derive(Template)]
#[template(path = "beheer/wachtwoord.html")]
struct PasswordPage {
    l: BLayout,
    email: String,
    error: Option<String>,
    token: String,
}

async fn show_password(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let store = state.catalog.store();
    let Some(u) = store
        .password_token_user(&security::token_hash(&token), state.clock().now())
        .await?
    else {
        return Ok(invalid_link());
    };
    Ok(render_status(
        StatusCode::OK,
        PasswordPage {
            l: BLayout::anonymous(
                "Wachtwoord kiezen",
                "/beheer/wachtwoord",
                csrf_token(&session).await,
            ),
            email: u.email,
            error: None,
            token,
        },
    ))
}

fn invalid_link() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Link ongeldig of verlopen",
        "Deze link om een wachtwoord te kiezen is al gebruikt of verlopen. Vraag een beheerder om een nieuwe link.",
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    herhaal: String,
}

async fn set_password(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    let hash = security::token_hash(&token);
    let store = state.catalog.store();
    let Some(user) = store
        .password_token_user(&hash, state.clock().now())
        .await?
    else {
        return Ok(invalid_link());
    };
    let problem = if form.wachtwoord != form.herhaal {
        Some("De twee wachtwoorden zijn niet gelijk.".to_string())
    } else {
        security::check_new_password(&form.wachtwoord, &user.email)
            .err()
            .map(|weak| weak.to_string())
    };
    if let Some(error) = problem {
        return Ok(render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            PasswordPage {
                l: BLayout::anonymous(
                    "Fout: wachtwoord kiezen",
                    "/beheer/wachtwoord",
                    csrf_token(&session).await,
                ),
                email: user.email,
                error: Some(error),
                token,
            },
        ));
    }
    let new_hash = security::hash_password_off_runtime(form.wachtwoord)
        .await
        .map_err(PageError::internal)?;
    Ok(
        if store
            .use_password_token(&hash, &new_hash, state.clock().now())
            .await?
        {
            see_other("/beheer/inloggen?melding=wachtwoord")
        } else {
            invalid_link()
        },
    )
}
