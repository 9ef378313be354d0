//! The command line: the clap definition of every command and the dispatch to one module per
//! command group. Each command parses its input, calls the store or catalogue, and reports in
//! Dutch.

mod args;
mod backup;
mod eval;
mod import;
pub mod logging;
mod serve;
mod user;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::store::Backend;

pub use args::{clap_error_text, command, parse, retention_months, Reason, RETENTION_MONTHS};
pub use import::{ExportWhat, ImportWhat, OutputFormat};
pub use serve::ServeArgs;
pub use user::UserWhat;

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
    Serve(ServeArgs),
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
    /// Meet de kwaliteit van de koppeling op beoordeelde vragen (nDCG@5, recall@10, passend),
    /// en met --peers die van "anderen met dezelfde vraag" (precision@3, niemand voorstellen).
    Eval {
        /// Aanbod (catalog.jsonl).
        #[arg(long, required_unless_present = "peers")]
        catalog: Option<PathBuf>,
        /// Beoordeelde vragen (questions-dev.jsonl); mag vaker, de bestanden tellen samen.
        #[arg(long, required_unless_present = "peers")]
        questions: Vec<PathBuf>,
        /// Beoordeelde paren van vragenstellers (peer-pairs.jsonl), over de vragen van --demand.
        #[arg(long, requires = "demand")]
        peers: Option<PathBuf>,
        /// Taxonomie (standaard de ingebouwde).
        #[arg(long)]
        taxonomy: Option<PathBuf>,
        /// Peildatum JJJJ-MM-DD (standaard vandaag).
        #[arg(long)]
        vandaag: Option<chrono::NaiveDate>,
        /// Schrijf ook de uitkomst per vraag naar dit bestand.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Schrijf per beoordeelde vraag de signalen van de beste resultaten (JSON Lines), voor
        /// analyse van het fitmodel.
        #[arg(long, hide = true)]
        dump_features: Option<PathBuf>,
        /// Leervragen met thema's van het coördinatiepunt (demand.jsonl), om de woorden van
        /// vragenstellers te leren.
        #[arg(long)]
        demand: Option<PathBuf>,
        /// Kruisvalidatie in zoveel delen: het fitmodel leert op de andere delen en wordt op
        /// elk deel gemeten (gemiddelde, spreiding, in-sample, betrouwbaarheid, leercurve).
        #[arg(long)]
        folds: Option<usize>,
        /// Startwaarde voor de verdeling over de delen.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Andere gewichten voor de koppeling, als JSON-object ('{"k1": 1.8}'), om ze te meten
        /// zonder opnieuw te bouwen; de rest blijft standaard.
        #[arg(long)]
        gewichten: Option<String>,
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
    // The one place the command line reads the time from.
    let clock = crate::domain::clock::Clock::system();
    match cli.command {
        Command::Serve(args) => serve::serve(cli.db, args).await,
        Command::Import { what } => import::import(&cli.db, what).await,
        Command::Backup { file } => backup::backup(&cli.db, &file).await,
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
            user::user(&cli.db, what, &clock).await
        }
        Command::User { .. } | Command::Match { .. } | Command::Export { .. }
            if no_database(&cli.db) =>
        {
            Ok(1)
        }
        Command::User { what } => user::user(&cli.db, what, &clock).await,
        Command::Match { input, vandaag } => {
            eval::match_file(&cli.db, &input, vandaag.unwrap_or_else(|| clock.today())).await
        }
        Command::Eval {
            catalog,
            questions,
            taxonomy,
            vandaag,
            output,
            dump_features,
            demand,
            folds,
            seed,
            peers,
            gewichten,
        } => eval::eval(
            catalog.as_deref(),
            peers.as_deref(),
            demand.as_deref(),
            &questions,
            taxonomy.as_deref(),
            vandaag.unwrap_or_else(|| clock.today()),
            output.as_deref(),
            dump_features.as_deref(),
            folds.map(|f| (f, seed)),
            gewichten.as_deref(),
        ),
        Command::Export { what, format } => import::export(&cli.db, what, format).await,
    }
}

/// True, after saying so, when `db` is a SQLite file that does not exist: a command that only
/// reads or manages an existing database should not create an empty one at a mistyped path.
pub(crate) fn no_database(db: &Path) -> bool {
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

#[cfg(test)]
mod tests {
    use super::error_text;

    #[test]
    fn error_text_names_each_cause_once() {
        let inner = std::io::Error::other("geen verbinding");
        let err = anyhow::Error::new(inner).context("databasefout: geen verbinding");
        assert_eq!(error_text(&err), "databasefout: geen verbinding");
        let err = anyhow::anyhow!("bestand kapot").context("import mislukt");
        assert_eq!(error_text(&err), "import mislukt: bestand kapot");
    }
}
