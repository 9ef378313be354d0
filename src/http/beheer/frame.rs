//! The frame of a back-office page (menu by role, the account, the CSRF token) and the message
//! pages, a [`PageError`] included, shown in it.

use askama::Template;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::current_request_id;
use crate::http::page_error::PageError;
use crate::http::pages::render_status;
use crate::http::pages::view::assets;
use crate::security::Area;

use super::Staff;

/// The frame of a back-office page.
pub struct BLayout {
    /// Page title.
    pub title: String,
    /// Stylesheet.
    pub css: &'static str,
    /// This page's path (current menu item).
    pub path: String,
    /// Menu items this account may use `(href, label)`.
    pub nav: Vec<(&'static str, &'static str)>,
    /// Logged-in account, if any.
    pub email: Option<String>,
    /// Its role label.
    pub role: &'static str,
    /// CSRF token for the forms on the page.
    pub csrf: String,
}

const MENU: [(&str, &str, Area); 12] = [
    ("/beheer", "Overzicht", Area::Dashboard),
    ("/beheer/vragen", "Leervragen", Area::Vragen),
    ("/beheer/aanmeldingen", "Aanmeldingen", Area::Moderatie),
    ("/beheer/leerkringen", "Leerkringen", Area::Moderatie),
    ("/beheer/aanbod", "Aanbod", Area::Aanbod),
    ("/beheer/aanbieders", "Aanbieders", Area::Aanbod),
    ("/beheer/berichten", "Berichten", Area::Berichten),
    ("/beheer/trajecten", "Ontwikkeltrajecten", Area::Trajecten),
    ("/beheer/peilingen", "Peilingen", Area::Peilingen),
    ("/beheer/logboek", "Logboek", Area::Audit),
    ("/beheer/privacy", "Privacy", Area::Privacy),
    ("/beheer/mail", "Mail en accounts", Area::Beheer),
];

impl BLayout {
    /// A page frame for a logged-in account.
    pub fn new(title: impl Into<String>, path: impl Into<String>, staff: &Staff) -> BLayout {
        BLayout {
            title: title.into(),
            css: assets::SITE_CSS_PATH,
            path: path.into(),
            nav: MENU
                .iter()
                .filter(|(_, _, a)| staff.user.role.may(*a))
                .map(|(h, l, _)| (*h, *l))
                .collect(),
            email: Some(staff.user.email.clone()),
            role: staff.user.role.label(),
            csrf: staff.csrf.clone(),
        }
    }

    /// A page frame before login.
    pub fn anonymous(title: impl Into<String>, path: impl Into<String>, csrf: String) -> BLayout {
        BLayout {
            title: title.into(),
            css: assets::SITE_CSS_PATH,
            path: path.into(),
            nav: Vec::new(),
            email: None,
            role: "",
            csrf,
        }
    }

    /// True when `href` is the current menu item.
    pub fn is_current(&self, href: &str) -> bool {
        if href == "/beheer" {
            self.path == "/beheer"
        } else {
            self.path == href || self.path.starts_with(&format!("{href}/"))
        }
    }
}

#[derive(Template)]
#[template(path = "beheer/message.html")]
struct MessagePage {
    l: BLayout,
    heading: String,
    message: String,
    request_id: String,
}

/// A plain back-office message page (errors, refusals) with the request id.
pub fn message_page(status: StatusCode, heading: &str, message: &str) -> Response {
    render_status(
        status,
        MessagePage {
            l: BLayout::anonymous(heading, "/beheer/melding", String::new()),
            heading: heading.into(),
            message: message.into(),
            request_id: current_request_id(),
        },
    )
}

/// The back-office page for a [`PageError`].
fn office_page(e: &PageError) -> Response {
    match e {
        PageError::NotFound => message_page(
            StatusCode::NOT_FOUND,
            "Niet gevonden",
            "Dit bestaat niet (meer). Misschien is het al afgehandeld of verwijderd.",
        ),
        PageError::Refused {
            status,
            heading,
            message,
        } => message_page(*status, heading, message),
        PageError::Internal(_) => message_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Er ging iets mis",
            "Er ging iets mis aan onze kant. Er is niets half opgeslagen. Probeer het over een paar minuten opnieuw.",
        ),
        PageError::SignIn(to) => super::see_other(to),
    }
}

/// Shows a [`PageError`] of a back-office route in the back office's frame (the public error page
/// it rendered is replaced; the headers set on the way, such as cookies, stay).
pub async fn office_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let Some(error) = res.extensions().get::<PageError>().cloned() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    let (page, body) = office_page(&error).into_parts();
    parts.status = page.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.extend(page.headers);
    Response::from_parts(parts, body)
}
