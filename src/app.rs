//! The application: start-up (store, demo data, catalogue, background refresh)
//! and the HTTP server. Tests build it on port 0 with a fresh database.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::domain::clock::Clock;
use crate::domain::matching::Thesaurus;
use crate::domain::taxonomy::Taxonomy;
use crate::http::beheer::{is_plain_localhost, SessionSettings};
use crate::http::cache::PageCache;
use crate::http::forms::FormGuard;
use crate::http::session_store::Sessions;
use crate::http::{self, AppState};
use crate::mail::Mailer;
use crate::security::RateLimiter;
use crate::store::{Backend, Store};
use crate::transfer::{self, Format};

pub use crate::store::beside_db;

/// The search index folder that belongs to a SQLite database file; `None` for PostgreSQL, where
/// each running instance keeps its own index (see [`Config::index`]).
pub fn index_dir(db: &Path) -> Option<PathBuf> {
    (!Backend::parse(db).is_postgres()).then(|| beside_db(db, ".index"))
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
    mailer: Mailer,
    digest_interval: Duration,
    participant_months: u32,
}

impl Application {
    /// Opens the store (loading demo data into an empty one unless `config.empty`), opens the
    /// catalogue and binds the address.
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        // Settings first: a mistake is reported before anything is written.
        let listener = TcpListener::bind(config.addr).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::AddrInUse {
                anyhow::anyhow!(
                    "adres {} is al in gebruik (draait WijkWijzer daar al?); kies een ander met --addr of WIJKWIJZER_ADDR",
                    config.addr
                )
            } else {
                anyhow::anyhow!("kan niet luisteren op {}: {e}", config.addr)
            }
        })?;
        if let Some(b) = &config.base_url {
            check_base_url(b)?;
        }
        config.mail.check_sender()?;
        // Tables made on first use (above all the Dutch word list for near spellings, a few
        // hundred milliseconds) are made now, beside the catalogue load, not in the first
        // visitors' requests.
        std::thread::spawn(|| {
            crate::search::dictionary::Dictionary::builtin();
            crate::domain::region::Regions::builtin();
            crate::domain::analysis::is_stop_word("de");
        });
        let sqlite = !Backend::parse(&config.db).is_postgres();
        crate::search::check_location(&config.index_dir(), sqlite.then_some(config.db.as_path()))?;
        let store = Store::open(&config.db)
            .await?
            .with_clock(config.clock.clone());
        let mailer = Mailer::new(config.mail.clone())?;
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
        let catalog = Catalog::open(store, Some(&config.index_dir()), thesaurus).await?;
        let session_store = Sessions::open(catalog.store().backend()).await?;
        let base_url = match &config.base_url {
            Some(b) => b.trim_end_matches('/').to_string(),
            None => format!("http://{}", listener.local_addr()?),
        };
        let secure = !is_plain_localhost(&base_url);
        Ok(Application {
            listener,
            mailer,
            digest_interval: config.digest_interval,
            participant_months: config.participant_months,
            state: AppState {
                mijn: Arc::new(crate::http::mijn::MijnState::new(
                    config.mijn_rate.0,
                    config.mijn_rate.1,
                    secret.clone(),
                    &config.clock,
                )),
                session_store,
                sessions: SessionSettings {
                    secure,
                    idle: config.session_idle,
                    absolute: config.session_absolute,
                },
                login_ip: Arc::new(RateLimiter::new(
                    config.login_rate.0 * 4,
                    config.login_rate.1,
                    config.clock.clone(),
                )),
                staff_mail: Arc::new(RateLimiter::new(
                    config.form_rate.0,
                    config.form_rate.1,
                    config.clock.clone(),
                )),
                login_limit: config.login_rate,
                retention_months: config.retention_months,
                trust_proxy: config.trust_proxy,
                mail_folder: match &config.mail.transport {
                    crate::mail::MailTransport::Folder(dir) => {
                        Some(dir.display().to_string().into())
                    }
                    _ => None,
                },
                catalog: Arc::new(catalog),
                base_url: base_url.into(),
                forms: Arc::new(
                    FormGuard::new(secret, config.min_fill, config.clock.clone()).with_origin(
                        config
                            .base_url
                            .as_deref()
                            .and_then(crate::http::forms::origin_of),
                    ),
                ),
                form_limiter: Arc::new(RateLimiter::new(
                    config.form_rate.0,
                    config.form_rate.1,
                    config.clock.clone(),
                )),
                match_limit: Arc::new(crate::http::api::MatchLimit {
                    limiter: RateLimiter::new(
                        config.match_rate.0,
                        config.match_rate.1,
                        config.clock.clone(),
                    ),
                    window: config.match_rate.1,
                }),
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
        let stop = stop_signal();
        let addr = self.addr()?;
        tracing::info!(addr = %addr, "WijkWijzer draait");
        // For a person at a terminal; a log collector gets the JSON line above only.
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            eprintln!("WijkWijzer draait op http://{addr}");
        }
        // Changes made elsewhere (another instance, an import) are looked for on their own
        // beat, so that matching work below never delays them.
        let watched = Arc::clone(&self.state.catalog);
        let mut background = Vec::new();
        background.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(crate::catalog::REFRESH_INTERVAL);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = watched.refresh_if_changed().await {
                    tracing::warn!(error = %e, "catalogus verversen mislukt");
                }
            }
        }));
        let catalog = Arc::clone(&self.state.catalog);
        background.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(2));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                match Arc::clone(&catalog).match_pending(2_000).await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::info!(vragen = n, "leervragen gekoppeld voor de lacune-analyse")
                    }
                    Err(e) => tracing::warn!(error = %e, "leervragen koppelen mislukt"),
                }
                // Rebuild the matcher after a change here rather than in a visitor's request.
                let warm = Arc::clone(&catalog);
                let today = catalog.clock().today();
                let rebuilt = tokio::task::spawn_blocking(move || {
                    warm.matcher(today);
                    // Learn from new coordinators' judgements here, never in a request.
                    warm.learn(today);
                })
                .await;
                if let Err(e) = rebuilt {
                    tracing::warn!(error = %e, "koppeling voorbereiden mislukt");
                }
            }
        }));
        background.push(tokio::spawn(
            self.mailer.run(self.state.catalog.store().clone()),
        ));
        background.push(tokio::spawn(
            Housekeeping::new(&self.state, self.participant_months).run(),
        ));
        background.push(tokio::spawn(crate::digest::run(
            Arc::clone(&self.state.catalog),
            self.state.base_url.to_string(),
            self.state.mijn.secret.clone(),
            self.digest_interval,
        )));
        let store = self.state.catalog.store().clone();
        let sessions = self.state.session_store.clone();
        let app = http::router(self.state);
        axum::serve(
            http::conn::Listener(self.listener).tap_io(|_| ()),
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await?;
        tracing::info!("WijkWijzer stopt: lopende verzoeken zijn afgehandeld");
        // Background work stops first (an unfinished transaction rolls back), so that nothing
        // touches the database after its write-ahead log is written into the file.
        for task in &background {
            task.abort();
        }
        for task in background {
            let _ = task.await;
        }
        sessions.close().await;
        store.close().await;
        Ok(())
    }
}

/// Checks the public address of the site (`--base-url`): `http(s)://host[:port][/path]`.
fn check_base_url(url: &str) -> anyhow::Result<()> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or(""));
    let ok = host.is_some_and(|h| {
        !h.is_empty()
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    }) && !url.contains(['?', '#', ' ']);
    if ok {
        Ok(())
    } else {
        Err(anyhow::anyhow!(
            "'{url}' is geen geldig adres voor de site (--base-url of WIJKWIJZER_BASE_URL); geef bijvoorbeeld https://wijkwijzer.voorbeeld.nl"
        ))
    }
}

/// A future that resolves on SIGTERM (a service manager stopping the platform) or Ctrl-C. The
/// handlers are installed when this is called, so a signal that comes before the first poll is
/// not lost (nor does it kill the process).
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term) => {},
                () = wait(int) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// The hourly housekeeping: erases personal data past its retention period, unused Mijn
/// WijkWijzer accounts, expired sessions and old login attempts, at the clock's moment.
pub struct Housekeeping {
    store: Store,
    sessions: Sessions,
    retention_months: u32,
    participant_months: u32,
    base_url: String,
    clock: Clock,
}

impl Housekeeping {
    /// The housekeeping of the application with `state`; unused participant accounts are warned
    /// after `participant_months`.
    pub fn new(state: &AppState, participant_months: u32) -> Housekeeping {
        Housekeeping {
            store: state.catalog.store().clone(),
            sessions: state.session_store.clone(),
            retention_months: state.retention_months,
            participant_months,
            base_url: state.base_url.to_string(),
            clock: state.clock().clone(),
        }
    }

    /// One round, now (failures are logged; the next round tries again).
    pub async fn run_once(&self) {
        use tower_sessions::session_store::ExpiredDeletion;
        let store = &self.store;
        match erase_expired(store, self.retention_months, self.clock.now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(records = n, "persoonsgegevens gewist na bewaartermijn"),
            Err(e) => tracing::warn!(error = %e, "bewaartermijn toepassen mislukt"),
        }
        crate::digest::retain_participants(
            store,
            &self.base_url,
            self.participant_months,
            self.clock.now(),
        )
        .await;
        if let Err(e) = self.sessions.delete_expired().await {
            tracing::warn!(error = %e, "verlopen sessies opruimen mislukt");
        }
        let day_ago = self.clock.now().timestamp_millis() - 24 * 3600 * 1000;
        if let Err(e) = store.purge_login_attempts(day_ago).await {
            tracing::warn!(error = %e, "oude inlogpogingen opruimen mislukt");
        }
    }

    /// Every hour, the first round a minute after start (not during it).
    async fn run(self) {
        let hour = Duration::from_secs(3600);
        let mut tick =
            tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(60), hour);
        loop {
            tick.tick().await;
            self.run_once().await;
        }
    }
}

/// The retention job: erases e-mail addresses and names of everything closed more than
/// `months` before `now`; returns the number of records changed.
pub async fn erase_expired(
    store: &Store,
    months: u32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, crate::store::StoreError> {
    // A period too long to count back (see `cli::RETENTION_MONTHS`) erases nothing, never all.
    let cutoff = now
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    store.erase_expired(&cutoff).await
}
