//! Learning circles for signed-in participants: starting one (`/leerkringen/starten`, into
//! moderation), joining and leaving, the members' page (members as consented, meetings, links,
//! announcements mailed through the outbox), the facilitator's tools, proposing a result as an
//! offering, and accepting an invitation by its signed link (a button page: no change on GET).

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_sessions::Session;

use crate::domain::circle::{
    circle_formats, parse_link, parse_meeting, CircleInput, LearningCircle, MemberRole,
};
use crate::domain::fields::FieldError;
use crate::domain::taxonomy::Vocabulary;
use crate::http::extract::PageForm;
use crate::http::form_fields::{all, first, pairs};
use crate::http::forms::Rejection;
use crate::http::offering_form::OfferingForm;
use crate::http::page_error::PageError;
use crate::http::pages::circles::{meeting_view, MeetingView};
use crate::http::pages::render_status;
use crate::http::pages::view::{moment, Layout};
use crate::http::AppState;
use crate::store::Shown;

use super::{keys, notice_page, signed_in, Signed, SignedForm};

/// The circle routes that need the participant session.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/leerkringen/starten", get(start_page).post(start))
        .route("/leerkringen/{slug}/meedoen", get(join_page).post(join))
        .route("/leerkringen/{slug}/verlaten", post(leave))
        .route("/leerkringen/{slug}/leden", get(members_page))
        .route("/leerkringen/{slug}/zichtbaar", post(listed))
        .route("/leerkringen/{slug}/toelaten", post(admit))
        .route("/leerkringen/{slug}/bijeenkomsten", post(add_meeting))
        .route(
            "/leerkringen/{slug}/bijeenkomsten/{id}/weg",
            post(remove_meeting),
        )
        .route("/leerkringen/{slug}/links", post(add_link))
        .route("/leerkringen/{slug}/links/{id}/weg", post(remove_link))
        .route("/leerkringen/{slug}/berichten", post(announce))
        .route(
            "/leerkringen/{slug}/resultaat",
            get(result_page).post(propose_result),
        )
        .route(
            "/leerkringen/uitnodiging/{token}",
            get(invitation_page).post(accept_invitation),
        )
}

pub(super) fn sign_in_first(what: &str) -> Response {
    notice_page(
        StatusCode::OK,
        "Log eerst in",
        vec![format!("{what} kan met een account op Mijn WijkWijzer. Je logt in met je e-mailadres: je krijgt een link per mail, een wachtwoord is niet nodig.")],
        vec![("Inloggen op Mijn WijkWijzer", "/mijn"), ("Alle leerkringen", "/leerkringen")],
    )
}

fn members_only() -> PageError {
    PageError::refused(
        StatusCode::FORBIDDEN,
        "Alleen voor leden",
        "Deze pagina is alleen voor de leden van deze leerkring. Wil je meedoen? Kijk op de pagina van de leerkring hoe dat kan.",
    )
}

fn facilitator_only() -> PageError {
    PageError::refused(
        StatusCode::FORBIDDEN,
        "Alleen voor de begeleider",
        "Dit kan alleen de begeleider van deze leerkring.",
    )
}

/// An active circle by slug; anything else is not found.
async fn active(state: &AppState, slug: &str) -> Result<LearningCircle, PageError> {
    match state.catalog.store().circle_by_slug(slug).await? {
        Some(c) if c.is_active() => Ok(c),
        _ => Err(PageError::NotFound),
    }
}

/// The circle and the participant's role in it, which must be `Begeleider` (or any member when
/// `facilitator` is false).
pub(super) async fn member_of(
    state: &AppState,
    slug: &str,
    s: &Signed,
    facilitator: bool,
) -> Result<(LearningCircle, MemberRole), PageError> {
    let c = active(state, slug).await?;
    let role = state
        .catalog
        .store()
        .member_role(c.id, s.participant.id)
        .await?;
    match role {
        Some(MemberRole::Begeleider) => Ok((c, MemberRole::Begeleider)),
        Some(MemberRole::Lid) if !facilitator => Ok((c, MemberRole::Lid)),
        Some(MemberRole::Lid) => Err(facilitator_only()),
        _ => Err(members_only()),
    }
}

pub(super) fn to_members(slug: &str, melding: &str) -> Response {
    Redirect::to(&format!("/leerkringen/{slug}/leden?melding={melding}")).into_response()
}

/// What a member chose to show, from a form: name, organisation and consent (`zichtbaar=ja`).
fn shown_in(form: &HashMap<String, String>) -> Result<Shown, &'static str> {
    let get = |k: &str| form.get(k).map_or("", |v| v.trim()).to_string();
    let shown = Shown {
        naam: get("naam"),
        organisatie: get("organisatie"),
        zichtbaar: get("zichtbaar") == "ja",
    };
    if shown.naam.chars().count() > 100 || shown.organisatie.chars().count() > 200 {
        return Err("Je naam of organisatie is te lang (hoogstens 100 en 200 tekens).");
    }
    if shown.zichtbaar && shown.naam.is_empty() {
        return Err("Vul de naam in die de anderen mogen zien, of kies dat je niet genoemd wordt.");
    }
    Ok(shown)
}

// ---------------------------------------------------------------------------------------------
// Starting a circle

/// The start form's values and errors.
pub(super) struct StartForm {
    pub(super) values: Vec<(String, String)>,
    pub(super) errors: BTreeMap<String, String>,
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
pub(super) struct StartPage {
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
pub(super) fn circle_form(
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

async fn start_page(
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
pub(super) fn circle_input(values: &[(String, String)]) -> CircleInput {
    CircleInput {
        titel: first(values, "titel"),
        omschrijving: first(values, "omschrijving"),
        leervragen: first(values, "leervragen"),
        doelgroepen: all(values, "doelgroepen"),
        sectoren: all(values, "sectoren"),
        vorm: first(values, "vorm"),
        ritme: first(values, "ritme"),
        looptijd: first(values, "looptijd"),
        begeleiding: first(values, "begeleiding"),
        toegang: first(values, "toegang"),
        themas: all(values, "themas"),
        vraagstuk: first(values, "vraagstuk"),
    }
}

pub(super) fn errors_map(errors: Vec<FieldError>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for e in errors {
        map.entry(e.field).or_insert(e.reason);
    }
    map
}

async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    body: Bytes,
) -> Result<Response, PageError> {
    let values = pairs(&body);
    let form: HashMap<String, String> = values.iter().cloned().collect();
    let Some(s) = super::form_signed(&state, &headers, &session, &form).await? else {
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

// ---------------------------------------------------------------------------------------------
// Joining and leaving

#[derive(Template)]
#[template(path = "mijn/leerkring_meedoen.html")]
struct JoinPage {
    l: Layout,
    c: LearningCircle,
    csrf: String,
    naam: String,
    organisatie: String,
    zichtbaar: bool,
    error: Option<String>,
    open: bool,
}

async fn join_page(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let c = active(&state, &slug).await?;
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first("Meedoen met een leerkring"));
    };
    let role = state
        .catalog
        .store()
        .member_role(c.id, s.participant.id)
        .await?;
    if role.is_some_and(MemberRole::is_member) {
        return Ok(to_members(&slug, ""));
    }
    let open = c.toegang == crate::domain::circle::Access::Open;
    Ok(render_status(
        StatusCode::OK,
        JoinPage {
            l: Layout::new(
                format!("Meedoen: {}", c.titel),
                "Doe mee met een leerkring.",
                "/leerkringen/detail",
            ),
            csrf: s.csrf,
            naam: s.participant.naam.clone().unwrap_or_default(),
            organisatie: String::new(),
            zichtbaar: false,
            error: (role == Some(MemberRole::Aanvraag)).then(|| {
                "Je hebt al gevraagd of je mee mag doen. De begeleider laat je weten of dat kan."
                    .to_string()
            }),
            open,
            c,
        },
    ))
}

async fn join(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let c = active(&state, &slug).await?;
    let open = c.toegang == crate::domain::circle::Access::Open;
    let shown = match shown_in(&form) {
        Ok(shown) => shown,
        Err(m) => {
            let get = |k: &str| form.get(k).cloned().unwrap_or_default();
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                JoinPage {
                    l: Layout::new(
                        format!("Fout: meedoen: {}", c.titel),
                        "Doe mee met een leerkring.",
                        "/leerkringen/detail",
                    ),
                    csrf: s.csrf,
                    naam: get("naam"),
                    organisatie: get("organisatie"),
                    zichtbaar: get("zichtbaar") == "ja",
                    error: Some(m.into()),
                    open,
                    c,
                },
            ));
        }
    };
    let rol = if open {
        MemberRole::Lid
    } else {
        MemberRole::Aanvraag
    };
    let store = state.catalog.store();
    store
        .join_circle(c.id, s.participant.id, rol, &shown)
        .await?;
    if open {
        return Ok(to_members(&slug, "welkom"));
    }
    Ok(notice_page(
        StatusCode::OK,
        "Je vraag is verstuurd",
        vec![format!(
            "Je hebt gevraagd of je mee mag doen met de leerkring “{}”. De begeleider bekijkt je vraag; zodra je bent toegelaten, zie je de ledenpagina.",
            c.titel
        )],
        vec![
            ("Terug naar de leerkring", &format!("/leerkringen/{slug}")),
            ("Naar Mijn WijkWijzer", "/mijn"),
        ],
    ))
}

async fn leave(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, .. }: SignedForm,
) -> Result<Response, PageError> {
    let Some(c) = state.catalog.store().circle_by_slug(&slug).await? else {
        return Err(PageError::NotFound);
    };
    state
        .catalog
        .store()
        .leave_circle(c.id, s.participant.id)
        .await?;
    Ok(notice_page(
        StatusCode::OK,
        "Je doet niet meer mee",
        vec![format!(
            "Je bent geen lid meer van de leerkring “{}”. Je krijgt geen berichten meer van deze leerkring.",
            c.titel
        )],
        vec![
            ("Terug naar de leerkring", &format!("/leerkringen/{slug}")),
            ("Naar Mijn WijkWijzer", "/mijn"),
        ],
    ))
}

// ---------------------------------------------------------------------------------------------
// The members' page

#[derive(Template)]
#[template(path = "mijn/leerkring_leden.html")]
struct MembersPage {
    l: Layout,
    c: LearningCircle,
    csrf: String,
    begeleider: bool,
    notice: Option<&'static str>,
    /// Members who consent to be listed `(name, organisation, facilitator)`.
    listed: Vec<(String, String, bool)>,
    /// Members not listed.
    unlisted: usize,
    /// Requests to join `(participant id, name, organisation)`, for the facilitator.
    requests: Vec<(i64, String, String)>,
    /// The participant's own consent.
    own_listed: bool,
    /// Meetings `(id, view)`.
    meetings: Vec<(i64, MeetingView)>,
    links: Vec<(i64, String, String)>,
    /// Announcements `(subject, text, when)`.
    announcements: Vec<(String, String, String)>,
    /// Published results `(id, title)` and how many wait for moderation.
    results: Vec<(String, String)>,
    waiting: usize,
    /// Errors of the form sent, per field, with the form's name.
    errors: BTreeMap<String, String>,
    which: &'static str,
    values: HashMap<String, String>,
}

impl MembersPage {
    fn value(&self, field: &str) -> &str {
        self.values.get(field).map_or("", String::as_str)
    }

    fn error(&self, form: &str, field: &str) -> Option<&String> {
        if self.which == form {
            self.errors.get(field)
        } else {
            None
        }
    }
}

fn members_notice(m: &str) -> Option<&'static str> {
    match m {
        "welkom" => Some("Welkom! Je doet nu mee met deze leerkring."),
        "lid" => Some("Welkom! Je hebt de uitnodiging aangenomen en doet nu mee."),
        "begeleider" => Some("Welkom! Je hebt de uitnodiging aangenomen. Je bent de eerste, dus jij begeleidt deze leerkring: zet hieronder de eerste bijeenkomst."),
        "zichtbaar" => Some("Je keuze is opgeslagen."),
        "toegelaten" => Some("Het nieuwe lid is toegelaten."),
        "bijeenkomst" => Some("De bijeenkomst is toegevoegd."),
        "link" => Some("De link is toegevoegd."),
        "weg" => Some("Verwijderd."),
        "bericht" => Some("Je bericht is opgeslagen en gaat per mail naar de leden."),
        "resultaat" => Some("Bedankt! Het coördinatiepunt bekijkt het resultaat; na goedkeuring staat het in het leeraanbod."),
        "bewerkt" => Some("De wijzigingen zijn opgeslagen."),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn members_view(
    state: &AppState,
    c: LearningCircle,
    s: &Signed,
    role: MemberRole,
    notice: Option<&'static str>,
    which: &'static str,
    errors: BTreeMap<String, String>,
    values: HashMap<String, String>,
) -> Result<MembersPage, PageError> {
    let store = state.catalog.store();
    let members = store.members(c.id).await?;
    let meetings = store.meetings(c.id).await?;
    let links = store.circle_links(c.id).await?;
    let announcements = store.announcements(c.id).await?;
    let (published, waiting) = store.circle_results(c.id).await?;
    let snapshot = state.catalog.snapshot();
    let in_circle: Vec<_> = members.iter().filter(|m| m.rol.is_member()).collect();
    let begeleider = role == MemberRole::Begeleider;
    Ok(MembersPage {
        l: Layout::new(
            format!("Ledenpagina: {}", c.titel),
            "De ledenpagina van een leerkring.",
            "/leerkringen/detail",
        ),
        csrf: s.csrf.clone(),
        begeleider,
        notice,
        listed: in_circle
            .iter()
            .filter(|m| m.zichtbaar)
            .map(|m| {
                (
                    m.naam.clone(),
                    m.organisatie.clone(),
                    m.rol == MemberRole::Begeleider,
                )
            })
            .collect(),
        unlisted: in_circle.iter().filter(|m| !m.zichtbaar).count(),
        requests: if begeleider {
            members
                .iter()
                .filter(|m| m.rol == MemberRole::Aanvraag)
                .map(|m| {
                    let naam = if m.naam.is_empty() {
                        "Iemand zonder naam".to_string()
                    } else {
                        m.naam.clone()
                    };
                    (m.participant_id, naam, m.organisatie.clone())
                })
                .collect()
        } else {
            Vec::new()
        },
        own_listed: members
            .iter()
            .any(|m| m.participant_id == s.participant.id && m.zichtbaar),
        meetings: meetings.iter().map(|m| (m.id, meeting_view(m))).collect(),
        links: links.into_iter().map(|l| (l.id, l.titel, l.url)).collect(),
        announcements: announcements
            .into_iter()
            .map(|(o, t, at)| (o, t, moment(&at)))
            .collect(),
        results: published
            .iter()
            .filter_map(|id| snapshot.get(id).map(|o| (o.id.clone(), o.titel.clone())))
            .collect(),
        waiting,
        errors,
        which,
        values,
        c,
    })
}

#[derive(serde::Deserialize, Default)]
struct Melding {
    #[serde(default)]
    melding: String,
}

async fn members_page(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Melding>,
) -> Result<Response, PageError> {
    let Some(s) = signed_in(&state, &session).await? else {
        return Ok(sign_in_first("De ledenpagina bekijken"));
    };
    let (c, role) = member_of(&state, &slug, &s, false).await?;
    let page = members_view(
        &state,
        c,
        &s,
        role,
        members_notice(&q.melding),
        "",
        BTreeMap::new(),
        HashMap::new(),
    )
    .await?;
    Ok(render_status(StatusCode::OK, page))
}

async fn listed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, false).await?;
    let on = form.get("zichtbaar").is_some_and(|v| v == "ja");
    state
        .catalog
        .store()
        .set_member_listed(c.id, s.participant.id, on)
        .await?;
    Ok(to_members(&slug, "zichtbaar"))
}

async fn admit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let Some(id) = form
        .get("deelnemer")
        .and_then(|v| v.trim().parse::<i64>().ok())
    else {
        return Err(PageError::NotFound);
    };
    if !state.catalog.store().admit_member(c.id, id).await? {
        return Err(PageError::NotFound);
    }
    Ok(to_members(&slug, "toegelaten"))
}

async fn refuse_form(
    state: &AppState,
    c: LearningCircle,
    s: &Signed,
    which: &'static str,
    errors: Vec<FieldError>,
    form: HashMap<String, String>,
) -> Result<Response, PageError> {
    let mut page = members_view(
        state,
        c,
        s,
        MemberRole::Begeleider,
        None,
        which,
        errors_map(errors),
        form,
    )
    .await?;
    page.l.title = format!("Fout: {}", page.l.title);
    Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}

fn field<'a>(form: &'a HashMap<String, String>, k: &str) -> &'a str {
    form.get(k).map_or("", String::as_str)
}

async fn add_meeting(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    match parse_meeting(
        field(&form, "datum"),
        field(&form, "tijd"),
        field(&form, "titel"),
        field(&form, "plaats"),
        state.clock().today(),
    ) {
        Ok(m) => {
            state.catalog.store().add_meeting(c.id, &m).await?;
            crate::http::beheer::show_demand_change(&state).await;
            Ok(to_members(&slug, "bijeenkomst"))
        }
        Err(e) => refuse_form(&state, c, &s, "bijeenkomst", e, form).await,
    }
}

fn path_id(id: &str) -> Result<i64, PageError> {
    id.parse::<i64>().map_err(|_| PageError::NotFound)
}

async fn remove_meeting(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    SignedForm { signed: s, .. }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    state
        .catalog
        .store()
        .remove_meeting(c.id, path_id(&id)?)
        .await?;
    crate::http::beheer::show_demand_change(&state).await;
    Ok(to_members(&slug, "weg"))
}

async fn add_link(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    match parse_link(field(&form, "titel"), field(&form, "url")) {
        Ok(l) => {
            state.catalog.store().add_circle_link(c.id, &l).await?;
            Ok(to_members(&slug, "link"))
        }
        Err(e) => refuse_form(&state, c, &s, "link", e, form).await,
    }
}

async fn remove_link(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    SignedForm { signed: s, .. }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    state
        .catalog
        .store()
        .remove_circle_link(c.id, path_id(&id)?)
        .await?;
    Ok(to_members(&slug, "weg"))
}

async fn announce(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    SignedForm { signed: s, form }: SignedForm,
) -> Result<Response, PageError> {
    let (c, _) = member_of(&state, &slug, &s, true).await?;
    let onderwerp = field(&form, "onderwerp").trim().to_string();
    let tekst = field(&form, "tekst").trim().to_string();
    let mut errors = Vec::new();
    match onderwerp.chars().count() {
        0 => errors.push(FieldError::new("onderwerp", "Vul het onderwerp in.")),
        n if n > 200 => errors.push(FieldError::new(
            "onderwerp",
            "Het onderwerp is te lang (hoogstens 200 tekens).",
        )),
        _ => {}
    }
    match tekst.chars().count() {
        0 => errors.push(FieldError::new("tekst", "Schrijf het bericht.")),
        n if n > 5000 => errors.push(FieldError::new(
            "tekst",
            "Het bericht is te lang (hoogstens 5000 tekens).",
        )),
        _ => {}
    }
    if !errors.is_empty() {
        return refuse_form(&state, c, &s, "bericht", errors, form).await;
    }
    let store = state.catalog.store();
    let url = format!("{}/leerkringen/{slug}/leden", state.base_url);
    let mails: Vec<_> = store
        .members(c.id)
        .await?
        .iter()
        .filter(|m| m.rol.is_member())
        .map(|m| {
            crate::mail::circle_announcement_mail(&m.email, &c.titel, &onderwerp, &tekst, &url)
        })
        .collect();
    store.announce(c.id, &onderwerp, &tekst, &mails).await?;
    Ok(to_members(&slug, "bericht"))
}

// ---------------------------------------------------------------------------------------------
// A result of the circle, proposed as an offering

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

async fn result_page(
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

async fn propose_result(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    Path(slug): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let values = pairs(&body);
    let form: HashMap<String, String> = values.iter().cloned().collect();
    let Some(s) = super::form_signed(&state, &headers, &session, &form).await? else {
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

// ---------------------------------------------------------------------------------------------
// Invitations of the coordination point

const INVITATION_FORM: &str = "leerkring-uitnodiging";

#[derive(Template)]
#[template(path = "mijn/leerkring_uitnodiging.html")]
struct InvitationPage {
    l: Layout,
    c: LearningCircle,
    action: String,
    token: String,
    error: Option<String>,
    naam: String,
    organisatie: String,
    zichtbaar: bool,
}

fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

fn invitation_expired() -> Response {
    notice_page(
        StatusCode::GONE,
        "Deze uitnodiging werkt niet meer",
        vec![format!(
            "De link is al gebruikt of ouder dan {} dagen. Wil je toch meedoen? Kijk bij de leerkringen of vraag het coördinatiepunt via het contactformulier.",
            crate::store::INVITATION_DAYS
        )],
        vec![("Alle leerkringen", "/leerkringen"), ("Vraag of suggestie", "/contact")],
    )
}

/// The circle of a working invitation link.
async fn invited(state: &AppState, token: &str) -> Result<Option<LearningCircle>, PageError> {
    if !well_formed(token) {
        return Ok(None);
    }
    let store = state.catalog.store();
    let hash = crate::security::token_hash(token);
    let Some(inv) = store.invitation(&hash, state.clock().now()).await? else {
        return Ok(None);
    };
    Ok(store
        .circle(inv.circle_id)
        .await?
        .filter(LearningCircle::is_active))
}

/// The link from the mail shows a button: a mail scanner that opens links changes nothing.
async fn invitation_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let Some(c) = invited(&state, &token).await? else {
        return Ok(invitation_expired());
    };
    Ok(render_status(
        StatusCode::OK,
        InvitationPage {
            l: Layout::new(
                format!("Uitnodiging: {}", c.titel),
                "Neem de uitnodiging voor een leerkring aan.",
                "/leerkringen/detail",
            ),
            action: format!("/leerkringen/uitnodiging/{token}"),
            token: state.forms.token(INVITATION_FORM),
            error: None,
            naam: String::new(),
            organisatie: String::new(),
            zichtbaar: false,
            c,
        },
    ))
}

async fn accept_invitation(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: Session,
    Path(token): Path<String>,
    PageForm(form): PageForm<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if let Err(r) = state.forms.screen(INVITATION_FORM, &headers, &form) {
        if r != Rejection::TooFast {
            return Err(PageError::refused(
                r.status(),
                "Formulier verlopen",
                r.message(),
            ));
        }
    }
    let Some(c) = invited(&state, &token).await? else {
        return Ok(invitation_expired());
    };
    let shown = match shown_in(&form) {
        Ok(shown) => shown,
        Err(m) => {
            let get = |k: &str| form.get(k).cloned().unwrap_or_default();
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                InvitationPage {
                    l: Layout::new(
                        format!("Fout: uitnodiging: {}", c.titel),
                        "Neem de uitnodiging voor een leerkring aan.",
                        "/leerkringen/detail",
                    ),
                    action: format!("/leerkringen/uitnodiging/{token}"),
                    token: state.forms.token(INVITATION_FORM),
                    error: Some(m.into()),
                    naam: get("naam"),
                    organisatie: get("organisatie"),
                    zichtbaar: get("zichtbaar") == "ja",
                    c,
                },
            ));
        }
    };
    let now = state.clock().now();
    let hash = crate::security::token_hash(&token);
    let Some((participant, rol)) = state
        .catalog
        .store()
        .accept_invitation(&hash, &shown, now)
        .await?
    else {
        return Ok(invitation_expired());
    };
    // The link proved the address: the invitee is signed in, in a new session.
    session.cycle_id().await?;
    let _ = session.remove::<String>(keys::CSRF).await;
    session.insert(keys::PARTICIPANT, participant).await?;
    session.insert(keys::SINCE, now.timestamp_millis()).await?;
    crate::security_event!("deelnemer_uitnodiging_aangenomen", deelnemer = participant);
    Ok(to_members(
        &c.slug,
        if rol == MemberRole::Begeleider {
            "begeleider"
        } else {
            "lid"
        },
    ))
}
