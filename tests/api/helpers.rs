//! Test helpers: an application on port 0 with its own database: a SQLite file in a temporary
//! folder, or a fresh PostgreSQL database when `WIJKWIJZER_TEST_POSTGRES` names a server
//! (`postgres://user@host:port[?options]`, see `scripts/test-postgres.sh`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use wijkwijzer::app::Application;
use wijkwijzer::config::Config;
use wijkwijzer::http::AppState;
use wijkwijzer::mail::{MailTransport, MemorySink};

/// A running test application.
#[allow(dead_code)]
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
    /// The database: a SQLite file or a PostgreSQL URL (what `--db` takes).
    pub db: PathBuf,
    /// Mails sent (when the test did not configure another transport).
    pub mail: MemorySink,
}

#[allow(dead_code)]
impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "GET {path}");
        res.json().await.expect("json")
    }

    pub fn db(&self) -> PathBuf {
        self.db.clone()
    }
}

/// Starts the application with the demo data.
pub async fn spawn_app() -> TestApp {
    spawn_with(false, |_| {}).await
}

/// The PostgreSQL server the tests run against, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var("WIJKWIJZER_TEST_POSTGRES")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().to_string())
}

/// The URL of database `name` on the test server `server` (which may carry `?options`).
pub fn postgres_database(server: &str, name: &str) -> String {
    let (base, options) = match server.split_once('?') {
        Some((b, o)) => (b, format!("?{o}")),
        None => (server, String::new()),
    };
    format!("{}/{name}{options}", base.trim_end_matches('/'))
}

/// A database of its own for one test: a new PostgreSQL database on the test server, or else a
/// SQLite file in `dir`.
pub async fn test_db(dir: &Path) -> PathBuf {
    use sqlx::{Connection, Executor};
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let Some(server) = postgres_server() else {
        return dir.join("test.db");
    };
    let name = format!(
        "wt_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    let mut admin = sqlx::PgConnection::connect(&postgres_database(&server, "postgres"))
        .await
        .expect("postgres server");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create database");
    PathBuf::from(postgres_database(&server, &name))
}

/// Starts the application; `prepare` may load data into the database (`--db` value) before start.
pub async fn spawn_with(empty: bool, prepare: impl FnOnce(&Path)) -> TestApp {
    spawn_configured(empty, prepare, |_| {}).await
}

/// Starts the application with a configuration tweak.
pub async fn spawn_configured(
    empty: bool,
    prepare: impl FnOnce(&Path),
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = test_db(dir.path()).await;
    prepare(&db);
    start(dir, db, empty, tweak).await
}

/// Starts another instance on the database of `other`, with its own index folder (as a second
/// server of one platform would run).
pub async fn spawn_beside(other: &TestApp) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    start(dir, other.db.clone(), true, |_| {}).await
}

async fn start(
    dir: tempfile::TempDir,
    db: PathBuf,
    empty: bool,
    tweak: impl FnOnce(&mut Config),
) -> TestApp {
    let mut config = Config::new(db.clone(), "127.0.0.1:0".parse().expect("addr"));
    config.index = Some(dir.path().join("test.index"));
    config.empty = empty;
    config.min_fill = std::time::Duration::ZERO;
    config.form_rate = (1000, std::time::Duration::from_secs(60));
    let mail = MemorySink::default();
    config.mail.transport = MailTransport::Memory(mail.clone());
    config.mail.interval = std::time::Duration::from_millis(50);
    config.mail.backoff = std::time::Duration::from_millis(100);
    tweak(&mut config);
    let app = Application::build(&config).await.expect("build");
    let addr = app.addr().expect("addr");
    let state = app.state();
    tokio::spawn(app.run());
    TestApp {
        addr,
        state,
        client: reqwest::Client::new(),
        dir,
        db,
        mail,
    }
}

/// The shared sample data folder, or `None` (with a visible message) when it is absent.
pub fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if p.join("catalog.jsonl").exists() {
        Some(p)
    } else {
        eprintln!("OVERGESLAGEN: ../shared/data ontbreekt; deze test heeft de voorbeelddata nodig");
        None
    }
}

/// Runs the `wijkwijzer` binary with `args` against `db`.
pub fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_wijkwijzer"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("WIJKWIJZER_LOG", "warn")
        .output()
        .expect("run wijkwijzer")
}

/// The fixtures folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A browser for the back office: keeps its own cookies (also `Secure` ones over plain http),
/// follows no redirects, and reads the CSRF token of the last page.
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

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
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

    /// GET: `(status, Location, body)`.
    pub async fn get(&mut self, path: &str) -> (u16, String, String) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("get");
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

    /// POST a form (the CSRF token is added unless the fields hold one): `(status, Location, body)`.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            form.push(("csrf".into(), self.csrf.clone()));
        }
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(&form)
            .send()
            .await
            .expect("post");
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

    /// Logs in with e-mail and password: the final status and Location.
    pub async fn login(&mut self, email: &str, password: &str) -> (u16, String) {
        self.get("/beheer/inloggen").await;
        let (s, loc, _) = self
            .post(
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
}

/// Password used for test accounts.
#[allow(dead_code)]
pub const PASSWORD: &str = "correct paard batterij niet";

/// Creates an account with [`PASSWORD`]; a beheerder also gets a TOTP secret, returned.
#[allow(dead_code)]
pub async fn account(
    app: &TestApp,
    email: &str,
    role: wijkwijzer::security::Role,
) -> Option<String> {
    let hash = wijkwijzer::security::hash_password(PASSWORD).expect("hash");
    let store = app.state.catalog.store();
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
pub async fn logged_in(app: &TestApp, role: wijkwijzer::security::Role) -> Browser {
    let email = format!("{}@wijkwijzer.example", role.slug());
    let secret = account(app, &email, role).await;
    let mut b = Browser::new(app);
    let (s, loc) = b.login(&email, PASSWORD).await;
    if let Some(secret) = secret {
        assert_eq!(s, 303);
        assert!(loc.starts_with("/beheer/inloggen/code"), "{loc}");
        b.get(&loc).await;
        let (s, loc, body) = b
            .post(
                "/beheer/inloggen/code",
                &[("code", &totp_now(&secret)), ("terug", "/beheer")],
            )
            .await;
        assert_eq!((s, loc.as_str()), (303, "/beheer"), "{body}");
        b.get("/beheer").await;
    } else {
        assert_eq!((s, loc.as_str()), (303, "/beheer"));
    }
    b
}

/// The signed form token (`name="token"`) in a public form page.
#[allow(dead_code)]
pub fn token_in(html: &str) -> String {
    html.split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("form token in page")
        .to_string()
}

/// Asks `vraag` as a resident on "Stel je leervraag" and returns the stored question (the newest
/// one asked on the site).
pub async fn ask_on_site(app: &TestApp, vraag: &str) -> wijkwijzer::store::InboxItem {
    let token = token_in(&app.get("/leervraag").await.text().await.unwrap());
    let res = app
        .client
        .post(app.url("/leervraag"))
        .form(&[
            ("token", token.as_str()),
            ("vraag", vraag),
            ("doelgroep", "bewoners"),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    app.state
        .catalog
        .store()
        .inbox(
            &wijkwijzer::store::InboxFilter {
                bron: Some("site".into()),
                ..Default::default()
            },
            1,
        )
        .await
        .unwrap()
        .remove(0)
}

/// A JSON Lines file in `dir` with `n` offerings made from the first demo offering, each changed
/// by `edit(i, offering)` (which must give it its own id).
#[allow(dead_code)]
pub fn demo_offerings(
    dir: &Path,
    n: usize,
    edit: impl Fn(usize, &mut serde_json::Value),
) -> PathBuf {
    let demo = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo/aanbod.jsonl"),
    )
    .expect("demo offerings");
    let first: serde_json::Value =
        serde_json::from_str(demo.lines().next().expect("a line")).expect("json");
    let mut out = String::new();
    for i in 0..n {
        let mut o = first.clone();
        edit(i, &mut o);
        out.push_str(&o.to_string());
        out.push('\n');
    }
    let path = dir.join("aanbod.jsonl");
    std::fs::write(&path, out).expect("write");
    path
}

/// Submits an offering titled `titel` on the public form: `(status, body)`.
pub async fn submit_offering(app: &TestApp, titel: &str) -> (u16, String) {
    let html = app.get("/aanbod/aanmelden").await.text().await.unwrap();
    let token = token_in(&html);
    let res = app
        .client
        .post(app.url("/aanbod/aanmelden"))
        .form(&[
            ("token", token.as_str()),
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
        ])
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// The mails sent, once there are `n` of them (or after five seconds, what there is).
pub async fn wait_for_mail(app: &TestApp, n: usize) -> Vec<wijkwijzer::store::OutgoingMail> {
    for _ in 0..100 {
        let sent = app.mail.sent();
        if sent.len() >= n {
            return sent;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.mail.sent()
}
