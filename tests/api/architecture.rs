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

/// The crate's top-level modules that `text` names in `crate::` paths, grouped ones
/// (`crate::{a, b::c}`) included.
fn named_layers(text: &str) -> BTreeSet<String> {
    let name = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, m) in text.match_indices("crate::") {
        if text[..at].ends_with('$') {
            continue;
        }
        let rest = &text[at + m.len()..];
        let Some(group) = rest.strip_prefix('{') else {
            names.insert(name(rest));
            continue;
        };
        let mut depth = 0;
        let mut item_start = true;
        for (i, c) in group.char_indices() {
            if item_start && depth == 0 {
                names.insert(name(&group[i..]));
            }
            item_start = false;
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                _ => {}
            }
        }
    }
    names.remove("");
    names
}

/// `text` without the items marked `#[cfg(test)]`: a `mod x;` line, or an item up to the brace
/// that closes it (braces in strings, characters and comments not counted).
fn without_test_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut depth = 0i64;
        let mut opened = false;
        for item in lines.by_ref() {
            if !opened && item.trim_end().ends_with(';') {
                break;
            }
            for brace in code_braces(item) {
                depth += if brace == '{' { 1 } else { -1 };
                opened = true;
            }
            if opened && depth == 0 {
                break;
            }
        }
    }
    out
}

/// The braces of one line of Rust that are code: not in a string, a character or a comment.
/// Strings spanning lines are rare in this tree's test modules; a raw string `r#"…"#` is read
/// to its end on the line.
fn code_braces(line: &str) -> Vec<char> {
    let chars: Vec<char> = line.chars().collect();
    let mut braces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => break,
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 3,
            '\'' if chars.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            'r' if chars.get(i + 1) == Some(&'#') && chars.get(i + 2) == Some(&'"') => {
                let rest: String = chars[i + 3..].iter().collect();
                match rest.find("\"#") {
                    Some(end) => i += 3 + rest[..end].chars().count() + 2,
                    None => break,
                }
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            }
            c @ ('{' | '}') => {
                braces.push(c);
                i += 1;
            }
            _ => i += 1,
        }
    }
    braces
}

#[test]
fn test_code_is_left_out_up_to_its_end_and_no_further() {
    let text = "use crate::domain::X;\n#[cfg(test)]\nmod tests;\nfn a() { crate::store::f(\"}\"); }\n#[cfg(test)]\nmod tests {\n    fn b() { let c = '}'; crate::http::g(r#\"{\"#); }\n    // }\n}\nfn d() { crate::cli::h() }\n#[cfg(test)]\npub fn e() -> X {\n    crate::app::i()\n}\n";
    let layers = named_layers(&without_test_code(text));
    assert_eq!(
        layers.into_iter().collect::<Vec<_>>(),
        ["cli", "domain", "store"]
    );
    let grouped = named_layers("use crate::{\n    domain::{a, b},\n    store::Store, mail,\n};");
    assert_eq!(
        grouped.into_iter().collect::<Vec<_>>(),
        ["domain", "mail", "store"]
    );
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
            for used in named_layers(&without_test_code(&text)) {
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
