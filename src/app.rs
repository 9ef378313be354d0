//! The application: configuration, start-up (store, demo data, catalogue, background refresh)
//! and the HTTP server. Tests build it on port 0 with a fresh database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::catalog::Catalog;
use crate::domain::matching::Thesaurus;
use crate::domain::taxonomy::Taxonomy;
use crate::http::cache::PageCache;
use crate::http::forms::{FormGuard, RateLimiter};
use crate::http::{self, AppState};
use crate::store::Store;
use crate::transfer::{self, Format};

/// How the application runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// SQLite database file.
    pub db: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Do not load demo data into an empty database.
    pub empty: bool,
    /// Public base URL (`https://wijkwijzer.example`); defaults to `http://ADDR`.
    pub base_url: Option<String>,
    /// A thesaurus file that replaces the built-in one.
    pub thesaurus: Option<PathBuf>,
    /// Minimum time between showing and sending a public form.
    pub min_fill: Duration,
    /// Public form submissions allowed per IP address per window.
    pub form_rate: (usize, Duration),
    /// Cache rendered public pages per catalogue version.
    pub page_cache: bool,
}

impl Config {
    /// Defaults for `db` and `addr`.
    pub fn new(db: PathBuf, addr: SocketAddr) -> Config {
        Config {
            db,
            addr,
            empty: false,
            base_url: None,
            thesaurus: None,
            min_fill: Duration::from_secs(2),
            form_rate: (5, Duration::from_secs(600)),
            page_cache: true,
        }
    }
}

/// The search index directory that belongs to a database file.
pub fn index_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".index");
    db.with_file_name(name)
}

/// Loads the built-in demo taxonomy, offerings and learning questions into an empty store.
pub async fn load_demo(store: &Store) -> anyhow::Result<()> {
    let taxonomy = Taxonomy::builtin();
    let offerings = transfer::parse_offerings(
        include_str!("../data/demo/aanbod.jsonl"),
        Format::Jsonl,
        &taxonomy,
    )
    .map_err(|p| {
        anyhow::anyhow!(
            "demo-aanbod ongeldig: {}",
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    let questions = transfer::parse_questions(
        include_str!("../data/demo/leervragen.jsonl"),
        Format::Jsonl,
        &taxonomy,
    )
    .map_err(|p| {
        anyhow::anyhow!(
            "demo-leervragen ongeldig: {}",
            p.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    })?;
    store.save_taxonomy(&taxonomy).await?;
    store.upsert_offerings(&offerings).await?;
    store.upsert_questions(&questions).await?;
    Ok(())
}

/// A built, bound application ready to run.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Opens the store (loading demo data into an empty one unless `config.empty`), opens the
    /// catalogue and binds the address.
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        let store = Store::open(&config.db).await?;
        if !config.empty && store.count_offerings().await? == 0 {
            tracing::info!("lege database: demodata laden");
            load_demo(&store).await?;
        }
        let thesaurus = match &config.thesaurus {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    anyhow::anyhow!("kan thesaurus {} niet lezen: {e}", path.display())
                })?;
                Thesaurus::parse(&text)
                    .map_err(|e| anyhow::anyhow!("thesaurus {}: {e}", path.display()))?
            }
            None => Thesaurus::builtin(),
        };
        let secret = store.form_secret().await?;
        let catalog = Catalog::open(store, Some(&index_dir(&config.db)), thesaurus).await?;
        let listener = TcpListener::bind(config.addr).await?;
        let base_url = match &config.base_url {
            Some(b) => b.trim_end_matches('/').to_string(),
            None => format!("http://{}", listener.local_addr()?),
        };
        Ok(Application {
            listener,
            state: AppState {
                catalog: Arc::new(catalog),
                base_url: base_url.into(),
                forms: Arc::new(FormGuard::new(secret, config.min_fill)),
                form_limiter: Arc::new(RateLimiter::new(config.form_rate.0, config.form_rate.1)),
                cache: Arc::new(if config.page_cache {
                    PageCache::default()
                } else {
                    PageCache::disabled()
                }),
            },
        })
    }

    /// The bound address.
    pub fn addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state (tests use it to reach the catalogue).
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until the process ends; keeps the catalogue in step with the database.
    pub async fn run(self) -> anyhow::Result<()> {
        let catalog = Arc::clone(&self.state.catalog);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            loop {
                tick.tick().await;
                if let Err(e) = catalog.refresh_if_changed().await {
                    tracing::warn!(error = %e, "catalogus verversen mislukt");
                }
                match Arc::clone(&catalog).match_pending(2_000).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(vragen = n, "leervragen gekoppeld voor de lacune-analyse")
                    }
                    Err(e) => tracing::warn!(error = %e, "leervragen koppelen mislukt"),
                }
            }
        });
        let app = http::router(self.state);
        axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await?;
        Ok(())
    }
}
