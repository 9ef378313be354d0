//! The layers of `ARCHITECTURE.md` hold in the code: every `crate::` path in a layer's source
//! (test code left out) names the layer itself or one the table says it may use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Layer → the layers it may use, read from the table in `ARCHITECTURE.md`.
fn table() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string("ARCHITECTURE.md").unwrap();
    let layer_of = |cell: &str| {
        cell.trim()
            .strip_prefix('`')
            .and_then(|c| c.split('`').next())
            .map(|c| c.trim_end_matches('/').to_string())
    };
    let rows: Vec<(String, String)> = doc
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').collect();
            // | layer | owns | may use |
            if cells.len() != 5 {
                return None;
            }
            Some((layer_of(cells[1])?, cells[3].to_string()))
        })
        .collect();
    let layers: BTreeSet<String> = rows.iter().map(|(l, _)| l.clone()).collect();
    rows.into_iter()
        .map(|(layer, may)| {
            let allowed = may
                .split('`')
                .skip(1)
                .step_by(2)
                .map(|name| name.trim_end_matches('/').to_string())
                .filter(|name| layers.contains(name))
                .collect();
            (layer, allowed)
        })
        .collect()
}

fn sources(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            sources(&entry.unwrap().path(), out);
        }
    } else if path.is_file()
        && path.extension().is_some_and(|e| e == "rs")
        && path.file_name().is_some_and(|n| n != "tests.rs")
    {
        out.push(path.to_path_buf());
    }
}

/// The crate's top-level modules that `text` names in `crate::` paths.
fn named_layers(text: &str) -> BTreeSet<String> {
    text.match_indices("crate::")
        .filter(|(at, _)| !text[..*at].ends_with('$'))
        .map(|(at, m)| {
            text[at + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

#[test]
fn imports_run_only_down_the_layers_of_the_architecture() {
    let table = table();
    assert!(table.len() >= 12, "the layer table was not read: {table:?}");
    assert!(table["domain"].is_empty(), "domain uses nothing above it");
    let mut wrong = Vec::new();
    for (layer, allowed) in &table {
        let mut files = Vec::new();
        for path in [format!("src/{layer}.rs"), format!("src/{layer}")] {
            sources(Path::new(&path), &mut files);
        }
        assert!(!files.is_empty(), "no source for layer {layer}");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for used in named_layers(code) {
                if &used != layer && table.contains_key(&used) && !allowed.contains(&used) {
                    wrong.push(format!("{} uses {used}", file.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against ARCHITECTURE.md: {wrong:#?}"
    );
}
