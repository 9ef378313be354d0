//! The public website: every page type, escaping of hostile catalogue text, feeds as valid
//! XML and iCalendar, JSON-LD, security headers and the Dutch 404 page.

use super::helpers::{ask_on_site, demo_offerings, fixture, moment, spawn_app, spawn_at, TestApp};
use wijkwijzer::domain::clock::Clock;

async fn page(app: &TestApp, path: &str) -> String {
    app.fetch(path, "text/html").await
}

fn one_h1(html: &str, path: &str) {
    assert_eq!(html.matches("<h1").count(), 1, "one h1 on {path}");
    assert!(html.contains("<html lang=\"nl\""), "{path}");
    assert!(html.contains("href=\"#main\""), "skip link on {path}");
    assert!(html.contains("<main id=\"main\""), "{path}");
}

#[tokio::test]
async fn every_page_type_renders_with_key_content() {
    let app = spawn_app().await;
    let first = app.get_json("/api/v1/aanbod?pageSize=1&sort=titel").await["resultaten"][0].clone();
    let id = first["id"].as_str().unwrap();
    let provider = app.get_json("/api/v1/aanbieders").await[0]["slug"]
        .as_str()
        .unwrap()
        .to_string();
    let cases = [
        ("/", "Leren over leefbare en veilige wijken"),
        ("/themas", "Ondermijning"),
        (
            "/themas/langjarige-wijkaanpak",
            "Vraagstuk op de leeragenda",
        ),
        ("/aanbod", "Filters toepassen"),
        ("/aanbod?q=wijk&thema=ondermijning", "Actieve filters"),
        ("/aanbieders", &provider),
        ("/agenda", "Agenda"),
        ("/privacy", "Je rechten"),
        ("/toegankelijkheid", "WCAG 2.2"),
    ];
    for (path, needle) in cases {
        let html = page(&app, path).await;
        one_h1(&html, path);
        assert!(html.contains(needle), "{path} lacks «{needle}»");
    }
    let html = page(&app, &format!("/aanbod/{id}")).await;
    one_h1(&html, id);
    assert!(html.contains(first["titel"].as_str().unwrap()));
    assert!(html.contains(&format!(
        "href=\"/aanbieders/{}\"",
        wijkwijzer::domain::offering::slugify(first["aanbieder"].as_str().unwrap())
    )));
    let html = page(&app, &format!("/aanbieders/{provider}")).await;
    one_h1(&html, &provider);
}

#[tokio::test]
async fn target_group_entries_and_facets_link_to_filtered_catalogue() {
    let app = spawn_app().await;
    let home = page(&app, "/").await;
    for g in ["beleidsmakers", "wijkprofessionals", "bewoners"] {
        assert!(
            home.contains(&format!("href=\"/aanbod?doelgroep={g}\"")),
            "{g}"
        );
    }
    let html = page(
        &app,
        "/aanbod?thema=ondermijning&thema=jeugd-en-veiligheid&doelgroep=bewoners",
    )
    .await;
    let api = app
        .get_json("/api/v1/aanbod?thema=ondermijning&thema=jeugd-en-veiligheid&doelgroep=bewoners")
        .await;
    let total = api["totaal"].as_u64().unwrap();
    let expected = match total {
        0 => "Geen resultaten".to_string(),
        1 => "1 resultaat".to_string(),
        n => format!("{n} resultaten"),
    };
    assert!(
        html.contains(&format!("aria-live=\"polite\" id=\"aantal\">{expected}<")),
        "count {expected}"
    );
    assert!(html.contains("name=\"thema\" value=\"ondermijning\" checked"));
    // A chip removes exactly one value.
    assert!(
        html.contains("href=\"/aanbod?thema=jeugd-en-veiligheid&#38;doelgroep=bewoners\""),
        "chip link"
    );
    // Bad values in a shared link do not break the page.
    let res = app.get("/aanbod?thema=bestaat-niet&pageSize=abc").await;
    assert_eq!(res.status(), 200);
    let html = page(&app, "/aanbod?q=zzzzqqqxx").await;
    assert!(html.contains("Geen resultaten"));
    assert!(html.contains("Haal een filter weg"));
}

#[tokio::test]
async fn a_resident_search_leads_to_the_question_form_with_her_words() {
    let app = spawn_app().await;
    let html = page(&app, "/aanbod?q=drugs+dealen+in+ons+portiek").await;
    // `portiek` brings the rare related word `woningen`, not `buurt` (in most offerings).
    let total: usize = html
        .split("role=\"status\" aria-live=\"polite\" id=\"aantal\">")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    let catalogue = app.state.catalog.snapshot().offerings.len();
    assert!(total * 3 < catalogue, "{total} of {catalogue}");
    assert!(
        html.contains("Ondermijning"),
        "the offerings on dealing are found"
    );
    let link = "/leervraag?vraag=drugs+dealen+in+ons+portiek";
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    let form = page(&app, link).await;
    assert!(
        form.contains(">drugs dealen in ons portiek</textarea>"),
        "the question is filled in"
    );
}

#[tokio::test]
async fn ended_offerings_are_marked_in_lists_and_offer_no_sign_up() {
    let app = spawn_app().await;
    let today = wijkwijzer::domain::clock::dutch_date(chrono::Utc::now());
    let snapshot = app.state.catalog.snapshot();
    let ended = snapshot
        .offerings
        .iter()
        .map(|s| &s.offering)
        .find(|o| !o.is_available(today))
        .expect("the demo has an ended offering");
    let html = page(
        &app,
        &format!("/aanbod?aanbieder={}", ended.provider_slug()),
    )
    .await;
    let card = html
        .split(&format!("href=\"/aanbod/{}?terug=", ended.id))
        .nth(1)
        .expect("the card")
        .split("</li>\n  </ul>")
        .next()
        .unwrap();
    assert!(card.contains("Voorbij</span>"), "{card}");
    let detail = page(&app, &format!("/aanbod/{}", ended.id)).await;
    assert!(detail.contains("Dit aanbod is voorbij"));
    assert!(!detail.contains("Meer informatie en aanmelden"));
    assert!(detail.contains("Meer informatie bij"));
}

#[tokio::test]
async fn hostile_catalogue_text_is_escaped_everywhere() {
    let app = TestApp::builder()
        .import("aanbod", fixture("hostile.jsonl"))
        .spawn()
        .await;
    for path in [
        "/aanbod/gevaarlijke-tekst",
        "/aanbod?q=training",
        "/agenda",
        "/themas/ondermijning",
        "/aanbieders/org-i-schuin-i-co",
        "/",
    ] {
        let html = page(&app, path).await;
        assert!(
            !html.contains("<script>alert"),
            "unescaped script on {path}"
        );
        assert!(!html.contains("<img src=x"), "unescaped img on {path}");
        assert!(!html.contains("<b>html</b>"), "unescaped b on {path}");
    }
    let html = page(&app, "/aanbod/gevaarlijke-tekst").await;
    assert!(
        html.contains("Training &#60;script&#62;") || html.contains("Training &lt;script&gt;"),
        "title escaped"
    );
    // JSON-LD: one data block, parseable, with the original text.
    let start = html.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + html[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(ld["@type"], "Course");
    assert_eq!(
        ld["name"],
        "Training <script>alert('x')</script> \"quotes\" & meer"
    );
    assert_eq!(ld["hasCourseInstance"]["@type"], "CourseInstance");
    assert_eq!(ld["hasCourseInstance"]["startDate"], "2099-05-01");
    assert_eq!(html.matches("<script").count(), 1, "only the JSON-LD block");
    // Feeds stay well-formed.
    let atom = app.get("/feeds/aanbod.atom").await.text().await.unwrap();
    let doc = roxmltree::Document::parse(&atom).expect("atom is XML");
    assert!(doc
        .descendants()
        .any(|n| n.text() == Some("Training <script>alert('x')</script> \"quotes\" & meer")));
}

#[tokio::test]
async fn feeds_are_valid_atom_and_icalendar() {
    let app = spawn_app().await;
    for path in ["/feeds/aanbod.atom", "/feeds/themas/ondermijning.atom"] {
        let xml = app.fetch(path, "application/atom+xml").await;
        let doc = roxmltree::Document::parse(&xml).expect("XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "feed");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2005/Atom")
        );
        for required in ["id", "title", "updated"] {
            assert!(
                root.children().any(|n| n.tag_name().name() == required),
                "{required}"
            );
        }
        let entries: Vec<_> = root
            .children()
            .filter(|n| n.tag_name().name() == "entry")
            .collect();
        assert!(!entries.is_empty());
        for e in entries {
            for required in ["id", "title", "updated", "link"] {
                assert!(
                    e.children().any(|n| n.tag_name().name() == required),
                    "entry {required}"
                );
            }
        }
    }
    let html = page(&app, "/").await;
    assert!(html.contains("rel=\"alternate\" type=\"application/atom+xml\""));

    for path in ["/agenda.ics", "/themas/ondermijning/agenda.ics"] {
        let ics = app.fetch(path, "text/calendar").await;
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(
            !ics.replace("\r\n", "").contains('\n'),
            "only CRLF line ends"
        );
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "line too long: {line}");
        }
        let unfolded = ics.replace("\r\n ", "");
        let begins = unfolded.matches("BEGIN:VEVENT").count();
        assert_eq!(begins, unfolded.matches("END:VEVENT").count());
        assert_eq!(begins, unfolded.matches("\r\nDTSTART;VALUE=DATE:").count());
        assert_eq!(begins, unfolded.matches("\r\nUID:").count());
        assert!(begins > 0 || path.contains("themas"));
    }
}

#[tokio::test]
async fn sitemap_robots_headers_and_404() {
    let app = spawn_app().await;
    let xml = app.get("/sitemap.xml").await.text().await.unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("sitemap is XML");
    let locs = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .count();
    assert!(locs > 40);
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(robots.contains("Sitemap:"));

    let res = app.get("/aanbod").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(!csp.contains("unsafe-inline"));
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().contains_key("referrer-policy"));
    let html = res.text().await.unwrap();
    assert!(!html.contains("style=\""), "no inline styles");
    let css_path = html
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let css = app.get(css_path).await;
    assert_eq!(css.status(), 200);
    assert!(css.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));

    let gz = app
        .client
        .get(app.url("/aanbod"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");

    let res = app.get("/bestaat-niet").await;
    assert_eq!(res.status(), 404);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = res.text().await.unwrap();
    assert!(html.contains("Pagina niet gevonden"));
    assert!(html.contains(&id), "404 page carries the request id");
    assert_eq!(app.get("/aanbod/bestaat-niet").await.status(), 404);
    assert_eq!(app.get("/themas/bestaat-niet").await.status(), 404);
}

#[tokio::test]
async fn dutch_wording_one_person_and_decimal_commas() {
    let app = spawn_app().await;
    let home = page(&app, "/").await;
    assert!(
        home.contains("Ik ben bewoner<"),
        "singular on the home page"
    );
    assert!(!home.contains("Ik ben bewoners"));
    let form = page(&app, "/leervraag").await;
    assert!(form.contains(">Wijkprofessional</option>"));
    let gaps = page(&app, "/lacunes").await;
    let pressure = gaps
        .split("<dt>Vraagdruk</dt><dd>")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap()
        .to_string();
    assert!(
        pressure.contains(',') && !pressure.contains('.'),
        "{pressure}"
    );
    assert!(gaps.contains("Hier wordt nog niet aan gewerkt.") || gaps.contains("In ontwikkeling:"));
    let agenda = page(&app, "/leeragenda").await;
    assert!(!agenda.contains("1 vragen"));
}

/// Offerings that start in the coming months, `per_month` each.
fn agenda_offerings(dir: &std::path::Path, months: u32, per_month: u32) -> std::path::PathBuf {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let per = per_month as usize;
    demo_offerings(dir, (months * per_month) as usize, |i, o| {
        let m = (i / per) as u32 + 1;
        let total = today.month0() + m;
        let date =
            chrono::NaiveDate::from_ymd_opt(today.year() + (total / 12) as i32, total % 12 + 1, 10)
                .unwrap();
        o["id"] = format!("activiteit-{m}-{}", i % per).into();
        o["titel"] = format!("Activiteit {m}-{}", i % per).into();
        o["startdatum"] = date.to_string().into();
        o["einddatum"] = date.to_string().into();
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_agenda_shows_one_month_with_a_month_navigation() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::builder()
        .import("aanbod", agenda_offerings(dir.path(), 3, 120))
        .spawn()
        .await;
    let html = app.get("/agenda").await.text().await.unwrap();
    assert!(html.contains("aria-label=\"Maanden\""), "month navigation");
    let shown = html.matches("class=\"ww-card\"").count();
    assert!(shown <= 100, "one page of one month, not all: {shown}");
    // Every month of the navigation opens, and paging inside a busy month reaches every item.
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let total = today.month0() + 2;
    let key = format!(
        "{}-{:02}",
        today.year() + (total / 12) as i32,
        total % 12 + 1
    );
    let page1 = app
        .get(&format!("/agenda?maand={key}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page1.contains(&format!(
        "href=\"/agenda?maand={key}\" aria-current=\"page\""
    )));
    assert!(
        page1.contains("120 activiteiten, pagina 1 van 2"),
        "{page1}"
    );
    let page2 = app
        .get(&format!("/agenda?maand={key}&pagina=2"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(page2.matches("class=\"ww-card\"").count(), 20);
    for bad in [
        "/agenda?maand=2026-13",
        "/agenda?maand=kerst",
        &format!("/agenda?maand={key}&pagina=9"),
    ] {
        let res = app.get(bad).await;
        assert_eq!(res.status(), 400, "{bad}");
    }
}

/// True when the event calendar lists `link`, under "now" or in March 2026.
async fn on_agenda(app: &TestApp, link: &str) -> bool {
    page(app, "/agenda?maand=nu").await.contains(link)
        || page(app, "/agenda?maand=2026-03").await.contains(link)
}

/// The Dutch day decides whether an offering is over: at 23:59 on its last day (winter time,
/// 22:59 UTC) it is still on; a minute later, on the next Dutch day but the same UTC day, it is
/// marked past and leaves the agenda.
#[tokio::test]
async fn an_offering_is_past_from_the_dutch_day_after_its_end() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-12T22:59:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let clock = Clock::fixed(at);
    let app = TestApp::builder().clock(clock.clone()).spawn().await;
    let id = "masterclass-uitdaagrecht-in-de-praktijk";
    let link = format!("href=\"/aanbod/{id}\"");
    let detail = page(&app, &format!("/aanbod/{id}")).await;
    assert!(detail.contains("Meer informatie en aanmelden"), "{detail}");
    assert!(!detail.contains("Dit aanbod is voorbij"));
    assert!(
        on_agenda(&app, &link).await,
        "on the agenda on its last day"
    );
    clock.advance(std::time::Duration::from_secs(60));
    let detail = page(&app, &format!("/aanbod/{id}")).await;
    assert!(detail.contains("Dit aanbod is voorbij"), "{detail}");
    assert!(
        !on_agenda(&app, &link).await,
        "off the agenda the next Dutch day"
    );
}

/// The card of offering `id` on a page: from its link to the next card.
fn card<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("<a href=\"/aanbod/{id}?terug="))
        .unwrap_or_else(|| panic!("{id} on the page"));
    let rest = &html[at..];
    &rest[..rest.find("class=\"ww-card\"").unwrap_or(rest.len())]
}

/// At a fixed date the event calendar opens on what runs now, leaves out what is over, and the
/// cards mark an ended offering "Voorbij"; when the clock moves on, all three follow.
#[tokio::test]
async fn the_agenda_and_the_past_marks_follow_the_clock() {
    let (app, clock) = spawn_at("2026-09-20T10:00:00Z").await;
    // 15 September to 6 October 2026, and 12 May 2026.
    let running = "training-opbouwwerk-in-een-gemengde-wijk";
    let over = "werkbezoek-zuidermolen-twaalf-jaar-samen";
    let link = |id: &str| format!("href=\"/aanbod/{id}\"");
    let agenda = page(&app, "/agenda").await;
    assert!(agenda.contains(">Nu bezig</h2>"), "{agenda}");
    assert!(agenda.contains(&link(running)));
    assert!(!agenda.contains(&link(over)));
    assert!(agenda.contains("href=\"/agenda?maand=2027-01\""));
    let ics = app.get("/agenda.ics").await.text().await.unwrap();
    assert!(ics.contains("DTSTAMP:20260920T100000Z"), "{ics}");
    assert!(ics.contains(&format!("UID:{running}@")));
    assert!(!ics.contains(&format!("UID:{over}@")));
    let list = page(&app, "/aanbod?pageSize=100").await;
    assert!(card(&list, over).contains(">Voorbij</span>"));
    assert!(!card(&list, running).contains(">Voorbij</span>"));

    clock.set(moment("2026-10-07T10:00:00Z"));
    let agenda = page(&app, "/agenda").await;
    assert!(!agenda.contains("Nu bezig"), "{agenda}");
    assert!(agenda.contains(">Januari 2027</h2>"), "{agenda}");
    assert!(!agenda.contains(&link(running)));
    let ics = app.get("/agenda.ics").await.text().await.unwrap();
    assert!(ics.contains("DTSTAMP:20261007T100000Z"));
    assert!(!ics.contains(&format!("UID:{running}@")));
    let list = page(&app, "/aanbod?pageSize=100").await;
    assert!(card(&list, running).contains(">Voorbij</span>"));
    assert!(card(&list, over).contains(">Voorbij</span>"));
}

#[tokio::test]
async fn a_question_asked_on_the_site_leaves_catalogue_pages_cached() {
    let app = spawn_app().await;
    let pages = ["/aanbod", "/aanbod?q=wijk", "/themas", "/api/v1/aanbod"];
    for p in pages.iter().chain(&["/leeragenda"]) {
        assert_eq!(app.get(p).await.status(), 200, "{p}");
    }
    let demand = app.state.catalog.snapshot().demand_version;
    ask_on_site(
        &app,
        "Hoe houden we een buurtpreventie-app gezond en veilig?",
    )
    .await;
    for _ in 0..100 {
        if app.state.catalog.snapshot().demand_version != demand {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_ne!(app.state.catalog.snapshot().demand_version, demand);
    // Catalogue pages do not depend on questions: every one comes from the cache.
    let before = app.state.cache.hits();
    for p in pages {
        assert_eq!(app.get(p).await.status(), 200, "{p}");
    }
    assert_eq!(app.state.cache.hits() - before, pages.len() as u64);
    // The learning agenda does: it is made again.
    let before = app.state.cache.hits();
    assert_eq!(app.get("/leeragenda").await.status(), 200);
    assert_eq!(app.state.cache.hits(), before);
}

/// An offering page: the sign-up button near the top, its own calendar file, a breadcrumb back
/// to the selection the visitor came from, and a recorded webinar that is not "Voorbij".
#[tokio::test]
async fn an_offering_page_leads_to_signing_up_its_calendar_and_back() {
    let (app, _clock) = spawn_at("2026-12-06T10:00:00Z").await;
    let id = "leernetwerk-wijkaanpak-die-blijft";
    let html = page(&app, &format!("/aanbod/{id}")).await;
    let top = html.split("<h2>Beschrijving</h2>").next().unwrap();
    assert!(
        top.contains("class=\"ww-button\" href=\"https://www.wijkkracht-nederland.example/aanbod/leernetwerk-wijkaanpak-die-blijft\" rel=\"noopener\">Aanmelden bij de aanbieder"),
        "{top}"
    );
    assert!(top.contains(&format!("href=\"/aanbod/{id}/agenda.ics\"")));
    let ics = app
        .fetch(&format!("/aanbod/{id}/agenda.ics"), "text/calendar")
        .await;
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
    assert!(ics.contains(&format!("UID:{id}@")));
    assert_eq!(
        app.get("/aanbod/bestaat-niet/agenda.ics").await.status(),
        404
    );
    // From a filtered catalogue, the card's link carries the selection back.
    let list = page(&app, "/aanbod?thema=langjarige-wijkaanpak&vorm=leernetwerk").await;
    let link = format!("href=\"/aanbod/{id}?terug=");
    let at = list.find(&link).expect("the card links with its selection");
    let href = list[at + 6..]
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&");
    let detail = page(&app, &href).await;
    assert!(
        detail.contains("› <a href=\"/aanbod?thema=langjarige-wijkaanpak&#38;vorm=leernetwerk\">Je zoekresultaten</a>"),
        "{detail}"
    );
    // Only a selection of this site is linked back to.
    let other = page(
        &app,
        &format!("/aanbod/{id}?terug=https%3A%2F%2Fevil.example%2F"),
    )
    .await;
    assert!(!other.contains("Je zoekresultaten"));
    let other = page(
        &app,
        &format!("/aanbod/{id}?terug=%2F%2Fevil.example%2Faanbod%3Fq"),
    )
    .await;
    assert!(!other.contains("Je zoekresultaten"));
    // A recorded webinar whose date has passed can still be watched: not "Voorbij".
    let webinar = "webinar-polarisatie-in-de-buurt";
    let html = page(&app, &format!("/aanbod/{webinar}")).await;
    assert!(!html.contains("Dit aanbod is voorbij"), "{html}");
    assert!(html.contains("Terug te kijken"));
    assert!(html.contains("Terugkijken bij de aanbieder"));
    let list = page(&app, "/aanbod?vorm=webinar&pageSize=100").await;
    assert!(!card(&list, webinar).contains(">Voorbij</span>"), "{list}");
}

/// Trust: who runs the network (`/over`, linked from every footer and the home page), a logo
/// with a text alternative, home cards that are links, and the date of the last data change on
/// the data pages.
#[tokio::test]
async fn the_site_says_who_runs_it_and_when_its_data_last_changed() {
    let (app, _clock) = spawn_at("2026-12-06T10:00:00Z").await;
    let over = page(&app, "/over").await;
    one_h1(&over, "/over");
    for needle in [
        "<h1>Over het leernetwerk</h1>",
        "Coördinatiepunt",
        "coordinatiepunt@wijkwijzer.example",
        "href=\"/contact\"",
        "<h2>Colofon</h2>",
    ] {
        assert!(over.contains(needle), "/over lacks «{needle}»");
    }
    let home = page(&app, "/").await;
    for path in ["/", "/aanbod", "/privacy"] {
        let html = page(&app, path).await;
        let footer = html.split("<footer").nth(1).unwrap_or_default();
        assert!(footer.contains("href=\"/over\""), "footer of {path}");
        // The logo: an image with a text alternative, inside the link home.
        let header = html.split("</header>").next().unwrap_or_default();
        assert!(
            header.contains(
                "<img class=\"ww-logo__image\" src=\"/logo.svg\" alt=\"WijkWijzer Leernetwerk\""
            ),
            "{header}"
        );
    }
    let main = home.split("<main").nth(1).unwrap_or_default();
    assert!(main.contains("href=\"/over\""), "the home page links /over");
    let logo = app.get("/logo.svg").await;
    assert_eq!(logo.status(), 200);
    assert_eq!(logo.headers()["content-type"], "image/svg+xml");
    let svg = logo.text().await.unwrap();
    assert!(svg.contains("viewBox=") && svg.contains("<title"), "{svg}");
    // Every card about what the network does is a link.
    let jobs = home
        .split("<ul class=\"ww-jobs\">")
        .nth(1)
        .and_then(|s| s.split("</ul>").next())
        .unwrap_or_default();
    let cards: Vec<&str> = jobs.split("<li").skip(1).collect();
    assert_eq!(cards.len(), 4, "{jobs}");
    for card in cards {
        assert!(
            card.contains("<a class=\"ww-card__link\" href=\"/"),
            "{card}"
        );
    }
    // The data pages say when their data last changed, as a Dutch date.
    for path in ["/aanbod", "/agenda", "/lacunes", "/leeragenda"] {
        let html = page(&app, path).await;
        let at = html
            .find("Laatst bijgewerkt: <time datetime=\"")
            .unwrap_or_else(|| panic!("{path} lacks the date of its last change"));
        let rest = &html[at..];
        let date = rest
            .split("\">")
            .nth(1)
            .and_then(|s| s.split("</time>").next());
        let date = date.unwrap_or_default();
        assert!(
            wijkwijzer::domain::text::MONTHS
                .iter()
                .any(|m| date.contains(m)),
            "{path}: {date}"
        );
    }
}

/// The date of the last change is the day of the latest write (the store stamps writes with the
/// system time, not the test's clock at 1 November): an import today shows today.
#[tokio::test]
async fn the_last_change_date_moves_with_an_import() {
    let (app, _clock) = spawn_at("2026-11-01T10:00:00Z").await;
    let stamp = |html: &str| {
        html.split("Laatst bijgewerkt: ")
            .nth(1)
            .and_then(|s| s.split("</time>").next())
            .unwrap_or_default()
            .to_string()
    };
    let demo = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/aanbod.jsonl"),
    )
    .unwrap();
    let mut offering: serde_json::Value =
        serde_json::from_str(demo.lines().next().unwrap()).unwrap();
    offering["titel"] = serde_json::json!("Een nieuwe titel voor de test");
    app.import_records("aanbod", &[offering]).await;
    let today = wijkwijzer::domain::clock::dutch_date(chrono::Utc::now());
    assert_eq!(
        stamp(&page(&app, "/aanbod").await),
        format!(
            "<time datetime=\"{today}\">{}",
            wijkwijzer::domain::text::dutch_date(today)
        )
    );
}

/// The event calendar takes the catalogue's filters (the same parameters, folded behind
/// "Filters (n)", a GET form that works without JavaScript): the months, their counts and the
/// facet counts are those of the selection, the links keep it, and each activity says where it
/// is in words.
#[tokio::test]
async fn the_event_agenda_filters_like_the_catalogue() {
    let (app, _clock) = spawn_at("2026-12-06T10:00:00Z").await;
    let all = page(&app, "/agenda?maand=2027-02").await;
    assert!(all.contains("href=\"/aanbod/intervisie-ouders-betrekken\""));
    let html = page(&app, "/agenda?thema=jeugd-en-veiligheid&vorm=training").await;
    assert!(
        html.contains("<form class=\"ww-facets\" method=\"get\" action=\"/agenda\""),
        "{html}"
    );
    assert!(
        html.contains("Filters (2)"),
        "the folded filters say how many are on"
    );
    assert!(html.contains("name=\"thema\" value=\"jeugd-en-veiligheid\" checked"));
    assert!(html.contains("name=\"vorm\" value=\"training\" checked"));
    // Two trainings on youth and safety: February and March 2027, nothing else.
    let nav = html
        .split("aria-label=\"Maanden\"")
        .nth(1)
        .and_then(|s| s.split("</nav>").next())
        .unwrap_or_default();
    assert!(
        nav.contains("href=\"/agenda?maand=2027-02&#38;thema=jeugd-en-veiligheid&#38;vorm=training\" aria-current=\"page\""),
        "{nav}"
    );
    assert!(nav.contains("Februari 2027</strong> (1)"), "{nav}");
    assert!(nav.contains("Maart 2027 (1)"), "{nav}");
    assert_eq!(nav.matches("<li>").count(), 2, "{nav}");
    // The count beside "Training" is that of the agenda, not of the whole catalogue.
    assert!(
        html.contains("<label for=\"f-vorm-")
            && html.contains(">Training <span class=\"ww-count\">(2)</span>"),
        "{html}"
    );
    assert!(html.contains("href=\"/aanbod/training-criminele-uitbuiting-van-jongeren\""));
    assert!(!html.contains("href=\"/aanbod/intervisie-ouders-betrekken\""));
    assert!(html.contains("Op locatie in Utrecht"), "the place in words");
    // Removing one filter keeps the other and the month shown.
    assert!(
        html.contains("href=\"/agenda?thema=jeugd-en-veiligheid\""),
        "{html}"
    );
    // The calendar file of the selection.
    assert!(html.contains("href=\"/agenda.ics?thema=jeugd-en-veiligheid&#38;vorm=training\""));
    let march = page(
        &app,
        "/agenda?maand=2027-03&thema=jeugd-en-veiligheid&vorm=training",
    )
    .await;
    assert!(march.contains("href=\"/aanbod/training-weerbare-buurt-tegen-criminaliteit\""));
    assert!(march.contains("1 activiteit"));
    // An unknown value is left out and named, as in the catalogue.
    let odd = page(&app, "/agenda?thema=bestaat-niet").await;
    assert!(
        odd.contains("Dit deel van je zoekopdracht hebben we niet gebruikt"),
        "{odd}"
    );
    assert!(
        odd.contains("href=\"/aanbod/intervisie-ouders-betrekken\"")
            || odd.contains("aria-label=\"Maanden\"")
    );
}
