//! Bundles the stylesheet at build time: the NL Design System component CSS listed in
//! `static/css/VENDOR.txt` (from `node_modules`, installed by `npm ci`), our theme tokens and our
//! layout CSS, into one file with a content hash in its name.
// A build script stops the build with its message when it cannot write its output.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=static/css");
    println!("cargo:rerun-if-changed=package-lock.json");
    let mut css = String::new();
    let vendor_list = std::fs::read_to_string("static/css/VENDOR.txt").unwrap_or_default();
    let mut missing = Vec::new();
    for line in vendor_list
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let path = Path::new("node_modules").join(line);
        println!("cargo:rerun-if-changed={}", path.display());
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                css.push_str(&format!("/* {line} (EUPL-1.2) */\n"));
                css.push_str(&text);
                css.push('\n');
            }
            Err(_) => missing.push(line.to_string()),
        }
    }
    if !missing.is_empty() {
        println!(
            "cargo:warning=NL Design System CSS not found ({} files); run `npm ci` first for the full styling",
            missing.len()
        );
    }
    for own in ["static/css/theme.css", "static/css/site.css"] {
        if let Ok(text) = std::fs::read_to_string(own) {
            css.push_str(&text);
            css.push('\n');
        }
    }
    let mut hasher = DefaultHasher::new();
    css.hash(&mut hasher);
    let hash = format!("{:016x}", hasher.finish());
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let out = Path::new(&out);
    std::fs::write(out.join("site.css"), &css).unwrap_or_else(|e| panic!("write site.css: {e}"));
    let rs = format!(
        "/// The bundled stylesheet.\npub const SITE_CSS: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/site.css\"));\n\
         /// Its content-hashed URL path.\npub const SITE_CSS_PATH: &str = \"/static/site.{}.css\";\n",
        &hash[..12]
    );
    std::fs::write(out.join("assets.rs"), rs).unwrap_or_else(|e| panic!("write assets.rs: {e}"));
}
