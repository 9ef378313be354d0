//! Benchmark of the matching engine over 10,000 offerings generated from the sample catalogue and
//! 50,000 labelled learning questions (the sample inventory repeated): a criterion group plus a
//! plain loop that prints p50 and p99 per question.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{black_box, Criterion};
use wijkwijzer::domain::{matching::*, offering::Offering, taxonomy::Taxonomy};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data");
const TARGET: usize = 10_000;
const QUESTIONS: usize = 50_000;

/// Light word variations so the copies are not identical.
const VARIATIONS: &[(&str, &str)] = &[
    ("wijk", "buurt"),
    ("buurt", "wijk"),
    ("bewoners", "buurtbewoners"),
    ("gemeente", "gemeenten"),
    ("jongeren", "jeugd"),
    ("training", "cursus"),
    ("samen", "gezamenlijk"),
];

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim().is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn generate(base: &[Offering]) -> Vec<Offering> {
    let mut out = Vec::with_capacity(TARGET);
    let mut copy = 0usize;
    while out.len() < TARGET && !base.is_empty() {
        for o in base {
            if out.len() >= TARGET {
                break;
            }
            let mut o = o.clone();
            if copy > 0 {
                let (from, to) = VARIATIONS[(copy + out.len()) % VARIATIONS.len()];
                o.id = format!("{}-{copy}", o.id);
                o.titel = format!("{} ({copy})", o.titel.replace(from, to));
                o.samenvatting = o.samenvatting.replace(from, to);
                o.beschrijving = o.beschrijving.replace(from, to);
                if copy.is_multiple_of(3) {
                    if let Some((first, _)) = o.beschrijving.split_once("\n\n") {
                        o.beschrijving = first.to_string();
                    }
                }
            }
            out.push(o);
        }
        copy += 1;
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let dir = Path::new(DATA);
    if !dir.join("catalog.jsonl").exists() {
        println!("matching bench overgeslagen: {DATA} ontbreekt");
        return;
    }
    let base: Vec<Offering> = read_lines(&dir.join("catalog.jsonl"))
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let taxonomy: Taxonomy = std::fs::read_to_string(dir.join("taxonomy.json"))
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let queries: Vec<MatchQuery> = read_lines(&dir.join("questions-dev.jsonl"))
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| MatchQuery {
            vraag: v["vraag"].as_str().unwrap_or_default().to_string(),
            doelgroep: v["doelgroep"].as_str().map(String::from),
            sector: v["sector"].as_str().map(String::from),
            themas: Vec::new(),
        })
        .collect();
    if base.is_empty() || queries.is_empty() {
        println!("matching bench overgeslagen: geen aanbod of vragen in {DATA}");
        return;
    }
    let offerings = generate(&base);
    // The inventory as examples, repeated up to 50,000 learning questions.
    let inventory: Vec<LabelledQuestion> = read_lines(&dir.join("demand.jsonl"))
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| LabelledQuestion {
            vraag: v["vraag"].as_str().unwrap_or_default().to_string(),
            themas: v["themas"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let demand: Vec<LabelledQuestion> = inventory.iter().cycle().take(QUESTIONS).cloned().collect();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    let started = Instant::now();
    let plain = Matcher::new(&offerings, &taxonomy, &Thesaurus::builtin(), today);
    println!(
        "matcher gebouwd over {} aanbiedingen in {:.2?}",
        plain.len(),
        started.elapsed()
    );
    drop(plain);
    let started = Instant::now();
    let matcher =
        Matcher::with_demand(&offerings, &demand, &taxonomy, &Thesaurus::builtin(), today);
    println!(
        "matcher gebouwd over {} aanbiedingen en {} leervragen als voorbeeld in {:.2?}",
        matcher.len(),
        demand.len(),
        started.elapsed()
    );

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("match_question 10k (alle dev-vragen)", |b| {
        b.iter(|| {
            for q in &queries {
                black_box(matcher.match_question(black_box(q), 10));
            }
        })
    });
    c.final_summary();

    // Per-question latency, single thread.
    let mut times = Vec::new();
    for _ in 0..25 {
        for q in &queries {
            let t = Instant::now();
            black_box(matcher.match_question(q, 10));
            times.push(t.elapsed());
        }
    }
    times.sort();
    println!(
        "match_question over {} aanbiedingen, {} metingen: p50 = {:.3} ms, p99 = {:.3} ms, max = {:.3} ms",
        matcher.len(),
        times.len(),
        percentile(&times, 0.50).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}
