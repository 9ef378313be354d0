//! Unit tests of the matching evaluation.

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

fn case(kern: f64, lacune: bool) -> Case {
    let mut x = [0.0; N_FEATURES];
    x[0] = kern;
    Case {
        grades: [("a".to_string(), 3)].into(),
        lacune,
        ranked: vec!["a".to_string()],
        x,
        antwoord: true,
    }
}

#[test]
fn folds_are_balanced_and_deterministic() {
    let cases: Vec<Case> = (0..50).map(|i| case(0.5, i % 5 == 0)).collect();
    let a = assign_folds(&cases, 5, 1);
    assert_eq!(a, assign_folds(&cases, 5, 1));
    assert_ne!(a, assign_folds(&cases, 5, 2));
    for f in 0..5 {
        let in_fold: Vec<usize> = (0..50).filter(|&i| a[i] == f).collect();
        assert_eq!(in_fold.len(), 10);
        assert_eq!(in_fold.iter().filter(|&&i| cases[i].lacune).count(), 2);
    }
}

#[test]
fn reliability_bins_compare_prediction_and_outcome() {
    let mut p: Vec<(f64, bool)> = (0..10).map(|i| (0.1, i == 0)).collect();
    p.extend((0..10).map(|i| (0.9, i < 5)));
    p.push((1.0, true));
    let bins = reliability(&p);
    assert_eq!(bins.len(), 5);
    assert_eq!(bins[0].vragen, 10);
    assert!((bins[0].waargenomen - 0.1).abs() < 1e-9 && bins[0].binnen_marge);
    assert_eq!(bins[4].vragen, 11);
    assert!(!bins[4].binnen_marge, "{:?}", bins[4]);
    assert!(bins[2].binnen_marge && bins[2].vragen == 0);
}

#[test]
fn parses_judged_lines_and_names_bad_ones() {
    let q = parse_judged(
        "{\"id\":\"q1\",\"vraag\":\"Hoe?\",\"doelgroep\":\"bewoners\",\"relevant\":{\"a\":2},\"lacune\":true}\n\n",
    )
    .unwrap_or_default();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].grades.get("a"), Some(&2));
    assert!(q[0].lacune && q[0].doelgroep.as_deref() == Some("bewoners"));
    let err = parse_judged("{\"id\":\"q1\",\"vraag\":\"Hoe?\"}\n{\"id\":\"q2\"}").err();
    assert_eq!(err.as_deref(), Some("regel 2: 'vraag' ontbreekt"));
}
