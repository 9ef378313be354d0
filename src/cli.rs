//! The command line: `serve`, `import`, `export` and friends. Each command parses its input,
//! calls the store or catalogue, and reports in Dutch.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{self, Application, Config};
use crate::catalog::Catalog;
use crate::domain::taxonomy::Taxonomy;
use crate::store::Store;
use crate::transfer::{self, Format};

/// WijkWijzer Leernetwerk.
#[derive(Parser, Debug)]
#[command(
    name = "wijkwijzer",
    version,
    about = "WijkWijzer Leernetwerk: leeraanbod, leervragen en lacunes"
)]
pub struct Cli {
    /// SQLite-databasebestand.
    #[arg(
        long,
        global = true,
        env = "WIJKWIJZER_DB",
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
    Serve {
        /// Adres om op te luisteren.
        #[arg(long, env = "WIJKWIJZER_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Geen demodata laden in een lege database.
        #[arg(long)]
        empty: bool,
        /// Publieke basis-URL voor links in feeds en sitemap.
        #[arg(long, env = "WIJKWIJZER_BASE_URL")]
        base_url: Option<String>,
    },
    /// Importeer aanbod, leervragen of de taxonomie.
    Import {
        /// Wat te importeren.
        #[command(subcommand)]
        what: ImportWhat,
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

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Serve {
            addr,
            empty,
            base_url,
        } => {
            let app = Application::build(&Config {
                db: cli.db,
                addr,
                empty,
                base_url,
            })
            .await?;
            tracing::info!(addr = %app.addr()?, "WijkWijzer draait");
            eprintln!("WijkWijzer draait op http://{}", app.addr()?);
            app.run().await?;
            Ok(0)
        }
        Command::Import { what } => import(&cli.db, what).await,
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

fn progress(len: usize, what: &str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || len < 1000 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_message(what.to_string());
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
            let bar = progress(offerings.len(), "aanbod opslaan");
            store.upsert_offerings(&offerings).await?;
            if let Some(b) = &bar {
                b.set_position(offerings.len() as u64 / 2);
                b.set_message("zoekindex bijwerken");
            }
            Catalog::open(store, Some(&app::index_dir(db))).await?;
            if let Some(b) = bar {
                b.finish_and_clear();
            }
            eprintln!(
                "{} aanbod geïmporteerd en geïndexeerd in {:.1} s.",
                offerings.len(),
                started.elapsed().as_secs_f64()
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
