//! Quality measures of the matching engine on judged questions: nDCG@5 (gain = grade, log2
//! discount), recall@10 of grade ≥ 2, and the accuracy of `passend` against `lacune`.

use std::collections::HashMap;

/// One judged question with the engine's answer.
pub struct Judged<'a> {
    /// Offering id → grade (3 well, 2 useful, 1 related).
    pub grades: &'a HashMap<String, u8>,
    /// True when no offering answers the question well.
    pub lacune: bool,
    /// The engine's ranking, best first.
    pub ranked: Vec<&'a str>,
    /// The engine's `passend`.
    pub passend: bool,
}

/// The averaged measures.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Number of questions.
    pub questions: usize,
    /// Mean nDCG@5 over questions with grades.
    pub ndcg5: f64,
    /// Mean recall@10 of grade ≥ 2 over questions that have such offerings.
    pub recall10: f64,
    /// Share of questions where `passend` equals `!lacune`.
    pub passend_accuracy: f64,
}

/// nDCG at `k` of a ranking against grades.
pub fn ndcg(ranked: &[&str], grades: &HashMap<String, u8>, k: usize) -> f64 {
    let gain = |g: u8, i: usize| f64::from(g) / ((i + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, d)| gain(grades.get(*d).copied().unwrap_or(0), i))
        .sum();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .into_iter()
        .take(k)
        .enumerate()
        .map(|(i, g)| gain(g, i))
        .sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

/// Averages the measures over `judged`.
pub fn score(judged: &[Judged<'_>]) -> Scores {
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let mut nd = Vec::new();
    let mut rec = Vec::new();
    let mut acc = Vec::new();
    for j in judged {
        if !j.grades.is_empty() {
            nd.push(ndcg(&j.ranked, j.grades, 5));
        }
        let good: Vec<&String> = j
            .grades
            .iter()
            .filter(|(_, g)| **g >= 2)
            .map(|(d, _)| d)
            .collect();
        if !good.is_empty() {
            let top: Vec<&str> = j.ranked.iter().take(10).copied().collect();
            rec.push(
                good.iter().filter(|d| top.contains(&d.as_str())).count() as f64
                    / good.len() as f64,
            );
        }
        acc.push(if j.passend != j.lacune { 1.0 } else { 0.0 });
    }
    Scores {
        questions: judged.len(),
        ndcg5: mean(&nd),
        recall10: mean(&rec),
        passend_accuracy: mean(&acc),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_of_ideal_and_reversed() {
        let grades: HashMap<String, u8> = [("a".to_string(), 3), ("b".to_string(), 1)].into();
        assert!((ndcg(&["a", "b"], &grades, 5) - 1.0).abs() < 1e-9);
        let reversed = ndcg(&["b", "a"], &grades, 5);
        let expected = (1.0 + 3.0 / 3f64.log2()) / (3.0 + 1.0 / 3f64.log2());
        assert!((reversed - expected).abs() < 1e-9);
        assert_eq!(ndcg(&["x"], &grades, 5), 0.0);
    }

    #[test]
    fn scores_average() {
        let g1: HashMap<String, u8> = [("a".to_string(), 3), ("b".to_string(), 2)].into();
        let g2: HashMap<String, u8> = [("c".to_string(), 1)].into();
        let s = score(&[
            Judged {
                grades: &g1,
                lacune: false,
                ranked: vec!["a", "x"],
                passend: true,
            },
            Judged {
                grades: &g2,
                lacune: true,
                ranked: vec!["c"],
                passend: true,
            },
        ]);
        assert_eq!(s.questions, 2);
        assert!((s.recall10 - 0.5).abs() < 1e-9);
        assert!((s.passend_accuracy - 0.5).abs() < 1e-9);
    }
}
