//! `wijkwijzer import` and `wijkwijzer export`: offerings, learning questions and the taxonomy
//! in and out, checked before anything is written.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};

use crate::app;
use crate::catalog::Catalog;
use crate::domain::matching::Thesaurus;
use crate::domain::taxonomy::Taxonomy;
use crate::store::Store;
use crate::transfer::{self, Format};

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

/// The `export` command: everything of `what` to standard output.
pub(super) async fn export(
    db: &Path,
    what: ExportWhat,
    format: OutputFormat,
) -> anyhow::Result<i32> {
    let store = Store::open(db).await?;
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

pub(super) fn read_file(path: &Path) -> anyhow::Result<(String, Format)> {
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

pub(super) fn report(path: &Path, problems: &[transfer::ImportProblem]) -> i32 {
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

/// The records of `file`, read and checked completely by `parse`; `Err` with the exit code when
/// they are refused (the problems are reported).
pub(super) fn parsed<T>(
    file: &Path,
    parse: impl FnOnce(&str, Format) -> Result<Vec<T>, Vec<transfer::ImportProblem>>,
) -> anyhow::Result<Result<Vec<T>, i32>> {
    let (text, format) = read_file(file)?;
    Ok(parse(&text, format).map_err(|problems| report(file, &problems)))
}

/// [`parsed`], and on a dry run `Err(0)` after saying that the records (`what`) checked out.
fn checked<T>(
    file: &Path,
    dry_run: bool,
    what: &str,
    parse: impl FnOnce(&str, Format) -> Result<Vec<T>, Vec<transfer::ImportProblem>>,
) -> anyhow::Result<Result<Vec<T>, i32>> {
    let records = match parsed(file, parse)? {
        Ok(records) => records,
        Err(code) => return Ok(Err(code)),
    };
    if dry_run {
        eprintln!(
            "{} {what} gecontroleerd: geen problemen (niets geschreven).",
            records.len()
        );
        return Ok(Err(0));
    }
    Ok(Ok(records))
}

/// The `import` commands.
pub(super) async fn import(db: &Path, what: ImportWhat) -> anyhow::Result<i32> {
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
            let parse = |text: &str, format| transfer::parse_offerings(text, format, &taxonomy);
            let offerings = match checked(&file, dry_run, "aanbod", parse)? {
                Ok(offerings) => offerings,
                Err(code) => return Ok(code),
            };
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
            let parse = |text: &str, format| transfer::parse_questions(text, format, &taxonomy);
            let questions = match checked(&file, dry_run, "leervragen", parse)? {
                Ok(questions) => questions,
                Err(code) => return Ok(code),
            };
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

#[cfg(test)]
mod tests {
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
}
