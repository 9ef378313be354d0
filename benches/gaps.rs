//! Benchmark of the whole gap analysis over 10,000 offerings and 50,000 learning questions
//! (derived from the demo data with new ids). Run: `cargo bench --bench gaps`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use criterion::{black_box, Criterion};
use wijkwijzer::domain::gaps::{gaps_from, theme_figures, DemandItem, Thresholds};
use wijkwijzer::domain::offering::Offering;
use wijkwijzer::domain::question::LearningQuestion;
use wijkwijzer::domain::taxonomy::Taxonomy;
use wijkwijzer::transfer::{parse_offerings, parse_questions, Format};

fn main() {
    let tax = Taxonomy::builtin();
    let base = parse_offerings(
        include_str!("../data/demo/aanbod.jsonl"),
        Format::Jsonl,
        &tax,
    )
    .unwrap_or_default();
    let questions = parse_questions(
        include_str!("../data/demo/leervragen.jsonl"),
        Format::Jsonl,
        &tax,
    )
    .unwrap_or_default();
    let offerings: Vec<Offering> = (0..10_000)
        .map(|i| {
            let mut o = base[i % base.len()].clone();
            o.id = format!("{}-{i}", o.id);
            o
        })
        .collect();
    let demand: Vec<LearningQuestion> = (0..50_000)
        .map(|i| {
            let mut q = questions[i % questions.len()].clone();
            q.id = format!("{}-{i}", q.id);
            q
        })
        .collect();
    let refs: Vec<&Offering> = offerings.iter().collect();
    let items: Vec<DemandItem> = demand
        .iter()
        .enumerate()
        .map(|(i, q)| DemandItem {
            themas: &q.themas,
            doelgroep: q.doelgroep.as_deref(),
            beantwoord: if i % 50 == 0 {
                Some(false)
            } else {
                Some(i % 4 != 0)
            },
            mogelijk: false,
        })
        .collect();
    let t = Thresholds::default();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let mut c = Criterion::default().configure_from_args().sample_size(20);
    c.bench_function("gap analysis, 10,000 offerings, 50,000 questions", |b| {
        b.iter(|| {
            let figures = theme_figures(&tax, &refs, &items, &t, today);
            black_box(gaps_from(&figures, &tax))
        })
    });
    let mut times: Vec<f64> = (0..30)
        .map(|_| {
            let start = Instant::now();
            let figures = theme_figures(&tax, &refs, &items, &t, today);
            black_box(gaps_from(&figures, &tax));
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "gap analysis (figures + ranked gaps) over {} offerings and {} questions: median {:.1} ms, max {:.1} ms",
        offerings.len(),
        demand.len(),
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
