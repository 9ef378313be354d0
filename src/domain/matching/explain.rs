//! The Dutch reasons ("waarom") shown with each result.

use std::cmp::Ordering;

use super::query::QTerm;
use super::{MatchQuery, Matcher};

impl Matcher {
    /// The Dutch reasons for one result.
    pub(super) fn reasons(
        &self,
        q: &MatchQuery,
        qterms: &[QTerm],
        profile: &[f64],
        d: usize,
    ) -> Vec<String> {
        let doc = &self.docs[d];
        let mut out = Vec::new();
        let mut matched: Vec<(f64, &str)> = qterms
            .iter()
            .filter(|qt| {
                self.postings[qt.term as usize]
                    .binary_search_by_key(&(d as u32), |x| x.0)
                    .is_ok()
            })
            .map(|qt| (qt.weight * self.idf[qt.term as usize], qt.label.as_str()))
            .collect();
        matched.sort_by(|a, b| {
            b.0.partial_cmp(&a.0)
                .unwrap_or(Ordering::Equal)
                .then(a.1.cmp(b.1))
        });
        let mut labels: Vec<&str> = Vec::new();
        for (_, l) in matched {
            if !labels.contains(&l) && labels.len() < 5 {
                labels.push(l);
            }
        }
        if !labels.is_empty() {
            out.push(format!("Komt overeen op: {}", labels.join(", ")));
        }
        let shared: Vec<&str> = doc
            .themes
            .iter()
            .filter(|&&t| profile[t as usize] >= 0.5)
            .map(|&t| self.theme_labels[t as usize].as_str())
            .collect();
        if !shared.is_empty() {
            out.push(format!("Zelfde thema: {}", shared.join(", ")));
        }
        if let Some(g) = &q.doelgroep {
            let label = |g: &String| {
                self.group_labels
                    .get(g)
                    .map_or(g.as_str(), |s| s.as_str())
                    .to_lowercase()
            };
            if doc.doelgroepen.iter().any(|x| x == g) {
                out.push(format!("Geschikt voor {}", label(g)));
            } else if !doc.doelgroepen.is_empty() {
                let groups: Vec<String> = doc.doelgroepen.iter().map(label).collect();
                out.push(format!("Let op: bedoeld voor {}", join_and(&groups)));
            }
        }
        if let Some(s) = &q.sector {
            if doc.sectoren.iter().any(|x| x == s) {
                let label = self.sector_labels.get(s).map_or(s.as_str(), |s| s.as_str());
                out.push(format!("Past bij de sector {}", label.to_lowercase()));
            }
        }
        if !doc.current {
            out.push("Let op: dit aanbod is al afgelopen".to_string());
        }
        out
    }
}

/// `a`, `a en b`, `a, b en c`.
pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}
