//! "Stel je leervraag": the public form that stores a learning question (committed before the
//! page confirms) and shows the matched offerings with their reasons right away.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::domain::matching::{Fit, MatchQuery, MatchResult};
use crate::domain::question::LearningQuestion;
use crate::domain::taxonomy::{Term, Vocabulary};
use crate::http::extract::PageForm;
use crate::http::forms::{parse_email, wrong_email};
use crate::http::offering_form::messages::dutch_number;
use crate::http::AppState;
use crate::mail;
use crate::store::SiteQuestion;

use super::public_form::{self, SentBefore};
use super::view::{mail_offering, Layout};
use super::{render_status, PageError};

const FORM: &str = "leervraag";
const SENT: SentBefore = SentBefore {
    heading: "Je leervraag was al ontvangen",
    path: "/leervraag",
    again: "Nog een vraag stellen",
};
/// Shortest and longest question accepted.
const MIN_QUESTION: usize = 10;
const MAX_QUESTION: usize = 2000;

/// The routes of this form.
pub fn router() -> Router<AppState> {
    Router::new().route("/leervraag", get(show).post(submit))
}

/// The entered values, kept when the form comes back with errors.
#[derive(Default, Clone)]
pub struct Entered {
    vraag: String,
    doelgroep: String,
    sector: String,
    gemeente: String,
    email: String,
    toestemming: bool,
    /// Consent to be introduced to others with the same question, with what is shared.
    contact: Option<crate::store::PeerShare>,
}

impl Entered {
    fn contact_naam(&self) -> &str {
        self.contact
            .as_ref()
            .and_then(|c| c.naam.as_deref())
            .unwrap_or("")
    }
    fn contact_organisatie(&self) -> &str {
        self.contact
            .as_ref()
            .and_then(|c| c.organisatie.as_deref())
            .unwrap_or("")
    }
    fn contact_rol(&self) -> bool {
        self.contact.as_ref().is_some_and(|c| c.rol)
    }
    fn contact_gemeente(&self) -> bool {
        self.contact.as_ref().is_some_and(|c| c.gemeente)
    }
}

#[derive(Template)]
#[template(path = "leervraag.html")]
struct FormPage {
    l: Layout,
    token: String,
    e: Entered,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
    groups: Vec<Term>,
    sectors: Vec<Term>,
    /// Shortest and longest question, written the Dutch way, beside the field.
    min_chars: usize,
    max_chars: String,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

/// A result shown after sending.
pub struct Shown {
    id: String,
    titel: String,
    samenvatting: String,
    /// One plain line: price, form, group, place and subject.
    zin: String,
    /// "Gratis" or the price.
    kosten: String,
    /// When, in words.
    wanneer: String,
    /// Where, in words.
    waar: String,
}

#[derive(Template)]
#[template(path = "leervraag_result.html")]
struct ResultPage {
    l: Layout,
    vraag: String,
    passend: bool,
    /// The related offerings may answer the question (`mogelijk`).
    mogelijk: bool,
    results: Vec<Shown>,
    with_email: bool,
    /// With consent: the explanations of the peers found (`Some(empty)`: nobody yet).
    peers: Option<Vec<String>>,
    /// The catalogue searched with the question, for who asks ("Ik ben …" as `voor`).
    zoek: String,
}

fn form_page(
    state: &AppState,
    e: Entered,
    errors: HashMap<&'static str, String>,
    notice: Option<String>,
) -> FormPage {
    let snapshot = state.catalog.snapshot();
    let title = if errors.is_empty() && notice.is_none() {
        "Stel je leervraag"
    } else {
        "Fout: stel je leervraag"
    };
    FormPage {
        l: Layout::new(title, "Stel je leervraag: we zoeken direct passend leeraanbod en het coördinatiepunt kijkt mee.", "/leervraag")
            .retaining(state.retention_months),
        token: state.forms.token(FORM),
        e,
        errors,
        notice,
        groups: snapshot.taxonomy.doelgroepen.clone(),
        sectors: snapshot.taxonomy.sectoren.clone(),
        min_chars: MIN_QUESTION,
        max_chars: dutch_number(MAX_QUESTION),
    }
}

/// The form, with the question filled in from `?vraag=` (a link from the catalogue search).
async fn show(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let vraag = query
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(&q).ok())
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "vraag"))
        .map(|(_, v)| v.trim().chars().take(MAX_QUESTION).collect())
        .unwrap_or_default();
    let e = Entered {
        vraag,
        ..Entered::default()
    };
    render_status(StatusCode::OK, form_page(&state, e, HashMap::new(), None))
}

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// A question that passed every check.
struct ValidQuestion {
    query: MatchQuery,
    gemeente: Option<String>,
    email: Option<String>,
}

fn validate(state: &AppState, e: &Entered) -> Result<ValidQuestion, HashMap<&'static str, String>> {
    let snapshot = state.catalog.snapshot();
    let mut errors = HashMap::new();
    let n = e.vraag.chars().count();
    if n < MIN_QUESTION {
        errors.insert(
            "vraag",
            format!("Beschrijf je vraag in minstens {MIN_QUESTION} tekens."),
        );
    } else if n > MAX_QUESTION {
        errors.insert(
            "vraag",
            format!("Je vraag is te lang: {n} tekens. Het maximum is {MAX_QUESTION}."),
        );
    }
    if snapshot
        .taxonomy
        .term(Vocabulary::TargetGroup, &e.doelgroep)
        .is_none()
    {
        errors.insert("doelgroep", "Kies wie je bent.".to_string());
    }
    if !e.sector.is_empty()
        && snapshot
            .taxonomy
            .term(Vocabulary::Sector, &e.sector)
            .is_none()
    {
        errors.insert(
            "sector",
            "Kies een sector uit de lijst, of laat dit leeg.".to_string(),
        );
    }
    if e.gemeente.chars().count() > 100 {
        errors.insert(
            "gemeente",
            "De naam van de gemeente is te lang (maximaal 100 tekens).".to_string(),
        );
    }
    let email = if e.email.is_empty() {
        None
    } else {
        match parse_email(&e.email) {
            Some(m) => Some(m),
            None => {
                errors.insert("email", wrong_email(&e.email));
                None
            }
        }
    };
    if email.is_some() && !e.toestemming {
        errors.insert("toestemming", "Geef toestemming om je e-mailadres te gebruiken voor een antwoord, of laat het e-mailadres leeg.".to_string());
    }
    if let Some(share) = &e.contact {
        if e.email.is_empty() {
            errors.insert("contact", "Vul je e-mailadres in: zonder e-mailadres kunnen we je niet met anderen in contact brengen. Of vink dit uit.".to_string());
        } else if let Some(m) = super::peers::share_error(share) {
            errors.insert("contact", m);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidQuestion {
        query: MatchQuery {
            vraag: e.vraag.clone(),
            doelgroep: Some(e.doelgroep.clone()),
            sector: Some(e.sector.clone()).filter(|s| !s.is_empty()),
            themas: Vec::new(),
        },
        gemeente: Some(e.gemeente.clone()).filter(|s| !s.is_empty()),
        email,
    })
}

/// A new id of a question asked on the site on the Dutch day `today`.
fn new_question_id(today: chrono::NaiveDate) -> String {
    let mut bytes = [0u8; 5];
    let _ = getrandom::fill(&mut bytes);
    format!(
        "site-{}-{}",
        today.format("%Y%m%d"),
        crate::security::hex(&bytes)
    )
}

async fn submit(
    State(state): State<AppState>,
    sender: public_form::Sender,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let e = Entered {
        vraag: field(&form, "vraag"),
        doelgroep: field(&form, "doelgroep"),
        sector: field(&form, "sector"),
        gemeente: field(&form, "gemeente"),
        email: field(&form, "email"),
        toestemming: form.contains_key("toestemming"),
        contact: super::peers::share_from(&form),
    };
    let taken = public_form::take(&state, FORM, &sender, &form, || validate(&state, &e));
    let (once, valid) = match taken {
        Ok(taken) => taken,
        Err(refused) => {
            return Ok(refused
                .page(|errors, message| form_page(&state, e, errors.unwrap_or_default(), message)))
        }
    };
    let catalog = state.catalog.clone();
    let today = catalog.clock().today();
    let query = valid.query.clone();
    let outcome =
        tokio::task::spawn_blocking(move || catalog.matcher(today).match_question(&query, 10))
            .await
            .map_err(PageError::internal)?;
    let themas = {
        let snapshot = state.catalog.snapshot();
        outcome
            .resultaten
            .first()
            .and_then(|r| snapshot.get(&r.id))
            .map(|o| o.themas.clone())
            .unwrap_or_default()
    };
    let question = LearningQuestion {
        id: new_question_id(today),
        vraag: valid.query.vraag.clone(),
        doelgroep: valid.query.doelgroep.clone(),
        sector: valid.query.sector.clone(),
        gemeente: valid.gemeente.clone(),
        themas,
        datum: today,
    };
    let shown = match outcome.fit {
        Fit::Passend | Fit::Mogelijk => 5,
        Fit::Geen => 3,
    };
    let receipt = valid.email.as_deref().map(|to| {
        let snapshot = state.catalog.snapshot();
        let found: Vec<_> = outcome
            .resultaten
            .iter()
            .take(shown)
            .filter_map(|r| snapshot.get(&r.id))
            .map(|o| mail_offering(o, &state.base_url))
            .collect();
        mail::receipt_mail(to, &question.vraag, &found, &state.base_url)
    });
    let stored = SiteQuestion {
        question: &question,
        email: valid.email.as_deref(),
        fit: outcome.fit,
        kans: outcome.kans,
        matches: outcome
            .resultaten
            .iter()
            .map(|r: &MatchResult| (r.id.as_str(), r.score, r.waarom.as_slice()))
            .collect(),
        receipt,
        peer: e.contact.as_ref(),
    };
    let inserted = state
        .catalog
        .store()
        .insert_site_question(&stored, &once.0)
        .await;
    if let Some(page) = SENT.sent_before(inserted)? {
        return Ok(page);
    }
    if let Err(err) = state.catalog.refresh_demand().await {
        tracing::warn!(error = %err, "leeragenda verversen mislukt");
    }
    let peers = match (&e.contact, &valid.email) {
        (Some(_), Some(email)) => Some(
            super::peers::suggested(&state, email)
                .await?
                .remove(&question.id)
                .unwrap_or_default(),
        ),
        _ => None,
    };
    let snapshot = state.catalog.snapshot();
    let results = outcome
        .resultaten
        .iter()
        .take(shown)
        .filter_map(|r| {
            snapshot.get(&r.id).map(|o| Shown {
                id: o.id.clone(),
                titel: o.titel.clone(),
                samenvatting: o.samenvatting.clone(),
                zin: crate::domain::matching::plain_line(o, &snapshot.taxonomy),
                kosten: if o.is_free() {
                    "Gratis".to_string()
                } else {
                    o.kosten.clone()
                },
                wanneer: super::view::when(o),
                waar: super::view::place_label(o),
            })
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        ResultPage {
            l: Layout::new(
                "Je leervraag is ontvangen",
                "Je leervraag is ontvangen.",
                "/leervraag",
            ),
            vraag: question.vraag.clone(),
            passend: outcome.passend,
            mogelijk: outcome.fit == Fit::Mogelijk,
            results,
            with_email: valid.email.is_some(),
            peers,
            zoek: {
                let mut pairs = vec![("q", question.vraag.chars().take(200).collect::<String>())];
                if let Some(g) = &question.doelgroep {
                    pairs.push(("voor", g.clone()));
                }
                format!(
                    "/aanbod?{}",
                    serde_urlencoded::to_string(&pairs).unwrap_or_default()
                )
            },
        },
    ))
}
