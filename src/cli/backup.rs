//! `wijkwijzer backup`: a checked copy of a running SQLite database.

use std::path::Path;

use crate::store::Store;

use super::no_database;

/// The `backup` command.
pub(super) async fn backup(db: &Path, file: &Path) -> anyhow::Result<i32> {
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
