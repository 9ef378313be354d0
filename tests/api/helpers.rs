//! Test helpers: an application on port 0 with its own database: a SQLite file in a temporary
//! folder, or a fresh PostgreSQL database when `WIJKWIJZER_TEST_POSTGRES` names a server
//! (`postgres://user@host:port[?options]`, see `scripts/test-postgres.sh`). Start one with
//! [`TestApp::builder`] (or [`spawn_app`] for the demo data and the defaults).

mod browser;
mod forms;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use wijkwijzer::app::Application;
use wijkwijzer::config::Config;
use wijkwijzer::domain::clock::Clock;
use wijkwijzer::http::AppState;
use wijkwijzer::mail::{MailTransport, MemorySink};
use wijkwijzer::security::Role;

pub use browser::*;
pub use forms::*;

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
    /// The TOTP secret of each account made by [`TestAppBuilder::user`] that needs one.
    pub totp: BTreeMap<String, String>,
}

#[allow(dead_code)]
impl TestApp {
    /// How a test application starts: options, then [`TestAppBuilder::spawn`].
    pub fn builder<'a>() -> TestAppBuilder<'a> {
        TestAppBuilder::default()
    }

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

    /// The body of `path` as text, whatever the status.
    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "GET {path}");
        res.json().await.expect("json")
    }

    pub fn db(&self) -> PathBuf {
        self.db.clone()
    }

    /// The application's store.
    pub fn store(&self) -> &wijkwijzer::store::Store {
        self.state.catalog.store()
    }

    /// Imports `records` as `what` (`aanbod` or `leervragen`) with `wijkwijzer import`, as an
    /// operator would, and refreshes the catalogue so that it has them.
    pub async fn import_records(&self, what: &str, records: &[serde_json::Value]) {
        let file = self.dir.path().join(format!("{what}.jsonl"));
        let lines: Vec<String> = records.iter().map(|r| r.to_string()).collect();
        std::fs::write(&file, lines.join("\n")).expect("write records");
        let out = cli(&self.db(), &["import", what, file.to_str().expect("path")]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.state
            .catalog
            .refresh_if_changed()
            .await
            .expect("refresh");
    }

    /// The mails to `to` among the 500 newest in the outbox, newest first.
    pub async fn outbox_to(&self, to: &str) -> Vec<wijkwijzer::store::OutboxRow> {
        self.store()
            .outbox(500)
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.mail.to == to)
            .collect()
    }

    /// The body of `path`, which must answer 200 with a `Content-Type` that starts with
    /// `content_type`.
    pub async fn fetch(&self, path: &str, content_type: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "GET {path}");
        let got = res.headers()["content-type"]
            .to_str()
            .expect("content type")
            .to_string();
        assert!(got.starts_with(content_type), "GET {path}: {got}");
        res.text().await.expect("body")
    }

    /// Lets the catalogue learn from the coordinators' judgements so far (as the housekeeping
    /// does), off the async threads.
    pub async fn learn_now(&self) {
        let catalog = self.state.catalog.clone();
        let today = self.state.clock().today();
        tokio::task::spawn_blocking(move || catalog.learn(today))
            .await
            .expect("learn");
    }

    /// The mails sent, once there are `n` of them (or after five seconds, what there is).
    pub async fn wait_for_mail(&self, n: usize) -> Vec<wijkwijzer::store::OutgoingMail> {
        for _ in 0..100 {
            let sent = self.mail.sent();
            if sent.len() >= n {
                return sent;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.mail.sent()
    }
}

/// A configuration change made before the start.
type Tweak<'a> = Box<dyn FnOnce(&mut Config) + 'a>;

/// The options of a test application; [`TestApp::builder`] makes one with the demo data, mail in
/// memory, no minimum fill time and a generous form limit.
#[derive(Default)]
#[must_use]
pub struct TestAppBuilder<'a> {
    empty: bool,
    db: Option<PathBuf>,
    imports: Vec<(String, PathBuf)>,
    users: Vec<(String, Role)>,
    tweaks: Vec<Tweak<'a>>,
}

#[allow(dead_code)]
impl<'a> TestAppBuilder<'a> {
    /// No demo data: the database holds only what [`import`](Self::import) loads.
    pub fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// Imports `file` as `what` (`taxonomie`, `aanbod`, `leervragen`) with the command line
    /// before the start.
    pub fn import(mut self, what: &str, file: impl Into<PathBuf>) -> Self {
        self.imports.push((what.to_string(), file.into()));
        self
    }

    /// An account with [`PASSWORD`]; a beheerder's TOTP secret is in [`TestApp::totp`].
    pub fn user(mut self, email: &str, role: Role) -> Self {
        self.users.push((email.to_string(), role));
        self
    }

    /// The clock the application reads (e.g. [`Clock::fixed`]).
    pub fn clock(self, clock: Clock) -> Self {
        self.config(move |c| c.clock = clock)
    }

    /// The public address, as behind a TLS proxy (`https://…` makes cookies `Secure`).
    pub fn base_url(self, url: &str) -> Self {
        let url = url.to_string();
        self.config(move |c| c.base_url = Some(url))
    }

    /// Behind a reverse proxy: the visitor's address comes from `X-Forwarded-For`.
    pub fn behind_proxy(self) -> Self {
        self.config(|c| c.trust_proxy = true)
    }

    /// Mail goes to `transport` instead of [`TestApp::mail`].
    pub fn mail(self, transport: MailTransport) -> Self {
        self.config(move |c| c.mail.transport = transport)
    }

    /// Any other setting.
    pub fn config(mut self, tweak: impl FnOnce(&mut Config) + 'a) -> Self {
        self.tweaks.push(Box::new(tweak));
        self
    }

    /// A second instance on the database of `other`, with its own index folder (as a second
    /// server of one platform would run).
    pub fn beside(self, other: &TestApp) -> Self {
        self.on_database(other.db.clone()).empty()
    }

    /// The database `db` (a SQLite file or a PostgreSQL URL) instead of a new one.
    pub fn on_database(mut self, db: PathBuf) -> Self {
        self.db = Some(db);
        self
    }

    /// Starts the application on port 0.
    pub async fn spawn(self) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = match self.db {
            Some(db) => db,
            None => test_db(dir.path()).await,
        };
        for (what, file) in &self.imports {
            let out = cli(&db, &["import", what, file.to_str().expect("path")]);
            assert!(
                out.status.success(),
                "import {what}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let mut config = Config::new(db.clone(), "127.0.0.1:0".parse().expect("addr"));
        config.index = Some(dir.path().join("test.index"));
        config.empty = self.empty;
        config.min_fill = std::time::Duration::ZERO;
        config.form_rate = (1000, std::time::Duration::from_secs(60));
        let mail = MemorySink::default();
        config.mail.transport = MailTransport::Memory(mail.clone());
        config.mail.interval = std::time::Duration::from_millis(50);
        config.mail.backoff = std::time::Duration::from_millis(100);
        for tweak in self.tweaks {
            tweak(&mut config);
        }
        let app = Application::build(&config).await.expect("build");
        let addr = app.addr().expect("addr");
        let state = app.state();
        tokio::spawn(app.run());
        let mut app = TestApp {
            addr,
            state,
            client: reqwest::Client::new(),
            dir,
            db,
            mail,
            totp: BTreeMap::new(),
        };
        for (email, role) in self.users {
            if let Some(secret) = account(&app, &email, role).await {
                app.totp.insert(email, secret);
            }
        }
        app
    }
}

/// Starts the application with the demo data and the defaults.
pub async fn spawn_app() -> TestApp {
    TestApp::builder().spawn().await
}

/// Starts another instance on the database of `other` (see [`TestAppBuilder::beside`]).
#[allow(dead_code)]
pub async fn spawn_beside(other: &TestApp) -> TestApp {
    TestApp::builder().beside(other).spawn().await
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

/// Runs the `wijkwijzer` binary with `args` against `db`, which must succeed (its errors shown
/// when not): what it wrote to standard output.
#[allow(dead_code)]
pub fn cli_ok(db: &Path, args: &[&str]) -> String {
    let out = cli(db, args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The fixtures folder.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
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

/// A mail to `to` with `text`, its HTML part one paragraph.
#[allow(dead_code)]
pub fn plain_mail(to: &str, subject: &str, text: &str) -> wijkwijzer::store::OutgoingMail {
    wijkwijzer::store::OutgoingMail {
        to: to.to_string(),
        subject: subject.to_string(),
        text: text.to_string(),
        html: format!("<p>{text}</p>"),
        invites_reply: false,
    }
}

/// Marks question `id` in `store` answered with `answer`, and `mail` in the outbox.
#[allow(dead_code)]
pub async fn answer_with_mail(
    store: &wijkwijzer::store::Store,
    id: &str,
    answer: Option<&str>,
    mail: &wijkwijzer::store::OutgoingMail,
) {
    store
        .update_question(
            id,
            wijkwijzer::domain::status::QuestionStatus::Beantwoord,
            answer,
            Some(mail),
            "test",
        )
        .await
        .expect("answer");
}

/// The ids of the offerings in a page of the catalogue API (`resultaten`), in order.
#[allow(dead_code)]
pub fn result_ids(page: &serde_json::Value) -> Vec<String> {
    page["resultaten"]
        .as_array()
        .expect("resultaten")
        .iter()
        .map(|o| o["id"].as_str().expect("id").to_string())
        .collect()
}

/// A moment in UTC from RFC 3339 text.
#[allow(dead_code)]
pub fn moment(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("RFC 3339 moment")
        .with_timezone(&chrono::Utc)
}

/// Starts the application with the demo data on a clock that stands still at `at` (RFC 3339)
/// until the test moves it with the returned handle (`set`, `advance`).
#[allow(dead_code)]
pub async fn spawn_at(at: &str) -> (TestApp, Clock) {
    let clock = Clock::fixed(moment(at));
    let app = TestApp::builder().clock(clock.clone()).spawn().await;
    (app, clock)
}
