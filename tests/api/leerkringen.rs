//! Learning circles: starting one (guided form, single-sector notice), moderation, the public
//! list and page with `.ics` and `/agenda`, joining (open and by invitation), the members' page
//! with its authorisation per role, consent to be listed (withdrawn: hidden at once),
//! announcements through the outbox, leaving, account deletion, circles counted on the gaps, a
//! result that becomes supply, and a circle the coordination point proposes to consenting askers.

use wijkwijzer::domain::circle::MemberRole;
use wijkwijzer::domain::status::SubmissionStatus;
use wijkwijzer::security::Role;

use crate::helpers::*;
use crate::mijn::{last_mail_to, signed_in};

const STARTER: &str = "starter@dijkmeer.example";

/// The fields of a complete start form; `extra` adds or repeats fields (or replaces `toegang`).
fn start_fields<'a>(titel: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("titel", titel),
        (
            "omschrijving",
            "Beleidsmakers uit kleine gemeenten leren hoe een wijkaanpak vijftien jaar blijft lopen.",
        ),
        (
            "leervragen",
            "Hoe houden we de wijkaanpak vol na de eerste vier jaar?\nWie betaalt mee als de subsidie stopt?",
        ),
        ("doelgroepen", "beleidsmakers"),
        ("doelgroepen", "wijkprofessionals"),
        ("sectoren", "sociaal-domein"),
        ("themas", "langjarige-wijkaanpak"),
        ("vraagstuk", "wijkaanpak-lange-termijn"),
        ("vorm", "intervisie"),
        ("ritme", "elke zes weken op dinsdagmiddag"),
        ("looptijd", "een jaar"),
        ("begeleiding", "ik, samen met een opbouwwerker"),
        ("toegang", "open"),
        ("naam", "Fatima Bakker"),
        ("organisatie", "Gemeente Dijkmeer"),
        ("zichtbaar", "ja"),
    ];
    // `toegang` is single-valued: an extra one replaces the default.
    if extra.iter().any(|(k, _)| *k == "toegang") {
        f.retain(|(k, _)| *k != "toegang");
    }
    f.extend_from_slice(extra);
    f
}

/// A participant starts a circle (confirming it is for one sector) and a coordinator approves
/// it, linked to the gap theme `lacune`; returns the starter's browser and the circle's slug.
async fn approved_circle(app: &TestApp, titel: &str, lacune: &str) -> (Browser, String, Browser) {
    let mut b = signed_in(app, STARTER).await;
    let (s, _, page) = b
        .post_form(
            "/leerkringen/starten",
            &start_fields(titel, &[("een_sector", "ja")]),
        )
        .await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Je leerkring is ontvangen"), "{page}");
    let c = waiting(app, titel).await;
    let mut coordinator = logged_in(app, Role::Coordinator).await;
    coordinator
        .get(&format!("/beheer/leerkringen/{}", c.id))
        .await;
    let (s, loc, body) = coordinator
        .post(
            &format!("/beheer/leerkringen/{}", c.id),
            &[("actie", "goedkeuren"), ("lacune", lacune), ("traject", "")],
        )
        .await;
    assert_eq!(s, 303, "{body}");
    assert!(loc.ends_with("melding=goedgekeurd"), "{loc}");
    (b, c.slug, coordinator)
}

async fn waiting(app: &TestApp, titel: &str) -> wijkwijzer::domain::circle::LearningCircle {
    app.store()
        .circles(&[wijkwijzer::domain::circle::CircleStatus::Ingediend])
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.titel == titel)
        .expect("the circle waits for moderation")
}

#[tokio::test]
async fn a_started_circle_is_checked_moderated_and_then_public() {
    let app = spawn_app().await;
    // Anonymous: the form asks to sign in first and stores nothing.
    let (s, _, page) = Browser::new(&app).get("/leerkringen/starten").await;
    assert_eq!(s, 200);
    assert!(page.contains("Log eerst in"), "{page}");
    let mut b = signed_in(&app, STARTER).await;
    let (s, _, page) = b.get("/leerkringen/starten").await;
    assert_eq!(s, 200);
    for step in [
        "Stap 1",
        "Stap 2",
        "Stap 3",
        "Stap 4",
        "Casusbespreking",
        "Online leerkring",
    ] {
        assert!(page.contains(step), "{step}");
    }
    // Bad input: Dutch errors beside the fields, what was typed is kept.
    let (s, _, page) = b
        .post(
            "/leerkringen/starten",
            &[
                ("titel", "Samen <leren>"),
                ("vorm", "borrel"),
                ("toegang", "open"),
            ],
        )
        .await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("Kies een leervorm uit de lijst."));
    assert!(page.contains("Schrijf minstens één leervraag"));
    assert!(page.contains("value=\"Samen &#60;leren&#62;\""), "{page}");
    // One sector: pointed out, not stored until confirmed.
    let titel = "Wijkaanpak volhouden";
    let (s, _, page) = b
        .post("/leerkringen/starten", &start_fields(titel, &[]))
        .await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("Je leerkring is voor één sector"));
    assert!(app
        .store()
        .circles(&[wijkwijzer::domain::circle::CircleStatus::Ingediend])
        .await
        .unwrap()
        .is_empty());
    // Two sectors: no notice, stored for moderation with the starter as facilitator.
    let (s, _, page) = b
        .post(
            "/leerkringen/starten",
            &start_fields(titel, &[("sectoren", "veiligheid")]),
        )
        .await;
    assert_eq!(s, 200, "{page}");
    let c = waiting(&app, titel).await;
    assert_eq!(c.sectoren, ["sociaal-domein", "veiligheid"]);
    assert_eq!(c.leervragen.len(), 2);
    let store = app.store();
    let members = store.members(c.id).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].rol, MemberRole::Begeleider);
    // Not public before approval.
    assert_eq!(
        app.get(&format!("/leerkringen/{}", c.slug)).await.status(),
        404
    );
    assert!(!app.text("/leerkringen").await.contains(titel));
    // The coordination point sees it waiting and approves it, linked to the gap.
    let mut coordinator = logged_in(&app, Role::Coordinator).await;
    let (s, _, list) = coordinator.get("/beheer/leerkringen").await;
    assert_eq!(s, 200);
    assert!(list.contains(titel));
    let (s, _, page) = coordinator
        .get(&format!("/beheer/leerkringen/{}", c.id))
        .await;
    assert_eq!(s, 200);
    assert!(page.contains("Goedkeuren en op de site zetten"));
    let (s, _, _) = coordinator
        .post(
            &format!("/beheer/leerkringen/{}", c.id),
            &[
                ("actie", "goedkeuren"),
                ("lacune", "langjarige-wijkaanpak"),
                ("traject", ""),
            ],
        )
        .await;
    assert_eq!(s, 303);
    let mail = last_mail_to(&app, STARTER).await.expect("decision mail");
    assert_eq!(mail.mail.subject, "Je leerkring staat op WijkWijzer");
    assert!(mail.mail.text.contains(&format!("/leerkringen/{}", c.slug)));
    // Public now: list (with facets) and page.
    let list = app.text("/leerkringen").await;
    assert!(list.contains(titel), "{list}");
    assert!(list.contains("1 leerkring gevonden."));
    let filtered = app.text("/leerkringen?vorm=werkbezoek").await;
    assert!(
        filtered.contains("Geen leerkringen gevonden."),
        "{filtered}"
    );
    assert!(filtered.contains("Werkbezoek") || filtered.contains("werkbezoek"));
    let widened = app
        .text("/leerkringen?vorm=werkbezoek&vorm=intervisie")
        .await;
    assert!(widened.contains("1 leerkring gevonden."));
    let unknown = app.text("/leerkringen?vorm=borrel").await;
    assert!(unknown.contains("vorm=borrel: deze waarde kennen we niet"));
    let page = app.text(&format!("/leerkringen/{}", c.slug)).await;
    for part in [
        "Wie betaalt mee als de subsidie stopt?",
        "Intervisie",
        "Beleidsmakers",
        "elke zes weken op dinsdagmiddag",
        "Fatima Bakker, Gemeente Dijkmeer (begeleider)",
        "/leerkringen/wijkaanpak-volhouden/bijeenkomsten.ics",
        "action=\"/leerkringen/wijkaanpak-volhouden/meedoen\"",
    ] {
        assert!(page.contains(part), "{part}: {page}");
    }
    // The public page holds no token: joining goes through a GET form to the signed-in pages.
    assert!(!page.contains("name=\"csrf\""));
    // The gaps and the learning agenda count it as work in progress.
    let gaps = app.text("/lacunes").await;
    assert!(
        gaps.contains(&format!(
            "Leerkring <a href=\"/leerkringen/{}\">{titel}</a>",
            c.slug
        )),
        "{gaps}"
    );
    let topic = app.text("/lacunes/wijkaanpak-lange-termijn").await;
    assert!(topic.contains(titel), "{topic}");
    let agenda = app.text("/leeragenda").await;
    assert!(agenda.contains(titel));
    // A second approval does nothing; the starter sees it on the account page.
    let (_, _, account) = b.get("/mijn").await;
    assert!(account.contains("je bent begeleider"), "{account}");
}

#[tokio::test]
async fn a_coordinator_rejects_with_a_reason_and_a_redacteur_is_refused() {
    let app = spawn_app().await;
    let mut b = signed_in(&app, STARTER).await;
    let titel = "Een kring die niet past";
    b.post_form(
        "/leerkringen/starten",
        &start_fields(titel, &[("een_sector", "ja")]),
    )
    .await;
    let c = waiting(&app, titel).await;
    let mut editor = logged_in(&app, Role::Redacteur).await;
    let (s, _, _) = editor.get(&format!("/beheer/leerkringen/{}", c.id)).await;
    assert_eq!(s, 403);
    let mut coordinator = logged_in(&app, Role::Coordinator).await;
    coordinator
        .get(&format!("/beheer/leerkringen/{}", c.id))
        .await;
    let path = format!("/beheer/leerkringen/{}/afwijzen", c.id);
    let (s, _, page) = coordinator.post(&path, &[("reden", "")]).await;
    assert_eq!(s, 422);
    assert!(page.contains("Schrijf de reden van afwijzen"));
    let (s, _, _) = coordinator
        .post(&path, &[("reden", "Dit is aanbod, geen leerkring.")])
        .await;
    assert_eq!(s, 303);
    let mail = last_mail_to(&app, STARTER).await.unwrap();
    assert!(mail.mail.text.contains("Dit is aanbod, geen leerkring."));
    assert_eq!(
        app.get(&format!("/leerkringen/{}", c.slug)).await.status(),
        404
    );
}

#[tokio::test]
async fn members_join_see_meetings_in_ics_and_agenda_and_consent_is_respected_at_once() {
    let app = spawn_app().await;
    let (mut lead, slug, _) = approved_circle(&app, "Vroeg erbij", "preventief-signaleren").await;
    let leden = format!("/leerkringen/{slug}/leden");
    // Anonymous: the members' page asks to sign in; a POST goes to /mijn and changes nothing.
    let mut anon = Browser::new(&app);
    let (s, _, page) = anon.get(&leden).await;
    assert_eq!(s, 200);
    assert!(page.contains("Log eerst in"));
    let (s, loc, _) = anon
        .post(
            &format!("/leerkringen/{slug}/bijeenkomsten"),
            &[("datum", "2030-01-01"), ("titel", "x"), ("plaats", "y")],
        )
        .await;
    assert_eq!((s, loc.as_str()), (303, "/mijn"));
    // A participant joins, listed by consent.
    let mut member = signed_in(&app, "lid@hoeve.example").await;
    let (s, _, page) = member.get(&format!("/leerkringen/{slug}/meedoen")).await;
    assert_eq!(s, 200);
    assert!(page.contains("Meedoen"));
    let (s, loc, _) = member
        .post(
            &format!("/leerkringen/{slug}/meedoen"),
            &[
                ("naam", "Joris Hoeve"),
                ("organisatie", "Wijkteam Hoeve"),
                ("zichtbaar", "ja"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    assert!(loc.starts_with(&leden), "{loc}");
    let public = app.text(&format!("/leerkringen/{slug}")).await;
    assert!(public.contains("Joris Hoeve, Wijkteam Hoeve"), "{public}");
    // Consent withdrawn: hidden at once, on the public page and the members' page.
    let (_, _, page) = member.get(&leden).await;
    assert!(page.contains("Noem mij niet meer"));
    let (s, _, _) = member
        .post(
            &format!("/leerkringen/{slug}/zichtbaar"),
            &[("zichtbaar", "nee")],
        )
        .await;
    assert_eq!(s, 303);
    let public = app.text(&format!("/leerkringen/{slug}")).await;
    assert!(!public.contains("Joris Hoeve"), "{public}");
    assert!(public.contains("2 leden"), "{public}");
    let (_, _, page) = lead.get(&leden).await;
    assert!(!page.contains("Joris Hoeve"));
    assert!(
        page.contains("En 1 lid dat niet genoemd wil worden."),
        "{page}"
    );
    // A member is not the facilitator: no meetings, links or announcements.
    member.get(&leden).await;
    let (s, _, _) = member
        .post(
            &format!("/leerkringen/{slug}/bijeenkomsten"),
            &[("datum", "2030-01-01"), ("titel", "x"), ("plaats", "y")],
        )
        .await;
    assert_eq!(s, 403);
    // Someone else is no member: no members' page.
    let mut other = signed_in(&app, "ander@elders.example").await;
    let (s, _, page) = other.get(&leden).await;
    assert_eq!(s, 403, "{page}");
    assert!(page.contains("Alleen voor leden"));
    // The facilitator adds meetings: bad input explained, then stored.
    lead.get(&leden).await;
    let (s, _, page) = lead
        .post(
            &format!("/leerkringen/{slug}/bijeenkomsten"),
            &[
                ("datum", "morgen"),
                ("tijd", "19:30"),
                ("titel", "Eerste casus"),
                ("plaats", ""),
            ],
        )
        .await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("Vul de datum in als jaar-maand-dag"));
    assert!(page.contains("value=\"Eerste casus\""));
    let day = wijkwijzer::domain::clock::Clock::system().today() + chrono::Duration::days(20);
    let datum = day.format("%Y-%m-%d").to_string();
    let (s, _, _) = lead
        .post(
            &format!("/leerkringen/{slug}/bijeenkomsten"),
            &[
                ("datum", &datum),
                ("tijd", "19:30"),
                ("titel", "Eerste casus: signalen, delen"),
                ("plaats", "Wijkcentrum De Kroon, Dijkmeer"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    let public = app.text(&format!("/leerkringen/{slug}")).await;
    assert!(public.contains("Eerste casus: signalen, delen"));
    let ics = app
        .fetch(
            &format!("/leerkringen/{slug}/bijeenkomsten.ics"),
            "text/calendar",
        )
        .await;
    assert!(ics.contains("BEGIN:VEVENT"));
    assert!(
        ics.contains("SUMMARY:Eerste casus: signalen\\, delen (Vroeg erbij)"),
        "{ics}"
    );
    assert!(
        ics.contains(&format!("DTSTART:{}T", day.format("%Y%m%d"))),
        "{ics}"
    );
    assert!(ics.contains("LOCATION:Wijkcentrum De Kroon\\, Dijkmeer"));
    let month = day.format("%Y-%m").to_string();
    let agenda = app.text(&format!("/agenda?maand={month}")).await;
    assert!(agenda.contains("Bijeenkomsten van leerkringen"), "{agenda}");
    assert!(agenda.contains("Eerste casus: signalen, delen"));
    // A link and an announcement: mailed to every member through the outbox.
    let (s, _, page) = lead
        .post(
            &format!("/leerkringen/{slug}/links"),
            &[("titel", "Verslag"), ("url", "javascript:alert(1)")],
        )
        .await;
    assert_eq!(s, 422);
    assert!(page.contains("https://"));
    lead.get(&leden).await;
    let (s, _, _) = lead
        .post(
            &format!("/leerkringen/{slug}/links"),
            &[
                ("titel", "Verslag"),
                ("url", "https://dijkmeer.example/verslag"),
            ],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _, _) = lead
        .post(
            &format!("/leerkringen/{slug}/berichten"),
            &[
                ("onderwerp", "Eerste bijeenkomst"),
                ("tekst", "Neem een casus mee <graag>."),
            ],
        )
        .await;
    assert_eq!(s, 303);
    for to in [STARTER, "lid@hoeve.example"] {
        let m = last_mail_to(&app, to).await.expect("announcement");
        assert_eq!(m.mail.subject, "Leerkring Vroeg erbij: Eerste bijeenkomst");
        assert!(m.mail.text.contains("Neem een casus mee <graag>."));
        assert!(m.mail.html.contains("Neem een casus mee &#60;graag&#62;."));
    }
    let other_mail = last_mail_to(&app, "ander@elders.example").await.unwrap();
    assert!(
        other_mail.mail.subject.contains("link"),
        "only the sign-in link"
    );
    let (_, _, page) = member.get(&leden).await;
    assert!(page.contains("https://dijkmeer.example/verslag"));
    assert!(page.contains("<h3>Eerste bijeenkomst</h3>"));
    assert!(
        page.contains("<p>Neem een casus mee &#60;graag&#62;.</p>"),
        "{page}"
    );
    // Leaving is one click.
    let (s, _, page) = member
        .post(&format!("/leerkringen/{slug}/verlaten"), &[])
        .await;
    assert_eq!(s, 200);
    assert!(page.contains("Je doet niet meer mee"));
    let (s, _, _) = member.get(&leden).await;
    assert_eq!(s, 403);
    // No state change on GET.
    let (s, _, _) = member.get(&format!("/leerkringen/{slug}/verlaten")).await;
    assert_eq!(s, 405);
}

#[tokio::test]
async fn a_circle_by_invitation_admits_requests_and_deleting_an_account_removes_memberships() {
    let app = spawn_app().await;
    let mut b = signed_in(&app, STARTER).await;
    let titel = "Kring op uitnodiging";
    b.post_form(
        "/leerkringen/starten",
        &start_fields(titel, &[("een_sector", "ja"), ("toegang", "uitnodiging")]),
    )
    .await;
    let c = waiting(&app, titel).await;
    let mut coordinator = logged_in(&app, Role::Coordinator).await;
    coordinator
        .get(&format!("/beheer/leerkringen/{}", c.id))
        .await;
    coordinator
        .post(
            &format!("/beheer/leerkringen/{}", c.id),
            &[("actie", "goedkeuren")],
        )
        .await;
    let slug = c.slug.clone();
    let mut asker = signed_in(&app, "vraagt@ergens.example").await;
    asker.get(&format!("/leerkringen/{slug}/meedoen")).await;
    let (s, _, page) = asker
        .post(
            &format!("/leerkringen/{slug}/meedoen"),
            &[("naam", "Ans"), ("zichtbaar", "ja")],
        )
        .await;
    assert_eq!(s, 200);
    assert!(page.contains("Je vraag is verstuurd"));
    let store = app.store();
    let asker_id = store
        .members(c.id)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.rol == MemberRole::Aanvraag)
        .expect("a request")
        .participant_id;
    // A request is not a member and is not listed.
    let (s, _, _) = asker.get(&format!("/leerkringen/{slug}/leden")).await;
    assert_eq!(s, 403);
    assert!(!app
        .text(&format!("/leerkringen/{slug}"))
        .await
        .contains("Ans"));
    let (_, _, page) = b.get(&format!("/leerkringen/{slug}/leden")).await;
    assert!(page.contains("Wil meedoen"));
    let id = asker_id.to_string();
    let (s, _, _) = b
        .post(
            &format!("/leerkringen/{slug}/toelaten"),
            &[("deelnemer", &id)],
        )
        .await;
    assert_eq!(s, 303);
    let (s, _, _) = asker.get(&format!("/leerkringen/{slug}/leden")).await;
    assert_eq!(s, 200);
    assert!(app
        .text(&format!("/leerkringen/{slug}"))
        .await
        .contains("Ans"));
    // Deleting the account removes the person from every circle.
    asker.get("/mijn").await;
    let (s, _, page) = asker.post("/mijn/verwijderen", &[("zeker", "ja")]).await;
    assert_eq!(s, 200, "{page}");
    assert!(store
        .members(c.id)
        .await
        .unwrap()
        .iter()
        .all(|m| m.participant_id != asker_id));
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM circle_members WHERE participant_id = $1")
            .bind(asker_id)
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(n, 0);
    assert!(!app
        .text(&format!("/leerkringen/{slug}"))
        .await
        .contains("Ans"));
}

/// The result a circle proposes in these tests, as the offering form's fields.
const RESULT_FIELDS: [(&str, &str); 13] = [
    ("titel", "Handreiking vijftien jaar wijkaanpak"),
    (
        "samenvatting",
        "Wat tien gemeenten leerden over een wijkaanpak die vijftien jaar blijft lopen.",
    ),
    ("beschrijving", "Een handreiking met lessen en valkuilen."),
    ("aanbieder", "Leerkring Handreiking volhouden"),
    ("vorm", "publicatie"),
    ("themas", "langjarige-wijkaanpak"),
    ("doelgroepen", "beleidsmakers"),
    ("sectoren", "sociaal-domein"),
    ("trefwoorden", "doorzettingsvermogen"),
    ("kosten", "gratis"),
    ("locatie", "online"),
    ("regio", "landelijk"),
    ("url", "https://dijkmeer.example/handreiking"),
];

/// The last submission waiting for moderation.
async fn last_submission(app: &TestApp) -> wijkwijzer::store::Submission {
    let mut subs = app
        .store()
        .submissions(SubmissionStatus::Ingediend)
        .await
        .unwrap();
    subs.pop().unwrap()
}

/// The coordinator approves the last submission (a circle's result) with `fields`; its offering id.
async fn approve_result(
    app: &TestApp,
    coordinator: &mut Browser,
    fields: &[(&str, &str)],
) -> String {
    let sub = last_submission(app).await;
    coordinator
        .get(&format!("/beheer/aanmeldingen/{}", sub.id))
        .await;
    let mut approve = vec![("actie", "goedkeuren"), ("geen_dubbel", "ja")];
    approve.extend_from_slice(fields);
    let (s, loc, body) = coordinator
        .post(&format!("/beheer/aanmeldingen/{}", sub.id), &approve)
        .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(
        loc,
        format!("/beheer/aanmeldingen/{}?melding=gepubliceerd", sub.id)
    );
    app.store()
        .submission(sub.id)
        .await
        .unwrap()
        .unwrap()
        .offering_id
        .expect("published")
}

#[tokio::test]
async fn a_result_of_a_circle_becomes_supply_with_the_circle_as_origin() {
    let app = spawn_app().await;
    let (mut lead, slug, mut coordinator) =
        approved_circle(&app, "Handreiking volhouden", "").await;
    let path = format!("/leerkringen/{slug}/resultaat");
    // Only the facilitator proposes results.
    let mut member = signed_in(&app, "lid@hoeve.example").await;
    member.get(&format!("/leerkringen/{slug}/meedoen")).await;
    member
        .post(&format!("/leerkringen/{slug}/meedoen"), &[("naam", "")])
        .await;
    let (s, _, _) = member.get(&path).await;
    assert_eq!(s, 403);
    let (s, _, form) = lead.get(&path).await;
    assert_eq!(s, 200);
    assert!(
        form.contains("value=\"Leerkring Handreiking volhouden\""),
        "{form}"
    );
    let fields = RESULT_FIELDS;
    let (s, _, page) = lead.post(&path, &[("titel", "")]).await;
    assert_eq!(s, 422, "{page}");
    lead.get(&path).await;
    let (s, loc, _) = lead.post(&path, &fields).await;
    assert_eq!(s, 303);
    assert!(loc.ends_with("melding=resultaat"));
    let sub = last_submission(&app).await;
    assert_eq!(sub.contact_email.as_deref(), Some(STARTER));
    let (_, _, page) = coordinator
        .get(&format!("/beheer/aanmeldingen/{}", sub.id))
        .await;
    assert!(
        page.contains("Dit is een resultaat van de leerkring"),
        "{page}"
    );
    let offering = approve_result(&app, &mut coordinator, &fields).await;
    let page = app.text(&format!("/aanbod/{offering}")).await;
    assert!(
        page.contains(&format!(
            "Gemaakt door de leerkring <a href=\"/leerkringen/{slug}\">Handreiking volhouden</a>"
        )),
        "{page}"
    );
    let search = app.text("/aanbod?q=handreiking%20vijftien%20jaar").await;
    assert!(search.contains(&format!("/aanbod/{offering}")), "{search}");
    let circle = app.text(&format!("/leerkringen/{slug}")).await;
    assert!(circle.contains("Handreiking vijftien jaar wijkaanpak"));
}

/// Renaming a circle shows at once on the offerings it produced: their origin comes from the
/// catalogue snapshot, so the edit moves the catalogue version.
#[tokio::test]
async fn renaming_a_circle_renames_the_origin_of_its_results() {
    let app = spawn_app().await;
    let (mut lead, slug, mut coordinator) =
        approved_circle(&app, "Handreiking volhouden", "").await;
    let path = format!("/leerkringen/{slug}/resultaat");
    lead.get(&path).await;
    let (s, _, body) = lead.post(&path, &RESULT_FIELDS).await;
    assert_eq!(s, 303, "{body}");
    let offering = approve_result(&app, &mut coordinator, &RESULT_FIELDS).await;
    let origin = |titel: &str| {
        format!("Gemaakt door de leerkring <a href=\"/leerkringen/{slug}\">{titel}</a>")
    };
    let page = app.text(&format!("/aanbod/{offering}")).await;
    assert!(page.contains(&origin("Handreiking volhouden")), "{page}");
    let bewerken = format!("/leerkringen/{slug}/bewerken");
    lead.get(&bewerken).await;
    let renamed = start_fields("Handreiking langjarig volhouden", &[]);
    let (s, _, body) = lead.post(&bewerken, &renamed).await;
    assert_eq!(s, 303, "{body}");
    let page = app.text(&format!("/aanbod/{offering}")).await;
    assert!(
        page.contains(&origin("Handreiking langjarig volhouden")),
        "{page}"
    );
}

/// The acceptance of an invitation of the coordination point (the invitations are written here
/// through the store, to follow two askers through it).
#[tokio::test]
async fn an_invitation_is_accepted_through_a_button_page_and_the_first_to_accept_facilitates() {
    let app = spawn_app().await;
    let store = app.store();
    let tax = app.state.catalog.snapshot().taxonomy.clone();
    let input = wijkwijzer::domain::circle::CircleInput::default()
        .with("titel", "Voorgesteld: wijkaanpak volhouden")
        .with("omschrijving", "Voorgesteld door het coördinatiepunt.")
        .with("leervragen", "Hoe houden we de wijkaanpak vol?")
        .with("doelgroepen", "beleidsmakers")
        .with("vorm", "intervisie")
        .with("ritme", "in overleg")
        .with("looptijd", "in overleg")
        .with(
            "begeleiding",
            "de eerste die meedoet, met het coördinatiepunt",
        )
        .with("toegang", "uitnodiging")
        .with("themas", "langjarige-wijkaanpak");
    let mut circle = input.parse(&tax).unwrap();
    circle.voorgesteld = true;
    let base = app.state.base_url.clone();
    let mut tokens = Vec::new();
    let invitations: Vec<_> = ["een@dijkmeer.example", "twee@hoeve.example"]
        .iter()
        .enumerate()
        .map(|(i, to)| {
            let (token, hash) = wijkwijzer::store::new_link_token().unwrap();
            let link = format!("{base}/leerkringen/uitnodiging/{token}");
            tokens.push(token);
            wijkwijzer::store::NewInvitation {
                email: to.to_string(),
                question_id: format!("vraag-{i}"),
                token_hash: hash,
                mail: wijkwijzer::mail::circle_invitation_mail(to, &circle.titel, &link, 30),
            }
        })
        .collect();
    let now = wijkwijzer::domain::clock::Clock::system().now();
    let (id, slug) = store
        .propose_circle(&circle, &invitations, now, "coordinator@wijkwijzer.example")
        .await
        .unwrap();
    let mail = last_mail_to(&app, "een@dijkmeer.example").await.unwrap();
    assert!(mail.mail.text.contains(&tokens[0]));
    // The link shows a button: opening it changes nothing.
    let path = format!("/leerkringen/uitnodiging/{}", tokens[0]);
    let mut one = Browser::new(&app);
    let (s, _, page) = one.get(&path).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("Uitnodiging aannemen"));
    assert!(store.members(id).await.unwrap().is_empty());
    let (s, loc, body) = one
        .submit(
            &page,
            &path,
            &[
                ("naam", "Karin"),
                ("organisatie", "Gemeente Dijkmeer"),
                ("zichtbaar", "ja"),
            ],
        )
        .await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(loc, format!("/leerkringen/{slug}/leden?melding=begeleider"));
    let (s, _, page) = one.get(&loc).await;
    assert_eq!(s, 200);
    assert!(page.contains("jij begeleidt deze leerkring"), "{page}");
    // Used once.
    let (s, _, _) = Browser::new(&app).get(&path).await;
    assert_eq!(s, 410);
    // The second to accept is a member, not listed without consent.
    let path = format!("/leerkringen/uitnodiging/{}", tokens[1]);
    let mut two = Browser::new(&app);
    let (_, _, page) = two.get(&path).await;
    let (s, loc, _) = two.submit(&page, &path, &[("naam", "Piet")]).await;
    assert_eq!(s, 303);
    assert!(loc.ends_with("melding=lid"));
    let members = store.members(id).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].rol, MemberRole::Begeleider);
    assert_eq!(members[1].rol, MemberRole::Lid);
    let public = app.text(&format!("/leerkringen/{slug}")).await;
    assert!(public.contains("Karin, Gemeente Dijkmeer"));
    assert!(!public.contains("Piet"));
    assert!(public.contains("voorgesteld door het coördinatiepunt"));
}

/// Asks `vraag` on the site as `email` from `gemeente`, with peer consent or without.
async fn ask_peer(
    app: &TestApp,
    email: &str,
    gemeente: &str,
    groep: &str,
    consent: bool,
) -> String {
    let mut fields = vec![
        (
            "vraag",
            "Hoe houden we een wijkaanpak vijftien jaar vol, ook als de wethouder wisselt?",
        ),
        ("doelgroep", groep),
        ("gemeente", gemeente),
        ("email", email),
        ("toestemming", "ja"),
        ("website", ""),
    ];
    if consent {
        fields.push(("contact", "ja"));
    }
    let before: Vec<String> = app
        .store()
        .peer_questions()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.question.id)
        .collect();
    let item = ask_on_site_with(app, &fields).await;
    assert_eq!(
        before.len() + usize::from(consent),
        app.store().peer_questions().await.unwrap().len()
    );
    item.question.id
}

/// Two askers of the same question who consent to be introduced: a policy maker from Dijkmeer
/// and a resident of Hoeve, their questions' ids.
async fn two_consenting_askers(app: &TestApp) -> (String, String) {
    let a = ask_peer(
        app,
        "beleid@dijkmeer.example",
        "Dijkmeer",
        "beleidsmakers",
        true,
    )
    .await;
    let b = ask_peer(app, "bewoner@hoeve.example", "Hoeve", "bewoners", true).await;
    (a, b)
}

#[tokio::test]
async fn a_coordinator_proposes_a_circle_and_only_consenting_askers_are_invited() {
    let app = spawn_app().await;
    let (a, b) = two_consenting_askers(&app).await;
    let c = ask_peer(&app, "geen@zwolle.example", "Zwolle", "bewoners", false).await;
    let mut coordinator = logged_in(&app, Role::Coordinator).await;
    let (s, _, page) = coordinator.get("/beheer/leerkringen").await;
    assert_eq!(s, 200);
    assert!(page.contains("Een leerkring voorstellen"));
    // Without a name, and with only an asker without consent: refused, nothing sent.
    let (s, _, page) = coordinator
        .post(
            "/beheer/leerkringen/voorstellen",
            &[("titel", ""), ("vraag", &a)],
        )
        .await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("Geef de leerkring een naam"));
    let (s, _, page) = coordinator
        .post(
            "/beheer/leerkringen/voorstellen",
            &[("titel", "Wijkaanpak volhouden"), ("vraag", &c)],
        )
        .await;
    assert_eq!(s, 422, "{page}");
    assert!(page.contains("Er is niemand om uit te nodigen"));
    // The three questions: two consenting askers invited, the third not contacted.
    let (s, loc, body) = coordinator
        .post(
            "/beheer/leerkringen/voorstellen",
            &[
                ("titel", "Wijkaanpak volhouden"),
                ("vraag", &a),
                ("vraag", &b),
                ("vraag", &c),
            ],
        )
        .await;
    assert_eq!(s, 303, "{body}");
    assert!(loc.contains("melding=voorgesteld&uitgenodigd=2"), "{loc}");
    let invited = |to: &'static str| {
        let app = &app;
        async move {
            app.outbox_to(to)
                .await
                .iter()
                .filter(|m| m.mail.subject.starts_with("Uitnodiging"))
                .count()
        }
    };
    assert_eq!(invited("beleid@dijkmeer.example").await, 1);
    assert_eq!(invited("bewoner@hoeve.example").await, 1);
    assert_eq!(invited("geen@zwolle.example").await, 0);
    let (_, _, page) = coordinator.get(&loc).await;
    assert!(page.contains("De leerkring is voorgesteld"), "{page}");
    // Public at once, by invitation, for both target groups; accepted through the mail's link.
    let store = app.store();
    let circle = store
        .circles(&[wijkwijzer::domain::circle::CircleStatus::Actief])
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.titel == "Wijkaanpak volhouden")
        .unwrap();
    assert!(circle.voorgesteld);
    assert_eq!(circle.doelgroepen, ["beleidsmakers", "bewoners"]);
    let mail = last_mail_to(&app, "beleid@dijkmeer.example").await.unwrap();
    let at = mail.mail.text.find("/leerkringen/uitnodiging/").unwrap();
    let path = mail.mail.text[at..at + "/leerkringen/uitnodiging/".len() + 64].to_string();
    let mut one = Browser::new(&app);
    let (s, _, page) = one.get(&path).await;
    assert_eq!(s, 200);
    let (s, loc, _) = one.submit(&page, &path, &[("naam", "Karin")]).await;
    assert_eq!(s, 303);
    assert!(loc.ends_with("melding=begeleider"));
    assert_eq!(store.members(circle.id).await.unwrap().len(), 1);
}

/// The value of the hidden field `name` in the first form on `page` after `from`.
fn hidden_after(page: &str, from: usize, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = page[from..].find(&key).unwrap() + from + key.len();
    let end = page[at..].find('"').unwrap() + at;
    page[at..end].replace("&#x27;", "'").replace("&amp;", "&")
}

#[tokio::test]
async fn the_coordinator_sees_a_cluster_of_open_questions_and_proposes_a_circle_in_one_click() {
    let app = spawn_app().await;
    let (a, b) = two_consenting_askers(&app).await;
    let c = ask_peer(
        &app,
        "werker@assen.example",
        "Assen",
        "wijkprofessionals",
        true,
    )
    .await;
    let d = ask_peer(&app, "geen@zwolle.example", "Zwolle", "bewoners", false).await;
    app.state.catalog.refresh_demand().await.unwrap();
    // Only the coordination point's moderation area sees the clusters.
    let (s, _, _) = Browser::new(&app).get("/beheer/leerkringen/clusters").await;
    assert_eq!(s, 303, "anonymous: to the login");
    let (s, _, _) = logged_in(&app, Role::Redacteur)
        .await
        .get("/beheer/leerkringen/clusters")
        .await;
    assert_eq!(s, 403);
    let mut coordinator = logged_in(&app, Role::Coordinator).await;
    let (s, _, list) = coordinator.get("/beheer/leerkringen").await;
    assert_eq!(s, 200);
    assert!(list.contains("href=\"/beheer/leerkringen/clusters\""));
    let (s, _, page) = coordinator.get("/beheer/leerkringen/clusters").await;
    assert_eq!(s, 200, "{page}");
    // The cluster of the four questions: four municipalities, three consenting askers, and
    // only their questions go to the proposal.
    let row = page.find("4 vragen over").expect("the cluster's summary");
    let row_end = page[row..].find("</tr>").unwrap() + row;
    let cells = &page[row..row_end];
    assert!(cells.contains(", 4 gemeenten"), "{cells}");
    assert!(
        cells.contains(
            "<td class=\"ww-num\">4</td>\n    <td class=\"ww-num\">4</td>\n    <td class=\"ww-num\">3</td>"
        ),
        "{cells}"
    );
    assert!(
        cells.contains("Langjarige wijkaanpak") || cells.contains("wijkaanpak"),
        "{cells}"
    );
    let titel = hidden_after(&page, row, "titel");
    let vragen = hidden_after(&page, row, "vraag");
    assert!(titel.starts_with("Leerkring over "), "{titel}");
    let mut ids: Vec<&str> = vragen.split(' ').collect();
    ids.sort_unstable();
    let mut want = vec![a.as_str(), b.as_str(), c.as_str()];
    want.sort_unstable();
    assert_eq!(ids, want, "the asker without consent is left out");
    assert!(!vragen.contains(&d));
    // The button proposes the circle: the three consenting askers are invited.
    let (s, loc, body) = coordinator
        .post(
            "/beheer/leerkringen/voorstellen",
            &[("titel", &titel), ("vraag", &vragen)],
        )
        .await;
    assert_eq!(s, 303, "{body}");
    assert!(loc.contains("melding=voorgesteld&uitgenodigd=3"), "{loc}");
    let circle = app
        .store()
        .circles(&[wijkwijzer::domain::circle::CircleStatus::Actief])
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.titel == titel)
        .unwrap();
    assert!(circle.voorgesteld);
    let invited = |to: &'static str| {
        let app = &app;
        async move {
            subjects_to(app, to)
                .await
                .iter()
                .filter(|s| s.starts_with("Uitnodiging"))
                .count()
        }
    };
    assert_eq!(invited("werker@assen.example").await, 1);
    assert_eq!(invited("geen@zwolle.example").await, 0);
}

/// The subjects of the mails to `to`.
async fn subjects_to(app: &TestApp, to: &str) -> Vec<String> {
    app.outbox_to(to)
        .await
        .into_iter()
        .map(|m| m.mail.subject)
        .collect()
}

#[tokio::test]
async fn only_the_facilitator_edits_and_stops_the_circle_and_the_coordinator_stops_one_too() {
    let app = spawn_app().await;
    let (mut lead, slug, mut coordinator) =
        approved_circle(&app, "Wijkaanpak volhouden samen", "langjarige-wijkaanpak").await;
    let store = app.store();
    let id = store.circle_by_slug(&slug).await.unwrap().unwrap().id;
    let bewerken = format!("/leerkringen/{slug}/bewerken");
    let stoppen = format!("/leerkringen/{slug}/stoppen");
    let mut member = signed_in(&app, "lid@hoeve.example").await;
    member.get(&format!("/leerkringen/{slug}/meedoen")).await;
    let (s, _, _) = member
        .post(
            &format!("/leerkringen/{slug}/meedoen"),
            &[("naam", "Joris"), ("organisatie", ""), ("zichtbaar", "ja")],
        )
        .await;
    assert_eq!(s, 303);
    // Anonymous: asked to sign in; a POST changes nothing.
    let mut anon = Browser::new(&app);
    let (s, _, page) = anon.get(&bewerken).await;
    assert_eq!(s, 200);
    assert!(page.contains("Log eerst in"), "{page}");
    let (s, loc, _) = anon.post(&stoppen, &[("zeker", "ja")]).await;
    assert_eq!((s, loc.as_str()), (303, "/mijn"));
    // A member who does not facilitate: refused.
    let (s, _, _) = member.get(&bewerken).await;
    assert_eq!(s, 403);
    member.get(&format!("/leerkringen/{slug}/leden")).await;
    let edit = start_fields(
        "Wijkaanpak vijftien jaar volhouden",
        &[("toegang", "uitnodiging")],
    );
    let (s, _, _) = member.post(&bewerken, &edit).await;
    assert_eq!(s, 403);
    let (s, _, _) = member.post(&stoppen, &[("zeker", "ja")]).await;
    assert_eq!(s, 403);
    // A coordinator is no participant of it: the public routes are not theirs.
    let (s, _, page) = coordinator.get(&bewerken).await;
    assert!(s == 200 && page.contains("Log eerst in"), "{s}");
    // The facilitator: the form filled in with the circle.
    let (s, _, page) = lead.get(&bewerken).await;
    assert_eq!(s, 200);
    assert!(page.contains("Leerkring bewerken"), "{page}");
    assert!(
        page.contains(r#"value="Wijkaanpak volhouden samen""#),
        "{page}"
    );
    assert!(page.contains(&format!(r#"action="/leerkringen/{slug}/bewerken""#)));
    assert!(!page.contains("Stap 5"), "no member details when editing");
    // The same checks as starting: a missing name is refused and nothing changes.
    let (s, _, page) = lead.post(&bewerken, &start_fields("", &[])).await;
    assert_eq!(s, 422);
    assert!(page.contains("Fout: leerkring bewerken"), "{page}");
    assert_eq!(
        store.circle(id).await.unwrap().unwrap().titel,
        "Wijkaanpak volhouden samen"
    );
    let (s, loc, body) = lead.post(&bewerken, &edit).await;
    assert_eq!(s, 303, "{body}");
    assert_eq!(loc, format!("/leerkringen/{slug}/leden?melding=bewerkt"));
    let c = store.circle(id).await.unwrap().unwrap();
    assert_eq!(c.titel, "Wijkaanpak vijftien jaar volhouden");
    assert_eq!(c.slug, slug, "the address stays");
    assert_eq!(c.toegang, wijkwijzer::domain::circle::Access::Uitnodiging);
    assert!(app
        .text(&format!("/leerkringen/{slug}"))
        .await
        .contains("Wijkaanpak vijftien jaar volhouden"));
    // Stopping needs the confirmation.
    let (s, _, page) = lead.post(&stoppen, &[]).await;
    assert_eq!(s, 422);
    assert!(page.contains("Bevestig het stoppen"), "{page}");
    assert!(store.circle(id).await.unwrap().unwrap().is_active());
    let (s, _, page) = lead.post(&stoppen, &[("zeker", "ja")]).await;
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("De leerkring is gestopt"), "{page}");
    let c = store.circle(id).await.unwrap().unwrap();
    assert_eq!(c.status, wijkwijzer::domain::circle::CircleStatus::Gestopt);
    let (s, _, _) = Browser::new(&app)
        .get(&format!("/leerkringen/{slug}"))
        .await;
    assert_eq!(s, 404, "gone from the site");
    for to in [STARTER, "lid@hoeve.example"] {
        assert!(
            subjects_to(&app, to)
                .await
                .contains(&"Leerkring gestopt: Wijkaanpak vijftien jaar volhouden".to_string()),
            "{to} mailed"
        );
    }
    let actions: Vec<String> = store
        .audit_log(Some(("leerkring", &id.to_string())), 20, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"bewerkt".to_string()), "{actions:?}");
    assert!(actions.contains(&"gestopt".to_string()), "{actions:?}");

    // The coordinator stops another circle in the back office, after confirming.
    let (s, _, _) = lead
        .post_form(
            "/leerkringen/starten",
            &start_fields("Samen vroeg signaleren", &[("een_sector", "ja")]),
        )
        .await;
    assert_eq!(s, 200);
    let id2 = waiting(&app, "Samen vroeg signaleren").await.id;
    let path = format!("/beheer/leerkringen/{id2}");
    coordinator.get(&path).await;
    let (s, _, _) = coordinator
        .post(
            &path,
            &[("actie", "goedkeuren"), ("lacune", ""), ("traject", "")],
        )
        .await;
    assert_eq!(s, 303);
    let (_, _, page) = coordinator.get(&path).await;
    assert!(page.contains("De leerkring stoppen"), "{page}");
    let (s, _, _) = coordinator.post(&format!("{path}/stoppen"), &[]).await;
    assert_eq!(s, 422);
    assert!(store.circle(id2).await.unwrap().unwrap().is_active());
    let (s, _, _) = logged_in(&app, Role::Redacteur)
        .await
        .post(&format!("{path}/stoppen"), &[("zeker", "ja")])
        .await;
    assert_eq!(s, 403);
    let (s, loc, _) = coordinator
        .post(&format!("{path}/stoppen"), &[("zeker", "ja")])
        .await;
    assert_eq!(s, 303);
    assert!(loc.ends_with("melding=gestopt"), "{loc}");
    assert!(!store.circle(id2).await.unwrap().unwrap().is_active());
    assert!(subjects_to(&app, STARTER)
        .await
        .contains(&"Leerkring gestopt: Samen vroeg signaleren".to_string()));
}
