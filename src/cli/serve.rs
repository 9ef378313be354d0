//! `wijkwijzer serve`: the web server's options, turned into a [`Config`].

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::app::Application;
use crate::config::Config;

use super::args::{listen_addr, retention_months};

/// The options of `serve`; mail settings come from the environment only (see the help text).
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Adres om op te luisteren (IP-adres:poort, of localhost:poort).
    #[arg(long, env = "WIJKWIJZER_ADDR", default_value = "127.0.0.1:8080", value_parser = listen_addr)]
    addr: SocketAddr,
    /// Geen demodata laden in een lege database.
    #[arg(long)]
    empty: bool,
    /// Publieke basis-URL voor links in feeds en sitemap.
    #[arg(long, env = "WIJKWIJZER_BASE_URL")]
    base_url: Option<String>,
    /// Thesaurusbestand dat de ingebouwde thesaurus vervangt.
    #[arg(long, env = "WIJKWIJZER_THESAURUS")]
    thesaurus: Option<PathBuf>,
    /// Geen cache van pagina's (om de ongecachte snelheid te meten).
    #[arg(long)]
    no_page_cache: bool,
    /// Maanden na afhandeling waarna e-mailadressen en namen worden gewist (1 tot en met 120).
    #[arg(long, env = "WIJKWIJZER_RETENTION_MONTHS", default_value_t = 12, value_parser = retention_months)]
    retention_months: u32,
    /// Achter een reverse proxy: neem het adres van de bezoeker uit X-Forwarded-For.
    #[arg(long, env = "WIJKWIJZER_TRUST_PROXY")]
    trust_proxy: bool,
    /// Map voor de zoekindex van deze instantie (standaard naast het databasebestand, of
    /// ./wijkwijzer.index bij PostgreSQL); instanties op één machine hebben elk een eigen map.
    #[arg(long, env = "WIJKWIJZER_INDEX")]
    index: Option<PathBuf>,
    /// Aantal koppelingen (POST /api/v1/matches) per minuut per bezoeker (IPv4-adres of
    /// IPv6-/64-netwerk); daarboven antwoordt de API met 429.
    #[arg(long, env = "WIJKWIJZER_MATCH_RATE", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    match_rate: u32,
    /// Om de hoeveel seconden de overzichtsmails van Mijn WijkWijzer worden gemaakt.
    #[arg(long, env = "WIJKWIJZER_DIGEST_INTERVAL", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    digest_interval: u64,
}

impl ServeArgs {
    /// The configuration for the database `db` with these options.
    pub fn config(self, db: PathBuf) -> Config {
        let mut config = Config::new(db, self.addr);
        config.index = self.index;
        config.empty = self.empty;
        config.base_url = self.base_url;
        config.thesaurus = self.thesaurus;
        config.page_cache = !self.no_page_cache;
        config.retention_months = self.retention_months;
        config.trust_proxy = self.trust_proxy;
        config.match_rate = (self.match_rate as usize, std::time::Duration::from_secs(60));
        config.digest_interval = std::time::Duration::from_secs(self.digest_interval);
        config
    }
}

/// The `serve` command: runs until stopped.
pub(super) async fn serve(db: PathBuf, args: ServeArgs) -> anyhow::Result<i32> {
    let app = Application::build(&args.config(db)).await?;
    app.run().await?;
    Ok(0)
}
