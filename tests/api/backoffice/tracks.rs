//! Development tracks: managed in the back office, filled in from a suggested partnership, shown
//! on the public list, the API and the gap pages.

use wijkwijzer::security::Role;

use super::OFFERING;
use crate::helpers::*;

#[tokio::test]
async fn development_tracks_are_managed_and_shown_on_gap_pages() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let (s, _, _) = b.get("/beheer/trajecten").await;
    assert_eq!(s, 200);
    let (s, _, form) = b.get("/beheer/trajecten/nieuw?thema=gemengde-wijken").await;
    assert_eq!(s, 200);
    assert!(form.contains("Voorgestelde samenwerking"));
    assert!(form.contains(
        "id=\"thema-gemengde-wijken\" name=\"themas\" value=\"gemengde-wijken\" checked"
    ));
    // A suggested partnership fills in the lead and the partners.
    let start = form
        .find("href=\"/beheer/trajecten/nieuw?thema=gemengde-wijken&#38;trekker=")
        .expect("a link per suggestion")
        + "href=\"".len();
    let href = form[start..start + form[start..].find('"').unwrap()].replace("&#38;", "&");
    let url = reqwest::Url::parse(&format!("{}{href}", b.base)).unwrap();
    let value = |k: &str| {
        url.query_pairs()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.to_string())
            .unwrap()
    };
    let (lead, partners) = (value("trekker"), value("partners"));
    assert!(!lead.is_empty() && !partners.is_empty(), "{href}");
    let (s, _, filled) = b.get(&href).await;
    assert_eq!(s, 200);
    let esc = |t: &str| {
        t.replace('&', "&#38;")
            .replace('\'', "&#39;")
            .replace('"', "&#34;")
    };
    assert!(
        filled.contains(&format!("name=\"trekker\" value=\"{}\"", esc(&lead))),
        "{filled}"
    );
    assert!(filled.contains(&format!(">{}</textarea>", esc(&partners))));
    let (s, _, html) = b
        .post_form(
            "/beheer/trajecten/nieuw",
            &[
                ("titel", ""),
                ("status", "beschikbaar"),
                ("trekker", "Platform X"),
            ],
        )
        .await;
    assert_eq!(s, 422);
    assert!(html.contains("Vul de titel in."));
    assert!(html.contains("Kies minstens één thema."));
    assert!(html.contains("Een beschikbaar traject noemt het aanbod"));
    assert!(html.contains("value=\"Platform X\""), "values kept");
    let fields = [
        ("titel", "Leerlijn wijkaanpak na de subsidie"),
        (
            "doel",
            "Gemeenten leren hoe een wijkaanpak tien jaar blijft lopen.",
        ),
        ("themas", "langjarige-wijkaanpak"),
        ("trekker", "Platform Wijkaanpak"),
        ("partners", "Corporatie Thuis\nPolitie Oost"),
        ("doelgroepen", "beleidsmakers"),
        ("status", "in-ontwikkeling"),
        ("planning", "eerste bijeenkomst maart 2027"),
        ("aanbod", ""),
    ];
    let (s, loc, _) = b.post("/beheer/trajecten/nieuw", &fields).await;
    assert_eq!(s, 303);
    let id = loc
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // A confirmation after saving, on the track's own page.
    assert_eq!(loc, format!("/beheer/trajecten/{id}?melding=opgeslagen"));
    let (s, _, saved) = b.get(&loc).await;
    assert_eq!(s, 200);
    assert!(
        saved.contains("role=\"status\">Het ontwikkeltraject is opgeslagen."),
        "{saved}"
    );
    let public = app.text("/ontwikkeltrajecten").await;
    assert!(public.contains("Leerlijn wijkaanpak na de subsidie"));
    assert!(public.contains("Platform Wijkaanpak"));
    assert!(public.contains("Corporatie Thuis, Politie Oost"));
    assert!(public.contains("eerste bijeenkomst maart 2027"));
    assert!(public.contains("In ontwikkeling"));
    let api = app.get_json("/api/v1/ontwikkeltrajecten").await;
    assert_eq!(
        api["ontwikkeltrajecten"][0]["trekker"],
        "Platform Wijkaanpak"
    );
    assert_eq!(api["ontwikkeltrajecten"][0]["status"], "in-ontwikkeling");
    let topic = app
        .state
        .catalog
        .snapshot()
        .taxonomy
        .vraagstukken
        .iter()
        .find(|t| t.themas.contains(&"langjarige-wijkaanpak".to_string()))
        .unwrap()
        .slug
        .clone();
    let gap = app.text(&format!("/lacunes/{topic}")).await;
    assert!(
        gap.contains("Leerlijn wijkaanpak na de subsidie"),
        "on the gap page"
    );
    // Available, with the resulting offering.
    let mut done = fields.to_vec();
    done.retain(|(k, _)| *k != "status" && *k != "aanbod");
    done.push(("status", "beschikbaar"));
    done.push(("aanbod", OFFERING));
    let (s, _, _) = b.post(&format!("/beheer/trajecten/{id}"), &done).await;
    assert_eq!(s, 303);
    let gap = app.text(&format!("/lacunes/{topic}")).await;
    assert!(
        gap.contains(&format!("href=\"/aanbod/{OFFERING}\"")),
        "result linked, cache refreshed"
    );
    assert!(gap.contains("Beschikbaar"));
    let log = app
        .store()
        .audit_log(Some(("ontwikkeltraject", &id)), 10, 0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    // The creation is logged with the track's real id.
    let created = log[1].after.as_deref().unwrap();
    assert!(created.contains(&format!("\"id\":{id}")), "{created}");
    // The log page reads as sentences, with what changed as a small table and the JSON folded.
    let (s, _, page) = b.get("/beheer/logboek").await;
    assert_eq!(s, 200);
    let who = page
        .split("<strong>")
        .filter_map(|x| x.split("</strong>").next())
        .find(|x| x.contains(&format!("heeft het ontwikkeltraject {id} bewerkt.")))
        .unwrap_or_else(|| panic!("{page}"))
        .to_string();
    assert!(who.ends_with(&format!("heeft het ontwikkeltraject {id} bewerkt.")));
    assert!(page.contains(&format!("heeft het ontwikkeltraject {id} aangemaakt.")));
    assert!(
        page.contains(
            "<tr><th scope=\"row\">status</th><td>in-ontwikkeling</td><td>beschikbaar</td></tr>"
        ),
        "{page}"
    );
    assert!(page.contains("<summary>Ruwe gegevens (JSON)</summary>"));
    assert!(log[0]
        .before
        .as_deref()
        .unwrap()
        .contains("in-ontwikkeling"));
    assert!(log[0].after.as_deref().unwrap().contains("beschikbaar"));
}

/// "Aanbod dat eruit kwam" is chosen from the catalogue: a GET search by title lists matching
/// offerings as checkboxes beside the ones already chosen; Ontwikkeltrajecten is in the menu.
#[tokio::test]
async fn the_offerings_of_a_track_are_chosen_from_the_catalogue() {
    let app = spawn_app().await;
    let mut b = logged_in(&app, Role::Coordinator).await;
    let fields = [
        ("titel", "Leerlijn samen wonen"),
        ("doel", "Buren leren samen leven."),
        ("themas", "gemengde-wijken"),
        ("trekker", "Platform Wijkaanpak"),
        ("status", "beschikbaar"),
        ("aanbod", OFFERING),
    ];
    let (s, loc, body) = b.post_form("/beheer/trajecten/nieuw", &fields).await;
    assert_eq!(s, 303, "{body}");
    let path = loc.split('?').next().unwrap().to_string();
    let (s, _, page) = b.get(&path).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("<a href=\"/beheer/trajecten\""),
        "in the menu"
    );
    assert!(page.contains(">Ontwikkeltrajecten</a>"));
    // The chosen offering is a ticked checkbox with its title; no free text field for ids.
    assert!(
        page.contains(&format!("name=\"aanbod\" value=\"{OFFERING}\" checked")),
        "{page}"
    );
    assert!(page.contains("Leernetwerk Wijkaanpak die blijft"));
    assert!(!page.contains("type=\"text\" id=\"aanbod\""));
    // The search (a GET form of its own) lists matches by title.
    assert!(
        page.contains("<form id=\"aanbod-zoeken\" method=\"get\""),
        "{page}"
    );
    let (s, _, found) = b.get(&format!("{path}?zoek=buurtbudget")).await;
    assert_eq!(s, 200);
    assert!(
        found.contains("name=\"aanbod\" value=\"training-buurtbudget-samen-verdelen\">"),
        "{found}"
    );
    assert!(found.contains(&format!("name=\"aanbod\" value=\"{OFFERING}\" checked")));
    let (_, _, none) = b.get(&format!("{path}?zoek=zzzzqqq")).await;
    assert!(
        none.contains("Geen aanbod gevonden met ‘zzzzqqq’ in de titel."),
        "{none}"
    );
    // Ticking a found offering and saving keeps both.
    let mut two = fields.to_vec();
    two.push(("aanbod", "training-buurtbudget-samen-verdelen"));
    let (s, _, body) = b.post_form(&path, &two).await;
    assert_eq!(s, 303, "{body}");
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let track = app.store().track(id).await.unwrap().unwrap();
    assert_eq!(
        track.aanbod,
        vec![
            OFFERING.to_string(),
            "training-buurtbudget-samen-verdelen".to_string()
        ]
    );
}
