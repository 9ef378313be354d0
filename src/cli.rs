//! The command line: `serve`, `import`, `export` and friends. Each command parses its input,
//! calls the store or catalogue, and reports in Dutch.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{self, Application, Config};
use crate::catalog::Catalog;
use crate::domain::evaluation::{self, Judged};
use crate::domain::matching::{LabelledQuestion, MatchQuery, Matcher, Thesaurus};
use crate::domain::taxonomy::Taxonomy;
use crate::store::{Backend, Store};
use crate::transfer::{self, Format};

/// WijkWijzer Leernetwerk.
#[derive(Parser, Debug)]
#[command(
    name = "wijkwijzer",
    version,
    about = "WijkWijzer Leernetwerk: leeraanbod, leervragen en lacunes",
    help_template = "{about-with-newline}\nGebruik: {usage}\n\n{all-args}{after-help}",
    subcommand_help_heading = "Commando's",
    next_help_heading = "Opties",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Toon deze hulp.
    #[arg(short, long, global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// Toon het versienummer.
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    version: Option<bool>,
    /// SQLite-databasebestand, of een PostgreSQL-URL (postgres://…) voor meerdere instanties.
    #[arg(
        long,
        global = true,
        env = "WIJKWIJZER_DB",
        hide_env_values = true,
        default_value = "./wijkwijzer.db"
    )]
    pub db: PathBuf,
    /// Wat te doen.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start de webserver (laadt demodata in een lege database).
    #[command(after_help = "Verder, alleen als omgevingsvariabele:\n  \
        WIJKWIJZER_SMTP_URL   SMTP-server voor mail (smtp://gebruiker:wachtwoord@host:587?tls=required);\n                        zonder: mail komt als .eml-bestand in een map naast de database\n  \
        WIJKWIJZER_MAIL_DIR   die map (standaard DATABASE.mail)\n  \
        WIJKWIJZER_MAIL_FROM  afzender (standaard 'WijkWijzer Leernetwerk <noreply@wijkwijzer.example>')\n  \
        WIJKWIJZER_LOG        logniveau: error, warn, info (standaard), debug of trace")]
    Serve {
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
    },
    /// Importeer aanbod, leervragen of de taxonomie.
    Import {
        /// Wat te importeren.
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Koppel leervragen (JSON Lines) aan het aanbod in de database; één JSON-regel per vraag.
    Match {
        /// Bestand met vragen (velden id, vraag, doelgroep, sector, themas; andere velden tellen niet mee).
        #[arg(long)]
        input: PathBuf,
        /// Peildatum JJJJ-MM-DD (standaard vandaag), voor een herhaalbare uitkomst.
        #[arg(long)]
        vandaag: Option<chrono::NaiveDate>,
    },
    /// Meet de kwaliteit van de koppeling op beoordeelde vragen (nDCG@5, recall@10, passend).
    Eval {
        /// Aanbod (catalog.jsonl).
        #[arg(long)]
        catalog: PathBuf,
        /// Beoordeelde vragen (questions-dev.jsonl).
        #[arg(long)]
        questions: PathBuf,
        /// Taxonomie (standaard de ingebouwde).
        #[arg(long)]
        taxonomy: Option<PathBuf>,
        /// Peildatum JJJJ-MM-DD (standaard vandaag).
        #[arg(long)]
        vandaag: Option<chrono::NaiveDate>,
        /// Schrijf ook de uitkomst per vraag naar dit bestand.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Leervragen met thema's van het coördinatiepunt (demand.jsonl), om de woorden van
        /// vragenstellers te leren.
        #[arg(long)]
        demand: Option<PathBuf>,
    },
    /// Beheer accounts van het coördinatiepunt.
    User {
        /// Wat te doen.
        #[command(subcommand)]
        what: UserWhat,
    },
    /// Maak een back-up van de database terwijl het platform draait. De zoekindex hoort er niet
    /// bij: die wordt bij het starten opnieuw opgebouwd uit de database.
    Backup {
        /// Nieuw bestand voor de back-up (wordt nooit overschreven).
        file: PathBuf,
    },
    /// Exporteer aanbod of leervragen naar standaarduitvoer.
    Export {
        /// Wat te exporteren.
        what: ExportWhat,
        /// Uitvoerformaat.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: OutputFormat,
    },
}

/// Import targets.
#[derive(Subcommand, Debug)]
pub enum ImportWhat {
    /// Leeraanbod (catalog.jsonl-formaat, .jsonl of .csv).
    Aanbod {
        /// Bestand.
        file: PathBuf,
        /// Alleen controleren, niets schrijven.
        #[arg(long)]
        dry_run: bool,
    },
    /// Leervragen (demand.jsonl-formaat, .jsonl of .csv).
    Leervragen {
        /// Bestand.
        file: PathBuf,
        /// Alleen controleren, niets schrijven.
        #[arg(long)]
        dry_run: bool,
    },
    /// Taxonomie (taxonomy.json).
    Taxonomie {
        /// Bestand.
        file: PathBuf,
        /// Alleen controleren, niets schrijven.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Account commands.
#[derive(Subcommand, Debug)]
pub enum UserWhat {
    /// Maak een account en druk een eenmalige link af om het wachtwoord te kiezen.
    Add {
        /// E-mailadres (de inlognaam).
        email: String,
        /// Rol: beheerder, coordinator of redacteur.
        #[arg(long)]
        role: String,
        /// Lees het wachtwoord van standaardinvoer in plaats van een link af te drukken.
        #[arg(long)]
        password_stdin: bool,
        /// Publieke basis-URL voor de link.
        #[arg(
            long,
            env = "WIJKWIJZER_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
    },
    /// Wis het wachtwoord (en met --totp de tweestapsverificatie), beëindig alle sessies en druk
    /// een nieuwe eenmalige link af.
    Reset {
        /// E-mailadres.
        email: String,
        /// Ook de tweestapsverificatie wissen (telefoon kwijt).
        #[arg(long)]
        totp: bool,
        /// Publieke basis-URL voor de link.
        #[arg(
            long,
            env = "WIJKWIJZER_BASE_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        base_url: String,
    },
    /// Toon alle accounts.
    List,
    /// Schakel een account uit (inloggen kan dan niet meer).
    Disable {
        /// E-mailadres.
        email: String,
    },
    /// Schakel een uitgeschakeld account weer in.
    Enable {
        /// E-mailadres.
        email: String,
    },
}

/// Export targets.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum ExportWhat {
    /// Leeraanbod.
    Aanbod,
    /// Leervragen.
    Leervragen,
}

/// Export formats.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum OutputFormat {
    /// JSON Lines.
    Jsonl,
    /// CSV.
    Csv,
}

/// The text of a command's error with its causes, each cause once: error types that already
/// show their cause in their own text are not repeated.
pub fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Serve {
            addr,
            empty,
            base_url,
            thesaurus,
            no_page_cache,
            retention_months,
            trust_proxy,
            index,
            match_rate,
        } => {
            let mut config = Config::new(cli.db, addr);
            config.index = index;
            config.empty = empty;
            config.base_url = base_url;
            config.thesaurus = thesaurus;
            config.page_cache = !no_page_cache;
            config.retention_months = retention_months;
            config.trust_proxy = trust_proxy;
            config.match_rate = (match_rate as usize, std::time::Duration::from_secs(60));
            let app = Application::build(&config).await?;
            app.run().await?;
            Ok(0)
        }
        Command::Import { what } => import(&cli.db, what).await,
        Command::Backup { file } => backup(&cli.db, &file).await,
        // `user add` may set up a new database (accounts before the first start), and says so.
        Command::User {
            what: UserWhat::Add { .. },
        } if Backend::unknown_kind(&cli.db).is_none()
            && !Backend::parse(&cli.db).is_postgres()
            && !cli.db.exists() =>
        {
            eprintln!("Nieuwe database aangemaakt: {}", cli.db.display());
            let Command::User { what } = cli.command else {
                return Ok(1);
            };
            user(&cli.db, what).await
        }
        Command::User { .. } | Command::Match { .. } | Command::Export { .. }
            if no_database(&cli.db) =>
        {
            Ok(1)
        }
        Command::User { what } => user(&cli.db, what).await,
        Command::Match { input, vandaag } => {
            let store = Store::open(&cli.db).await?;
            let taxonomy = store.taxonomy().await?.unwrap_or_else(Taxonomy::builtin);
            let offerings: Vec<_> = store
                .offerings()
                .await?
                .into_iter()
                .map(|s| s.offering)
                .collect();
            let today = vandaag.unwrap_or_else(crate::domain::clock::today);
            let demand: Vec<LabelledQuestion> = store
                .demand()
                .await?
                .iter()
                .filter_map(|q| q.labelled())
                .collect();
            let matcher =
                Matcher::with_demand(&offerings, &demand, &taxonomy, &Thesaurus::builtin(), today);
            let questions = read_match_questions(&input)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for (id, query) in questions {
                writeln!(
                    out,
                    "{}",
                    match_line(&id, &matcher.match_question(&query, 10))
                )?;
            }
            out.flush()?;
            Ok(0)
        }
        Command::Eval {
            catalog,
            questions,
            taxonomy,
            vandaag,
            output,
            demand,
        } => eval(
            &catalog,
            demand.as_deref(),
            &questions,
            taxonomy.as_deref(),
            vandaag,
            output.as_deref(),
        ),
        Command::Export { what, format } => {
            let store = Store::open(&cli.db).await?;
            let format = match format {
                OutputFormat::Jsonl => Format::Jsonl,
                OutputFormat::Csv => Format::Csv,
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            match what {
                ExportWhat::Aanbod => {
                    let items: Vec<_> = store
                        .offerings()
                        .await?
                        .into_iter()
                        .map(|s| s.offering)
                        .collect();
                    transfer::export(&items, format, crate::domain::offering::FIELDS, &mut out)?;
                }
                ExportWhat::Leervragen => {
                    let items = store.questions().await?;
                    transfer::export(&items, format, crate::domain::question::FIELDS, &mut out)?;
                }
            }
            out.flush()?;
            Ok(0)
        }
    }
}

/// True, after saying so, when `db` is a SQLite file that does not exist: a command that only
/// reads or manages an existing database should not create an empty one at a mistyped path.
fn no_database(db: &Path) -> bool {
    if let Some(message) = crate::store::Backend::unknown_kind(db) {
        eprintln!("Fout: {message}.");
        return true;
    }
    if crate::store::Backend::parse(db).is_postgres() || db.exists() {
        return false;
    }
    eprintln!(
        "Database {} bestaat niet. Controleer --db of WIJKWIJZER_DB; `wijkwijzer serve` maakt een nieuwe database aan.",
        db.display()
    );
    true
}

/// Why one of our own value parsers refused a value, in Dutch; [`clap_error_text`] adds it to
/// the message (clap's own parsers give English reasons, which are left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(pub String);

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Reason {}

/// An address to listen on: `IP:port`, or `localhost:port` (the IPv4 loopback).
fn listen_addr(s: &str) -> Result<SocketAddr, Reason> {
    let s = s.trim();
    if let Ok(a) = s.parse() {
        return Ok(a);
    }
    s.strip_prefix("localhost:")
        .and_then(|port| port.parse::<u16>().ok())
        .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
        .ok_or_else(|| Reason("verwacht IP-adres:poort, bijvoorbeeld 127.0.0.1:8080".to_string()))
}

/// The retention periods `serve` accepts, in months: at least a month (0 would erase a name the
/// moment a question is answered), at most ten years. A larger number is surely a typo, and one
/// too large to count back from today used to erase every closed record at once.
pub const RETENTION_MONTHS: std::ops::RangeInclusive<u32> = 1..=120;

/// A retention period in months within [`RETENTION_MONTHS`].
pub fn retention_months(s: &str) -> Result<u32, Reason> {
    match s.trim().parse::<u32>() {
        Ok(n) if RETENTION_MONTHS.contains(&n) => Ok(n),
        _ => Err(Reason(format!(
            "geef een aantal maanden van {} tot en met {}",
            RETENTION_MONTHS.start(),
            RETENTION_MONTHS.end()
        ))),
    }
}

/// The command line with Dutch headings in every command's help.
pub fn command() -> clap::Command {
    fn dutch(c: clap::Command) -> clap::Command {
        c.help_template("{about-with-newline}\nGebruik: {usage}\n\n{all-args}{after-help}")
            .subcommand_help_heading("Commando's")
            .mut_args(|a| {
                let a = a.hide_env_values(true);
                if a.get_help_heading().is_some() {
                    a
                } else if a.is_positional() {
                    a.help_heading("Argumenten")
                } else {
                    a.help_heading("Opties")
                }
            })
            .mut_subcommands(dutch)
    }
    dutch(<Cli as clap::CommandFactory>::command())
}

/// Parses the command line (see [`command`]).
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::FromArgMatches;
    let matches = command().try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// A command-line mistake in Dutch, naming the environment variable when the option has one.
pub fn clap_error_text(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use clap::CommandFactory;
    let ctx = |k| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let long = arg
        .trim_start_matches('-')
        .split([' ', '='])
        .next()
        .unwrap_or("")
        .to_string();
    fn env_of(cmd: &clap::Command, long: &str) -> Option<String> {
        cmd.get_arguments()
            .find(|a| a.get_long() == Some(long))
            .and_then(|a| a.get_env())
            .map(|v| v.to_string_lossy().into_owned())
            .or_else(|| cmd.get_subcommands().find_map(|c| env_of(c, long)))
    }
    let setting = match env_of(&Cli::command(), &long) {
        Some(env) => format!("{arg} (of {env})"),
        None => arg.clone(),
    };
    let valid = ctx(ContextKind::ValidValue);
    let text = match e.kind() {
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            let mut t = format!("ongeldige waarde '{value}' voor {setting}");
            let reason = std::error::Error::source(e).and_then(|s| s.downcast_ref::<Reason>());
            if let Some(reason) = reason {
                t.push_str(&format!(": {reason}"));
            }
            if !valid.is_empty() {
                t.push_str(&format!("; kies uit: {valid}"));
            }
            t
        }
        ErrorKind::UnknownArgument => format!("onbekende optie '{arg}'"),
        ErrorKind::InvalidSubcommand => {
            format!(
                "onbekend commando '{}'",
                ctx(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("ontbrekend: {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "geef een commando".to_string()
        }
        ErrorKind::NoEquals | ErrorKind::TooManyValues | ErrorKind::TooFewValues => {
            format!("verkeerd aantal waarden voor {setting}")
        }
        ErrorKind::ArgumentConflict => format!("{arg} gaat niet samen met een andere optie"),
        _ => e.kind().to_string(),
    };
    format!("Fout: {text}. Zie `wijkwijzer --help`.")
}

/// The `backup` command.
async fn backup(db: &Path, file: &Path) -> anyhow::Result<i32> {
    if crate::store::Backend::parse(db).is_postgres() {
        eprintln!(
            "Een back-up van PostgreSQL maak je met pg_dump, bijvoorbeeld: pg_dump --format=custom --file={} DATABASE-URL",
            file.display()
        );
        return Ok(1);
    }
    if no_database(db) {
        return Ok(1);
    }
    let store = Store::open(db).await?;
    match store.backup(file).await {
        Ok(r) => {
            println!(
                "Back-up gemaakt: {} ({} kB, {} aanbod, {} leervragen). De controle op beschadiging is goed.",
                file.display(),
                r.bytes.div_ceil(1024),
                r.offerings,
                r.questions
            );
            Ok(0)
        }
        Err(crate::store::StoreError::Conflict(_)) => {
            eprintln!(
                "{} bestaat al. Kies een nieuwe bestandsnaam; een back-up overschrijft nooit een bestand.",
                file.display()
            );
            Ok(1)
        }
        Err(e) => {
            eprintln!(
                "Back-up mislukt: {e}. Er is geen bestand {} gemaakt.",
                file.display()
            );
            Ok(1)
        }
    }
}

/// The `user` commands.
async fn user(db: &Path, what: UserWhat) -> anyhow::Result<i32> {
    use crate::auth::{self, Role};
    let store = Store::open(db).await?;
    match what {
        UserWhat::Add {
            email,
            role,
            password_stdin,
            base_url,
        } => {
            let Some(email) = crate::domain::text::parse_email(&email) else {
                eprintln!("Ongeldig e-mailadres: '{email}'.");
                return Ok(2);
            };
            let Some(role) = Role::parse(&role) else {
                eprintln!("Onbekende rol '{role}'. Kies beheerder, coordinator of redacteur.");
                return Ok(2);
            };
            let hash = if password_stdin {
                let mut password = String::new();
                std::io::stdin().read_line(&mut password)?;
                let password = password.trim_end_matches(['\r', '\n']).to_string();
                if let Err(reason) = auth::check_new_password(&password, &email) {
                    eprintln!("{reason}");
                    return Ok(2);
                }
                Some(
                    tokio::task::spawn_blocking(move || auth::hash_password(&password))
                        .await?
                        .map_err(|e| anyhow::anyhow!("wachtwoord hashen mislukt: {e}"))?,
                )
            } else {
                None
            };
            let id = match store
                .create_user(&email, role, hash.as_deref(), "cli")
                .await
            {
                Ok(id) => id,
                Err(crate::store::StoreError::Conflict(_)) => {
                    eprintln!("Er is al een account met e-mailadres {email}.");
                    return Ok(1);
                }
                Err(e) => return Err(e.into()),
            };
            println!("Account {email} ({}) aangemaakt.", role.label());
            if hash.is_none() {
                let token = auth::random_hex(32);
                store
                    .create_password_token(id, &auth::token_hash(&token), 72)
                    .await?;
                println!(
                    "Eenmalige link om het wachtwoord te kiezen (72 uur geldig):\n{}/beheer/wachtwoord/{token}",
                    base_url.trim_end_matches('/')
                );
            }
            if role.needs_totp() {
                println!(
                    "Een beheerder stelt bij de eerste keer inloggen tweestapsverificatie in."
                );
            }
            Ok(0)
        }
        UserWhat::Reset {
            email,
            totp,
            base_url,
        } => {
            let Some(id) = store.reset_user(&email, totp, "cli").await? else {
                eprintln!("Geen account met e-mailadres {email}.");
                return Ok(1);
            };
            let token = auth::random_hex(32);
            store
                .create_password_token(id, &auth::token_hash(&token), 72)
                .await?;
            println!(
                "Account {email} gereset; alle sessies zijn beëindigd.\nEenmalige link om een nieuw wachtwoord te kiezen (72 uur geldig):\n{}/beheer/wachtwoord/{token}",
                base_url.trim_end_matches('/')
            );
            Ok(0)
        }
        UserWhat::List => {
            let users = store.users().await?;
            if users.is_empty() {
                println!(
                    "Nog geen accounts. Maak er een met: wijkwijzer user add EMAIL --role ROL"
                );
            }
            for u in users {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    u.email,
                    u.role.slug(),
                    if u.disabled {
                        "uitgeschakeld"
                    } else {
                        "actief"
                    },
                    if u.password_hash.is_some() {
                        "wachtwoord gezet"
                    } else {
                        "wacht op wachtwoord"
                    },
                    if u.totp_secret.is_some() {
                        "tweestaps aan"
                    } else {
                        "tweestaps uit"
                    },
                );
            }
            Ok(0)
        }
        UserWhat::Disable { email } | UserWhat::Enable { email } if email.trim().is_empty() => {
            eprintln!("Geef een e-mailadres.");
            Ok(2)
        }
        UserWhat::Disable { email } => {
            if store.set_user_disabled(&email, true, "cli").await? {
                println!("Account {email} uitgeschakeld.");
                Ok(0)
            } else {
                eprintln!("Geen account met e-mailadres {email}.");
                Ok(1)
            }
        }
        UserWhat::Enable { email } => {
            if store.set_user_disabled(&email, false, "cli").await? {
                println!("Account {email} ingeschakeld.");
                Ok(0)
            } else {
                eprintln!("Geen account met e-mailadres {email}.");
                Ok(1)
            }
        }
    }
}

/// The questions of a `match` input file, as `(id, query)`.
fn read_match_questions(path: &Path) -> anyhow::Result<Vec<(String, MatchQuery)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("kan {} niet lezen: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("regel {}: ongeldige JSON: {e}", i + 1))?;
        let text_of = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let id =
            text_of("id").ok_or_else(|| anyhow::anyhow!("regel {}: veld 'id' ontbreekt", i + 1))?;
        let vraag = text_of("vraag")
            .ok_or_else(|| anyhow::anyhow!("regel {}: veld 'vraag' ontbreekt", i + 1))?;
        let themas = v
            .get("themas")
            .and_then(|t| t.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.push((
            id,
            MatchQuery {
                vraag,
                doelgroep: text_of("doelgroep"),
                sector: text_of("sector"),
                themas,
            },
        ));
    }
    Ok(out)
}

fn match_line(id: &str, outcome: &crate::domain::matching::MatchOutcome) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "passend": outcome.passend,
        "resultaten": outcome.resultaten.iter().map(|r| serde_json::json!({"id": r.id, "score": r.score})).collect::<Vec<_>>(),
    })
}

fn eval(
    catalog: &Path,
    demand: Option<&Path>,
    questions: &Path,
    taxonomy: Option<&Path>,
    vandaag: Option<chrono::NaiveDate>,
    output: Option<&Path>,
) -> anyhow::Result<i32> {
    let taxonomy = match taxonomy {
        Some(p) => Taxonomy::parse(&std::fs::read_to_string(p)?)
            .map_err(|e| anyhow::anyhow!("taxonomie: {}", e.join("; ")))?,
        None => Taxonomy::builtin(),
    };
    let (text, format) = read_file(catalog)?;
    let offerings = match transfer::parse_offerings(&text, format, &taxonomy) {
        Ok(o) => o,
        Err(problems) => return Ok(report(catalog, &problems)),
    };
    let today = vandaag.unwrap_or_else(crate::domain::clock::today);
    let demand = match demand {
        Some(p) => {
            let (text, format) = read_file(p)?;
            match transfer::parse_questions(&text, format, &taxonomy) {
                Ok(q) => labelled(&q),
                Err(problems) => return Ok(report(p, &problems)),
            }
        }
        None => Vec::new(),
    };
    let matcher =
        Matcher::with_demand(&offerings, &demand, &taxonomy, &Thesaurus::builtin(), today);
    let judged_text = std::fs::read_to_string(questions)?;
    let mut rows = Vec::new();
    for line in judged_text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let grades: std::collections::HashMap<String, u8> = v
            .get("relevant")
            .and_then(|r| r.as_object())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, g)| g.as_u64().map(|g| (k.clone(), g as u8)))
                    .collect()
            })
            .unwrap_or_default();
        let query = MatchQuery {
            vraag: v
                .get("vraag")
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .to_string(),
            doelgroep: v
                .get("doelgroep")
                .and_then(|x| x.as_str())
                .map(str::to_string),
            sector: v.get("sector").and_then(|x| x.as_str()).map(str::to_string),
            themas: Vec::new(),
        };
        let outcome = matcher.match_question(&query, 10);
        let id = v
            .get("id")
            .and_then(|x| x.as_str())
            .unwrap_or("")
            .to_string();
        rows.push((
            id,
            grades,
            v.get("lacune").and_then(|x| x.as_bool()).unwrap_or(false),
            outcome,
        ));
    }
    if let Some(path) = output {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (id, _, _, outcome) in &rows {
            writeln!(f, "{}", match_line(id, outcome))?;
        }
    }
    let judged: Vec<Judged> = rows
        .iter()
        .map(|(_, grades, lacune, outcome)| Judged {
            grades,
            lacune: *lacune,
            ranked: outcome.resultaten.iter().map(|r| r.id.as_str()).collect(),
            passend: outcome.passend,
        })
        .collect();
    println!("{}", serde_json::to_string(&evaluation::score(&judged))?);
    Ok(0)
}

fn read_file(path: &Path) -> anyhow::Result<(String, Format)> {
    let format = Format::of_path(path).ok_or_else(|| {
        anyhow::anyhow!(
            "onbekend bestandstype van {}: gebruik .jsonl of .csv",
            path.display()
        )
    })?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("kan {} niet lezen: {e}", path.display()))?;
    Ok((text, format))
}

fn report(path: &Path, problems: &[transfer::ImportProblem]) -> i32 {
    eprintln!(
        "Import van {} geweigerd: {} probleem/problemen. Er is niets geschreven.",
        path.display(),
        problems.len()
    );
    for p in problems {
        eprintln!("  {p}");
    }
    1
}

/// A stage indicator on stderr for large imports (checked → stored → indexed), only when stderr
/// is a terminal; otherwise the one-line summary is all that is printed.
fn progress(len: usize, what: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || len < 1000 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(3);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} stap {pos}/{len} [{bar:20}] {msg} ({elapsed})",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar.set_position(1);
    bar.set_message(format!("{len} {what}"));
    Some(bar)
}

async fn import(db: &Path, what: ImportWhat) -> anyhow::Result<i32> {
    let started = std::time::Instant::now();
    let store = Store::open(db).await?;
    let taxonomy = store.taxonomy().await?.unwrap_or_else(Taxonomy::builtin);
    match what {
        ImportWhat::Taxonomie { file, dry_run } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("kan {} niet lezen: {e}", file.display()))?;
            let tax = match Taxonomy::parse(&text) {
                Ok(t) => t,
                Err(errors) => {
                    eprintln!(
                        "Taxonomie {} geweigerd. Er is niets geschreven.",
                        file.display()
                    );
                    for e in errors {
                        eprintln!("  {e}");
                    }
                    return Ok(1);
                }
            };
            if !dry_run {
                store.save_taxonomy(&tax).await?;
            }
            eprintln!(
                "Taxonomie {}: {} thema's, {} doelgroepen, {} sectoren, {} vormen, {} vraagstukken{}.",
                if dry_run { "gecontroleerd" } else { "geladen" },
                tax.themas.len(), tax.doelgroepen.len(), tax.sectoren.len(), tax.vormen.len(), tax.vraagstukken.len(),
                if dry_run { " (niets geschreven)" } else { "" }
            );
            Ok(0)
        }
        ImportWhat::Aanbod { file, dry_run } => {
            let (text, format) = read_file(&file)?;
            let offerings = match transfer::parse_offerings(&text, format, &taxonomy) {
                Ok(o) => o,
                Err(problems) => return Ok(report(&file, &problems)),
            };
            if dry_run {
                eprintln!(
                    "{} aanbod gecontroleerd: geen problemen (niets geschreven).",
                    offerings.len()
                );
                return Ok(0);
            }
            let bar = progress(
                offerings.len(),
                "aanbod gecontroleerd; opslaan in de database",
            );
            store.upsert_offerings(&offerings).await?;
            if let Some(b) = &bar {
                b.set_position(2);
                b.set_message("opgeslagen; zoekindex bijwerken");
            }
            // With PostgreSQL every running instance brings its own index up to date; this
            // command has no index of its own and says so.
            let indexed = match app::index_dir(db) {
                Some(dir) => {
                    Catalog::open(store, Some(&dir), Thesaurus::builtin()).await?;
                    true
                }
                None => false,
            };
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            eprintln!(
                "{}",
                import_message(offerings.len(), indexed, started.elapsed())
            );
            Ok(0)
        }
        ImportWhat::Leervragen { file, dry_run } => {
            let (text, format) = read_file(&file)?;
            let questions = match transfer::parse_questions(&text, format, &taxonomy) {
                Ok(q) => q,
                Err(problems) => return Ok(report(&file, &problems)),
            };
            if dry_run {
                eprintln!(
                    "{} leervragen gecontroleerd: geen problemen (niets geschreven).",
                    questions.len()
                );
                return Ok(0);
            }
            store.upsert_questions(&questions).await?;
            eprintln!(
                "{} leervragen geïmporteerd in {:.1} s.",
                questions.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(0)
        }
    }
}

/// Up to this many offerings, running instances take an import into their index within the 2
/// seconds the README promises (measured on PostgreSQL with 10,000 offerings: 0.4 to 1.2 s);
/// a larger import takes them longer (10,000 offerings: 3.5 to 5.3 s).
const PROMPT_IMPORT: usize = 1_000;

/// What `import aanbod` did: on SQLite it also brought the search index next to the database up
/// to date; on PostgreSQL it only wrote the database, and the running instances take the
/// offerings into their own index at their next look (every
/// [`crate::catalog::REFRESH_INTERVAL`]).
fn import_message(count: usize, indexed: bool, took: std::time::Duration) -> String {
    let secs = took.as_secs_f64();
    if indexed {
        return format!("{count} aanbod geïmporteerd en geïndexeerd in {secs:.1} s.");
    }
    let when = if count <= PROMPT_IMPORT {
        "binnen 2 seconden"
    } else {
        "binnen enkele seconden (10.000 aanbod: ongeveer 5 seconden)"
    };
    format!(
        "{count} aanbod opgeslagen in de database in {secs:.1} s. Draaiende instanties nemen het {when} op in hun zoekindex; een instantie die nu niet draait, doet dat bij het starten."
    )
}

/// The questions with coordinator-assigned themes, for the matcher to learn from.
fn labelled(questions: &[crate::domain::question::LearningQuestion]) -> Vec<LabelledQuestion> {
    questions
        .iter()
        .filter_map(|q| LabelledQuestion::new(&q.vraag, &q.themas))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{error_text, listen_addr, retention_months, RETENTION_MONTHS};
    use proptest::prelude::*;

    #[test]
    fn the_import_says_what_it_did() {
        let took = std::time::Duration::from_millis(1_240);
        assert_eq!(
            super::import_message(3, true, took),
            "3 aanbod geïmporteerd en geïndexeerd in 1.2 s."
        );
        let stored = super::import_message(1_000, false, took);
        assert!(stored.starts_with("1000 aanbod opgeslagen in de database in 1.2 s. Draaiende instanties nemen het binnen 2 seconden op"), "{stored}");
        assert!(!stored.contains("geïndexeerd"));
        let large = super::import_message(1_001, false, took);
        assert!(
            large.contains("binnen enkele seconden (10.000 aanbod: ongeveer 5 seconden)"),
            "{large}"
        );
    }

    #[test]
    fn retention_is_one_to_a_hundred_and_twenty_months() {
        assert_eq!(retention_months("1"), Ok(1));
        assert_eq!(retention_months(" 120 "), Ok(120));
        for bad in ["0", "121", "4294967295", "99999999999", "-1", "twaalf", ""] {
            assert_eq!(
                retention_months(bad).unwrap_err().to_string(),
                "geef een aantal maanden van 1 tot en met 120",
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_retention_text_gives_a_period_in_range_or_a_dutch_reason(text in "\\PC{0,12}|[0-9]{1,12}") {
            match retention_months(&text) {
                Ok(n) => prop_assert!(RETENTION_MONTHS.contains(&n)),
                Err(reason) => prop_assert!(reason.0.starts_with("geef een aantal maanden")),
            }
        }
    }

    #[test]
    fn error_text_names_each_cause_once() {
        let inner = std::io::Error::other("geen verbinding");
        let err = anyhow::Error::new(inner).context("databasefout: geen verbinding");
        assert_eq!(error_text(&err), "databasefout: geen verbinding");
        let err = anyhow::anyhow!("bestand kapot").context("import mislukt");
        assert_eq!(error_text(&err), "import mislukt: bestand kapot");
    }

    #[test]
    fn listen_address_takes_ip_or_localhost() {
        assert_eq!(listen_addr("0.0.0.0:80").unwrap().to_string(), "0.0.0.0:80");
        assert_eq!(listen_addr("[::1]:8080").unwrap().to_string(), "[::1]:8080");
        assert_eq!(
            listen_addr("localhost:8098").unwrap().to_string(),
            "127.0.0.1:8098"
        );
        assert!(listen_addr("localhost:99999").is_err());
        assert!(listen_addr("wijkwijzer.nl:80").is_err());
    }
}
