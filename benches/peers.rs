//! Benchmark of the coordinator's clusters: 50,000 open learning questions (made from the demo
//! questions by joining the first half of one to the second half of another) prepared and
//! clustered. Run: `cargo bench --bench peers`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use criterion::{black_box, Criterion};
use wijkwijzer::domain::matching::Thesaurus;
use wijkwijzer::domain::peers::{PeerIndex, PeerParams};
use wijkwijzer::domain::question::LearningQuestion;
use wijkwijzer::domain::taxonomy::Taxonomy;
use wijkwijzer::transfer::{parse_questions, Format};

/// 50,000 questions: half of one demo question and half of another, with the first one's
/// themes, asker and a municipality out of 40.
fn questions(tax: &Taxonomy) -> Vec<LearningQuestion> {
    let base = parse_questions(
        include_str!("../data/demo/leervragen.jsonl"),
        Format::Jsonl,
        tax,
    )
    .unwrap_or_default();
    let n = base.len();
    (0..50_000)
        .map(|i| {
            let a = &base[i % n];
            let b = &base[(i * 7 + i / n) % n];
            let wa: Vec<&str> = a.vraag.split_whitespace().collect();
            let wb: Vec<&str> = b.vraag.split_whitespace().collect();
            let mut q = a.clone();
            q.id = format!("{}-{i}", a.id);
            q.vraag = format!(
                "{} {}",
                wa[..wa.len() / 2].join(" "),
                wb[wb.len() / 2..].join(" ")
            );
            q.gemeente = Some(format!("Gemeente {}", i % 40));
            q
        })
        .collect()
}

fn run(all: &[LearningQuestion], tax: &Taxonomy, thesaurus: &Thesaurus) -> usize {
    let index = PeerIndex::new(all.to_vec(), tax, thesaurus);
    let members: Vec<usize> = (0..index.len()).collect();
    index.clusters(&members, &PeerParams::clustering(), 3).len()
}

fn main() {
    let tax = Taxonomy::builtin();
    let thesaurus = Thesaurus::builtin();
    let all = questions(&tax);
    let mut c = Criterion::default().configure_from_args().sample_size(10);
    c.bench_function("clusters of 50,000 open questions", |b| {
        b.iter(|| black_box(run(&all, &tax, &thesaurus)))
    });
    let mut clusters = 0;
    let mut times: Vec<f64> = (0..10)
        .map(|_| {
            let start = Instant::now();
            clusters = black_box(run(&all, &tax, &thesaurus));
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "clusters of {} open questions (prepared and clustered, {clusters} clusters of 3 or more): median {:.2} s, max {:.2} s",
        all.len(),
        times[times.len() / 2],
        times[times.len() - 1]
    );
}
