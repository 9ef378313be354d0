//! The public forms as a visitor fills them in: the signed form token, posting, and the questions
//! and offerings most tests start from.

use super::TestApp;

/// The signed form token (`name="token"`) in a public form page, if it has one.
pub fn form_token_in(html: &str) -> Option<String> {
    html.split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(str::to_string)
}

/// The signed form token (`name="token"`) in a public form page.
#[allow(dead_code)]
pub fn token_in(html: &str) -> String {
    form_token_in(html).expect("form token in page")
}

#[allow(dead_code)]
impl TestApp {
    /// The signed token of the public form on `page`.
    pub async fn form_token(&self, page: &str) -> String {
        token_in(&self.get(page).await.text().await.expect("page"))
    }

    /// Posts `fields` to `path` as they are: `(status, body)`.
    pub async fn send_form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        self.send_form_with(path, fields, &[]).await
    }

    /// Posts `fields` to `path` as they are, with extra request `headers`: `(status, body)`.
    pub async fn send_form_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut req = self.client.post(self.url(path)).form(fields);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let res = req.send().await.expect("post");
        (res.status().as_u16(), res.text().await.expect("body"))
    }

    /// Fills in the public form on `path` like a visitor: opens the page, adds its signed token
    /// to `fields` and posts them to `path`: `(status, body)`.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        self.post_form_with(path, fields, &[]).await
    }

    /// [`TestApp::post_form`] with extra request `headers` (another origin, a proxy's
    /// `X-Forwarded-For`).
    pub async fn post_form_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let token = self.form_token(path).await;
        let mut form = vec![("token", token.as_str())];
        form.extend_from_slice(fields);
        self.send_form_with(path, &form, headers).await
    }
}

/// Asks `vraag` as a resident on "Stel je leervraag" and returns the stored question.
pub async fn ask_on_site(app: &TestApp, vraag: &str) -> wijkwijzer::store::InboxItem {
    ask_on_site_with(
        app,
        &[("vraag", vraag), ("doelgroep", "bewoners"), ("website", "")],
    )
    .await
}

/// Fills in "Stel je leervraag" with `fields` and returns the stored question (the one that was
/// not there before).
pub async fn ask_on_site_with(
    app: &TestApp,
    fields: &[(&str, &str)],
) -> wijkwijzer::store::InboxItem {
    let site = || async {
        app.store()
            .inbox(
                &wijkwijzer::store::InboxFilter {
                    bron: Some("site".into()),
                    ..Default::default()
                },
                10_000,
            )
            .await
            .unwrap()
    };
    let before: Vec<String> = site().await.into_iter().map(|q| q.question.id).collect();
    let (s, body) = app.post_form("/leervraag", fields).await;
    assert_eq!(s, 200, "{body}");
    site()
        .await
        .into_iter()
        .find(|q| !before.contains(&q.question.id))
        .unwrap()
}

/// The offerings submitted on the public form that wait for moderation, oldest first.
#[allow(dead_code)]
pub async fn waiting_submissions(app: &TestApp) -> Vec<wijkwijzer::store::Submission> {
    app.store()
        .submissions(wijkwijzer::domain::status::SubmissionStatus::Ingediend)
        .await
        .unwrap()
}

/// Submits an offering titled `titel` on the public form: `(status, body)`.
#[allow(dead_code)]
pub async fn submit_offering(app: &TestApp, titel: &str) -> (u16, String) {
    app.post_form(
        "/aanbod/aanmelden",
        &[
            ("titel", titel),
            (
                "samenvatting",
                "Een praktijkdag over buurtbemiddeling bij burenruzies.",
            ),
            (
                "beschrijving",
                "Deelnemers oefenen met acteurs.\n\nMet een terugkomdag.",
            ),
            ("aanbieder", "Stichting Goede Buren"),
            ("partners", "Woonstichting Thuis\nPolitie Eenheid Oost"),
            ("vorm", "training"),
            ("themas", "vertrouwen-en-verbinding"),
            ("doelgroepen", "wijkprofessionals"),
            ("sectoren", "wonen"),
            ("sectoren", "veiligheid"),
            ("trefwoorden", "burenruzie, bemiddeling"),
            ("kosten", "gratis"),
            ("locatie", "fysiek"),
            ("regio", "Gelderland"),
            ("startdatum", ""),
            ("einddatum", ""),
            ("url", "https://goedeburen.example/praktijkdag"),
            ("contact_naam", "Sanne de Vries"),
            ("contact_email", "sanne@goedeburen.example"),
            ("website", ""),
        ],
    )
    .await
}
