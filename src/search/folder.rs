//! Where the index lives on disk: the marker file, and which folders may be emptied for a
//! rebuild (never the database's own folder, nor one holding anything but an index).

use std::path::{Path, PathBuf};

use super::SearchError;

/// The file that marks a folder as a WijkWijzer search index. The index is only ever rebuilt
/// (and the folder emptied) where this file is, in an empty folder, or in a folder of an older
/// version that holds nothing but tantivy's own files (`meta.json` and segment files).
pub const MARKER: &str = "wijkwijzer-zoekindex.txt";

/// What the marker file says to a person who finds it.
pub(super) const MARKER_TEXT: &str = "Deze map is de zoekindex van WijkWijzer Leernetwerk. WijkWijzer bouwt haar bij het starten opnieuw op uit de database en maakt de map daarvoor leeg: zet hier niets anders neer.\n";

/// What an index folder holds, as far as emptying it is concerned.
pub(super) enum Folder {
    /// Nothing there yet.
    Missing,
    /// An empty folder.
    Empty,
    /// A search index of ours: with the marker, or (older versions) tantivy's files only.
    Index,
    /// Something else; the string names one thing in it.
    Foreign(String),
}

/// True for a file name tantivy writes in an index folder: `meta.json`, `.managed.json`, its
/// lock files, leftovers of an atomic write (`.tmpXXXXXX`) and segment files
/// (`<32 hex digits>.<component>`, deletes as `<hex>.<opstamp>.del`).
pub(super) fn is_tantivy_file(name: &str) -> bool {
    if matches!(
        name,
        "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"
    ) || name.starts_with(".tmp")
    {
        return true;
    }
    let Some((id, component)) = name.split_once('.') else {
        return false;
    };
    let id_ok = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let component_ok = match component {
        "idx" | "pos" | "term" | "store" | "store.temp" | "fast" | "fieldnorm" => true,
        other => other
            .strip_suffix(".del")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
    };
    id_ok && component_ok
}

pub(super) fn inspect(dir: &Path) -> std::io::Result<Folder> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Folder::Missing),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Ok(Folder::Foreign("het is een bestand, geen map".to_string()));
    }
    if dir.join(MARKER).is_file() {
        return Ok(Folder::Index);
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || !is_tantivy_file(&name) {
            return Ok(Folder::Foreign(name));
        }
        names.push(name);
    }
    if names.is_empty() {
        Ok(Folder::Empty)
    } else if names.iter().any(|n| n == "meta.json") {
        Ok(Folder::Index)
    } else {
        Ok(Folder::Foreign(names.swap_remove(0)))
    }
}

/// Checks, before anything is written, that `dir` may serve as the search index folder: it
/// does not exist yet, is empty, or holds a search index; and it is neither the folder of the
/// SQLite database `db` nor one that holds that folder. A mistaken `--index` thus stops the
/// start with a Dutch message instead of emptying a folder that holds other things.
pub fn check_location(dir: &Path, db: Option<&Path>) -> Result<(), SearchError> {
    if let (Some(db), Ok(index)) = (db, std::fs::canonicalize(dir)) {
        let folder = match db.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(folder) = std::fs::canonicalize(folder) {
            if folder.starts_with(&index) {
                return Err(SearchError::HoldsDatabase {
                    dir: dir.to_path_buf(),
                    db: db.to_path_buf(),
                });
            }
        }
    }
    match inspect(dir)? {
        Folder::Foreign(entry) => Err(SearchError::Foreign {
            dir: dir.to_path_buf(),
            entry,
        }),
        Folder::Missing | Folder::Empty | Folder::Index => Ok(()),
    }
}

/// Makes `dir` an empty index folder with the marker; only a folder [`inspect`] recognises as
/// missing, empty or an index is emptied. The folder itself stays (it may be a mount point).
pub(super) fn reset_folder(dir: &Path) -> Result<(), SearchError> {
    match inspect(dir)? {
        Folder::Foreign(entry) => {
            return Err(SearchError::Foreign {
                dir: dir.to_path_buf(),
                entry,
            })
        }
        Folder::Missing => std::fs::create_dir_all(dir)?,
        Folder::Empty => {}
        Folder::Index => {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                if entry.file_type()?.is_dir() {
                    std::fs::remove_dir_all(entry.path())?;
                } else {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
    }
    std::fs::write(dir.join(MARKER), MARKER_TEXT)?;
    Ok(())
}
