//! Clusters of similar open questions for the coordinator, named by the words and theme they share.

use std::collections::{HashMap, HashSet};

use super::{place, PeerIndex, PeerParams};

/// A cluster of similar open questions, for the coordinator.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Positions of the questions in the index, oldest first.
    pub members: Vec<usize>,
    /// The words most of them share (at most three), for the title.
    pub words: Vec<String>,
    /// The label of the theme most of them have.
    pub theme: Option<String>,
    /// The slug of that theme.
    pub theme_slug: Option<String>,
    /// How many different municipalities asked.
    pub gemeenten: usize,
}

impl Cluster {
    /// What the questions are about: the words they share, else the theme's label.
    pub fn about(&self) -> String {
        if self.words.is_empty() {
            self.theme
                .clone()
                .unwrap_or_else(|| "hetzelfde".to_string())
        } else {
            self.words.join(", ")
        }
    }

    /// The Dutch summary: "7 vragen over vroeg signaleren, 5 gemeenten".
    pub fn summary(&self) -> String {
        let about = self.about();
        let places = match self.gemeenten {
            0 => String::new(),
            1 => ", 1 gemeente".to_string(),
            n => format!(", {n} gemeenten"),
        };
        format!("{} vragen over {about}{places}", self.members.len())
    }
}

impl PeerIndex {
    /// Clusters the questions at `members` (open questions, say): each question joins the
    /// cluster of the first earlier question it is at least `threshold` alike to, or starts
    /// one. Only clusters of `min_size` or more are returned, the largest first. Candidate
    /// clusters are found through the strongest words of their first question, so the cost
    /// grows with the number of questions, not with its square.
    pub fn clusters(
        &self,
        members: &[usize],
        params: &PeerParams,
        min_size: usize,
    ) -> Vec<Cluster> {
        const KEY_TERMS: usize = 4;
        let key_terms = |i: usize| -> Vec<u32> {
            let mut t: Vec<(u32, f32)> = self.prepared[i].terms.clone();
            t.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
            t.into_iter().take(KEY_TERMS).map(|x| x.0).collect()
        };
        let mut order: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| i < self.questions.len())
            .collect();
        order.sort_by(|&x, &y| {
            let (a, b) = (&self.questions[x], &self.questions[y]);
            a.datum.cmp(&b.datum).then_with(|| a.id.cmp(&b.id))
        });
        order.dedup();
        // Leaders (first questions of clusters) by key term.
        let mut by_term: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut leaders: Vec<usize> = Vec::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        for &i in &order {
            let keys = key_terms(i);
            let mut best: Option<(f64, usize)> = None;
            seen.clear();
            for k in &keys {
                for &c in by_term.get(k).map(Vec::as_slice).unwrap_or(&[]) {
                    if seen.contains(&c) {
                        continue;
                    }
                    seen.push(c);
                    let s = self.similarity(i, leaders[c], params);
                    if s >= params.threshold && best.is_none_or(|(b, _)| s > b) {
                        best = Some((s, c));
                    }
                }
            }
            match best {
                Some((_, c)) => groups[c].push(i),
                None => {
                    let c = leaders.len();
                    leaders.push(i);
                    groups.push(vec![i]);
                    for k in keys {
                        by_term.entry(k).or_default().push(c);
                    }
                }
            }
        }
        let mut out: Vec<Cluster> = groups
            .into_iter()
            .filter(|g| g.len() >= min_size.max(2))
            .map(|g| self.describe(g))
            .collect();
        out.sort_by(|a, b| {
            b.members
                .len()
                .cmp(&a.members.len())
                .then_with(|| b.gemeenten.cmp(&a.gemeenten))
                .then_with(|| {
                    let id = |c: &Cluster| self.questions[c.members[0]].id.clone();
                    id(a).cmp(&id(b))
                })
        });
        out
    }

    /// A cluster with its shared words, main theme and number of municipalities.
    fn describe(&self, members: Vec<usize>) -> Cluster {
        let mut word_count: HashMap<u32, usize> = HashMap::new();
        let mut theme_count: HashMap<u16, usize> = HashMap::new();
        let mut places: HashSet<String> = HashSet::new();
        for &m in &members {
            let p = &self.prepared[m];
            for t in &p.own {
                *word_count.entry(*t).or_insert(0) += 1;
            }
            for t in &p.themes {
                *theme_count.entry(*t).or_insert(0) += 1;
            }
            if let Some(g) = place(&self.questions[m]) {
                places.insert(g);
            }
        }
        let half = members.len().div_ceil(2);
        let mut common: Vec<(usize, u32)> = word_count
            .into_iter()
            .filter(|(_, c)| *c >= half.max(2))
            .map(|(t, c)| (c, t))
            .collect();
        common.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let words = common
            .into_iter()
            .take(3)
            .filter_map(|(_, t)| self.shown_words.get(t as usize).cloned())
            .collect();
        let main = theme_count
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(t, _)| t as usize);
        Cluster {
            members,
            words,
            theme: main.and_then(|t| self.theme_labels.get(t).cloned()),
            theme_slug: main.and_then(|t| self.theme_slugs.get(t).cloned()),
            gemeenten: places.len(),
        }
    }
}
