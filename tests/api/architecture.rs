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
        without_leading_comments(s)
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

/// `s` from its first character that is neither white space nor in a comment.
fn without_leading_comments(mut s: &str) -> &str {
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix("//") {
            s = rest.find('\n').map_or("", |n| &rest[n..]);
        } else if let Some(rest) = s.strip_prefix("/*") {
            s = rest.find("*/").map_or("", |n| &rest[n + 2..]);
        } else {
            return s;
        }
    }
}

/// `text` without the items marked `#[cfg(test)]` (on a line of its own): a `mod x;`, or an item
/// up to the brace that closes it.
fn without_test_code(text: &str) -> String {
    const MARK: &str = "#[cfg(test)]";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let line_start = rest[..at].rfind('\n').map_or(0, |n| n + 1);
        let after = &rest[at + MARK.len()..];
        let line_end = after.find('\n').unwrap_or(after.len());
        if !rest[line_start..at].trim().is_empty() || !after[..line_end].trim().is_empty() {
            out.push_str(&rest[..at + MARK.len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..at]);
        rest = &after[item_end(after)..];
    }
    out.push_str(rest);
    out
}

/// Where the item at the start of `code` ends: after its `;` when that comes before any brace,
/// else after the brace that closes its first one. Braces in strings (raw ones too), character
/// literals and comments do not count; a string may span lines.
fn item_end(code: &str) -> usize {
    let b = code.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = code[i..].find('\n').map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = code[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = code[i + 1..].bytes().take_while(|&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    let from = i + 2 + hashes;
                    i = code[from..]
                        .find(&close)
                        .map_or(b.len(), |n| from + n + close.len());
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            // A character literal ('{', '\'', '\u{7b}'); a lifetime ('a) is passed over.
            b'\'' if b.get(i + 1) == Some(&b'\\') => {
                i += 3;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'\'' if code[i + 1..].chars().nth(1) == Some('\'') => {
                i += 1 + code[i + 1..].chars().next().map_or(0, char::len_utf8);
            }
            b';' if depth == 0 => return i + 1,
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[test]
fn test_code_is_left_out_up_to_its_end_and_no_further() {
    let text = concat!(
        "use crate::domain::X;\n",
        "#[cfg(test)]\nmod tests;\n",
        "fn a() { crate::store::f(\"}\"); }\n",
        "#[cfg(test)]\nmod tests {\n",
        "    fn b<'a>(x: &'a str) { let c = '}'; let d = '\\''; let e = '\\u{7b}'; crate::http::g(r#\"{\"#); }\n",
        "    // }\n    /* } */\n",
        "    const T: &str = \"a {\n  spread over lines\";\n",
        "}\n",
        "fn d() { crate::cli::h() }\n",
        "#[cfg(test)]\npub fn e() -> X {\n    crate::app::i()\n}\n",
        "fn f() { crate::mail::j() } // #[cfg(test)]\n",
    );
    let layers = named_layers(&without_test_code(text));
    assert_eq!(
        layers.into_iter().collect::<Vec<_>>(),
        ["cli", "domain", "mail", "store"]
    );
    let grouped = named_layers(
        "use crate::{\n    domain::{a, b},\n    // the store\n    store::Store, /* and */ mail,\n};",
    );
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
