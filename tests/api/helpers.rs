//! Test helpers: an application on port 0 with its own database in a temporary folder.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use wijkwijzer::app::{Application, Config};
use wijkwijzer::http::AppState;

/// A running test application.
#[allow(dead_code)]
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub client: reqwest::Client,
    pub dir: tempfile::TempDir,
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
        self.dir.path().join("test.db")
    }
}

/// Starts the application with the demo data.
pub async fn spawn_app() -> TestApp {
    spawn_with(false, |_| {}).await
}

/// Starts the application; `prepare` may write files into the data folder before start.
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
    prepare(dir.path());
    let mut config = Config::new(
        dir.path().join("test.db"),
        "127.0.0.1:0".parse().expect("addr"),
    );
    config.empty = empty;
    config.min_fill = std::time::Duration::ZERO;
    config.form_rate = (1000, std::time::Duration::from_secs(60));
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
