//! Settings: everything the application can be told at start, with its defaults. Secrets show
//! only redacted in `Debug` (the SMTP URL's password, see [`crate::mail::MailTransport`]).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::domain::clock::Clock;
use crate::mail::MailConfig;
use crate::store::beside_db;

/// How the application runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// SQLite database file, or a `postgres://` URL.
    pub db: PathBuf,
    /// The search index folder of this instance; by default next to the SQLite file, or
    /// `./wijkwijzer.index` with PostgreSQL. Instances on one machine need one each.
    pub index: Option<PathBuf>,
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
    /// E-mail delivery.
    pub mail: MailConfig,
    /// Months after closing before personal data (e-mail, name) is erased.
    pub retention_months: u32,
    /// Back-office logout after this long without a request.
    pub session_idle: Duration,
    /// Back-office logout this long after login.
    pub session_absolute: Duration,
    /// Failed logins allowed per account per window (per IP: four times as many).
    pub login_rate: (usize, Duration),
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For`.
    pub trust_proxy: bool,
    /// `POST /api/v1/matches` requests allowed per client (IPv4 address, IPv6 /64) per window.
    pub match_rate: (usize, Duration),
    /// Mijn WijkWijzer sign-in links allowed per e-mail address per window (per IP: four times as
    /// many).
    pub mijn_rate: (usize, Duration),
    /// How often the digest job looks for news to mail.
    pub digest_interval: Duration,
    /// Months without use after which a Mijn WijkWijzer account is warned and, a month later,
    /// deleted.
    pub participant_months: u32,
    /// Where the time comes from: the system clock, or a fixed moment in tests.
    pub clock: Clock,
}

impl Config {
    /// The search index folder of this instance.
    pub fn index_dir(&self) -> PathBuf {
        self.index
            .clone()
            .unwrap_or_else(|| beside_db(&self.db, ".index"))
    }

    /// Defaults for `db` and `addr`.
    pub fn new(db: PathBuf, addr: SocketAddr) -> Config {
        Config {
            mail: MailConfig::from_env(&db),
            db,
            index: None,
            addr,
            empty: false,
            base_url: None,
            thesaurus: None,
            min_fill: Duration::from_secs(2),
            form_rate: (20, Duration::from_secs(600)),
            page_cache: true,
            retention_months: 12,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            login_rate: (5, Duration::from_secs(15 * 60)),
            trust_proxy: false,
            match_rate: (30, Duration::from_secs(60)),
            mijn_rate: (3, Duration::from_secs(15 * 60)),
            digest_interval: Duration::from_secs(60),
            participant_months: 24,
            clock: Clock::system(),
        }
    }
}
