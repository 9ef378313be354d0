//! A browser for the back office and Mijn WijkWijzer (its own cookie jar, the CSRF token of the
//! last page), staff accounts and logging in.

use wijkwijzer::security::Role;

use super::TestApp;

/// A browser: keeps its own cookies (also `Secure` ones over plain http), follows no redirects,
/// and reads the CSRF token of the last page.
#[allow(dead_code)]
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub cookies: std::collections::BTreeMap<String, String>,
    pub csrf: String,
    pub last_set_cookie: Vec<String>,
}

#[allow(dead_code)]
impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            base: format!("http://{}", app.addr),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Default::default(),
            csrf: String::new(),
            last_set_cookie: Vec::new(),
        }
    }

    /// The `Cookie` header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A POST to `path` with this browser's cookies, for a test that sets headers or the body
    /// itself (and reads the response whole).
    pub fn post_request(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
    }

    fn absorb(&mut self, res: &reqwest::Response) {
        self.last_set_cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        for c in &self.last_set_cookie {
            let pair = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                let expired = c.contains("Max-Age=0") || v.is_empty();
                if expired {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
    }

    fn read_csrf(&mut self, html: &str) {
        if let Some(t) = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
        {
            self.csrf = t.to_string();
        }
    }

    /// Sends `req`, keeps its cookies and the page's CSRF token: `(status, Location, body)`.
    async fn send(&mut self, req: reqwest::RequestBuilder) -> (u16, String, String) {
        let res = req.send().await.expect("request");
        self.absorb(&res);
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = res.text().await.unwrap_or_default();
        self.read_csrf(&body);
        (status, location, body)
    }

    /// GET: `(status, Location, body)`.
    pub async fn get(&mut self, path: &str) -> (u16, String, String) {
        let req = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header());
        self.send(req).await
    }

    /// POST a form (the CSRF token is added unless the fields hold one): `(status, Location, body)`.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            form.push(("csrf", &csrf));
        }
        let req = self.post_request(path).form(&form);
        self.send(req).await
    }

    /// Fills in the form on `path` like a person: opens the page, then posts `fields` to `path`
    /// with the page's CSRF token, and its signed form token if it has one: `(status, Location,
    /// body)`.
    pub async fn post_form(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String, String) {
        let (_, _, page) = self.get(path).await;
        let token = super::forms::form_token_in(&page);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if let Some(token) = &token {
            if !fields.iter().any(|(k, _)| *k == "token") {
                form.push(("token", token));
            }
        }
        self.post(path, &form).await
    }

    /// Sends the form of `page` (a page this browser opened) to `path` like a person: with the
    /// page's signed form token and the honeypot left empty: `(status, Location, body)`.
    pub async fn submit(
        &mut self,
        page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String, String) {
        let token = super::forms::token_in(page);
        let mut form = vec![("token", token.as_str()), ("website", "")];
        form.extend_from_slice(fields);
        self.post(path, &form).await
    }

    /// Logs in with e-mail and password: the final status and Location.
    pub async fn login(&mut self, email: &str, password: &str) -> (u16, String) {
        let (s, loc, _) = self
            .post_form(
                "/beheer/inloggen",
                &[
                    ("email", email),
                    ("wachtwoord", password),
                    ("terug", "/beheer"),
                ],
            )
            .await;
        if s == 303 && loc == "/beheer" {
            self.get("/beheer").await;
        }
        (s, loc)
    }

    /// Enters the current code of `secret` at the second login step: `(status, Location, body)`.
    pub async fn enter_code(&mut self, secret: &str) -> (u16, String, String) {
        self.post_code(&totp_now(secret)).await
    }

    /// Enters `code` at the second login step: `(status, Location, body)`.
    pub async fn post_code(&mut self, code: &str) -> (u16, String, String) {
        self.post(
            "/beheer/inloggen/code",
            &[("code", code), ("terug", "/beheer")],
        )
        .await
    }
}

/// Password used for test accounts.
#[allow(dead_code)]
pub const PASSWORD: &str = "correct paard batterij niet";

/// Creates an account with [`PASSWORD`]; a beheerder also gets a TOTP secret, returned.
#[allow(dead_code)]
pub async fn account(app: &TestApp, email: &str, role: Role) -> Option<String> {
    let hash = wijkwijzer::security::hash_password(PASSWORD).expect("hash");
    let store = app.store();
    let id = store
        .create_user(email, role, Some(&hash), "test")
        .await
        .expect("user");
    if role.needs_totp() {
        let secret = wijkwijzer::security::new_totp_secret().expect("secret");
        store.set_totp(id, &secret, 0).await.expect("totp");
        Some(secret)
    } else {
        None
    }
}

/// The current TOTP code of `secret`.
#[allow(dead_code)]
pub fn totp_now(secret: &str) -> String {
    let now = chrono::Utc::now().timestamp() as u64;
    format!(
        "{:06}",
        wijkwijzer::security::totp_code(secret, wijkwijzer::security::totp_step(now))
            .expect("code")
    )
}

/// A browser logged in as a new account with `role`.
#[allow(dead_code)]
pub async fn logged_in(app: &TestApp, role: Role) -> Browser {
    let email = format!("{}@wijkwijzer.example", role.slug());
    let secret = account(app, &email, role).await;
    let mut b = Browser::new(app);
    let (s, loc) = b.login(&email, PASSWORD).await;
    if let Some(secret) = secret {
        assert_eq!(s, 303);
        assert!(loc.starts_with("/beheer/inloggen/code"), "{loc}");
        b.get(&loc).await;
        let (s, loc, body) = b.enter_code(&secret).await;
        assert_eq!((s, loc.as_str()), (303, "/beheer"), "{body}");
        b.get("/beheer").await;
    } else {
        assert_eq!((s, loc.as_str()), (303, "/beheer"));
    }
    b
}
