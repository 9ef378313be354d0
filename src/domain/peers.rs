//! Peer matching ("anderen met dezelfde vraag"): how alike two learning questions are (their words
//! through the Dutch analysis, compounds and the thesaurus, and their themes), which consenting
//! askers in other municipalities to suggest, with a Dutch explanation, and clusters of similar
//! open questions for the coordinator. Pure code, no I/O.

use std::collections::{HashMap, HashSet};

use super::analysis::{decompound, fold, is_stop_word, stem, words, MIN_PART};
use super::matching::{Thesaurus, ThesaurusIndex};
use super::question::LearningQuestion;
use super::taxonomy::Taxonomy;

/// At most this many peers are suggested for one question.
pub const MAX_PEERS: usize = 3;

/// Weight of a compound part or a thesaurus expansion next to a word of the question itself.
const W_DERIVED: f32 = 0.5;

/// Beginnings of (folded) words that say a question is about working together across
/// organisations (function 3 of the coordination point): for such a question, peers from
/// another target group or sector are preferred.
const TOGETHER_WORDS: &[&str] = &[
    "samenwerk",
    "samen",
    "partner",
    "partij",
    "ketenpartner",
    "afspra",
    "instantie",
    "organisaties",
    "domein",
    "integra",
    "overleg",
    "netwerk",
];

/// The tunable parts of peer matching, chosen by cross-validation (`wijkwijzer eval --peers`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct PeerParams {
    /// Weight of the themes' overlap (Jaccard) next to the text's cosine similarity.
    pub w_theme: f64,
    /// Weight of the overlap of the offerings the matcher finds for both questions (cosine of
    /// their scores), when the index has them: two questions answered by the same offerings
    /// share a need even in other words.
    pub w_offer: f64,
    /// The similarity a peer needs at least; below it nobody is suggested.
    pub threshold: f64,
    /// Bonus in the order for a peer from another target group or sector when the question is
    /// about working together (never lets a peer under the threshold in).
    pub w_mix: f64,
}

impl Default for PeerParams {
    /// The values the grid search chose on all 30 judged anchors of the sample data, with the
    /// matcher's offerings (`wijkwijzer eval --peers … --catalog …`).
    fn default() -> PeerParams {
        PeerParams {
            w_theme: 0.0,
            w_offer: 0.25,
            threshold: 0.3,
            w_mix: 0.05,
        }
    }
}

impl PeerParams {
    /// The values the grid search chose on the same anchors from the text and themes alone
    /// (`wijkwijzer eval --peers …` without `--catalog`), for clustering many questions where
    /// matching each one against the catalogue would cost too much.
    pub fn text_only() -> PeerParams {
        PeerParams {
            w_theme: 0.0,
            w_offer: 0.0,
            threshold: 0.225,
            w_mix: 0.05,
        }
    }
}

/// One question prepared for comparison.
#[derive(Debug, Clone)]
struct Prepared {
    /// Term id and weight (tf·idf, unit length), sorted by term id.
    terms: Vec<(u32, f32)>,
    /// Term ids of the question's own words (not parts or expansions), for explanations.
    own: HashSet<u32>,
    /// Theme indexes, sorted.
    themes: Vec<u16>,
    /// Whether the question is about working together.
    together: bool,
    /// The matcher's offerings for the question (interned id, unit-length score), sorted.
    offers: Vec<(u32, f32)>,
}

/// What about the peer's asker may be shown (their consent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Shown {
    /// Role: target group and sector.
    pub role: bool,
    /// Municipality.
    pub gemeente: bool,
}

/// One suggested peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerSuggestion {
    /// Position of the peer's question in the index.
    pub index: usize,
    /// Its similarity to the asker's question.
    pub score: f64,
}

/// A cluster of similar open questions, for the coordinator.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Positions of the questions in the index, oldest first.
    pub members: Vec<usize>,
    /// The words most of them share (at most three), for the title.
    pub words: Vec<String>,
    /// The label of the theme most of them have.
    pub theme: Option<String>,
    /// How many different municipalities asked.
    pub gemeenten: usize,
}

impl Cluster {
    /// The Dutch summary: "7 vragen over vroeg signaleren, 5 gemeenten".
    pub fn summary(&self) -> String {
        let about = if self.words.is_empty() {
            self.theme
                .clone()
                .unwrap_or_else(|| "hetzelfde".to_string())
        } else {
            self.words.join(", ")
        };
        let places = match self.gemeenten {
            0 => String::new(),
            1 => ", 1 gemeente".to_string(),
            n => format!(", {n} gemeenten"),
        };
        format!("{} vragen over {about}{places}", self.members.len())
    }
}

/// Learning questions prepared for peer matching; build once per set of questions.
#[derive(Debug, Clone)]
pub struct PeerIndex {
    questions: Vec<LearningQuestion>,
    prepared: Vec<Prepared>,
    /// Per term id: the word to show for it.
    shown_words: Vec<String>,
    theme_slugs: Vec<String>,
    theme_labels: Vec<String>,
    sector_labels: HashMap<String, String>,
}

/// The term weights of one question before idf: stem → (weight, own word).
type RawTerms = HashMap<String, (f32, bool)>;

/// What is worked out once per distinct word while preparing many questions.
struct Analyser<'a> {
    vocabulary: &'a HashSet<String>,
    thesaurus: ThesaurusIndex,
    /// Folded word → its stem and the stems of its compound parts (with the parts' words).
    words: HashMap<String, (String, Vec<(String, String)>)>,
    /// Stem → the word shown for it.
    shown: HashMap<String, String>,
}

impl Analyser<'_> {
    /// The raw terms of a text.
    fn raw_terms(&mut self, text: &str) -> RawTerms {
        let mut out: RawTerms = HashMap::new();
        let add = |s: &str, w: f32, own: bool, out: &mut RawTerms| {
            let e = match out.get_mut(s) {
                Some(e) => e,
                None => out.entry(s.to_string()).or_insert((0.0, false)),
            };
            if own && e.1 {
                e.0 += 0.5 * w;
            } else {
                e.0 = e.0.max(w);
            }
            e.1 |= own;
        };
        let lower = text.to_lowercase();
        let folded = fold(text);
        let originals: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut main: Vec<String> = Vec::new();
        let mut parts: Vec<String> = Vec::new();
        for (i, w) in words(&folded).enumerate() {
            if is_stop_word(w) || w.len() < 3 || w.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if !self.words.contains_key(w) {
                let split = if w.len() >= 2 * MIN_PART {
                    decompound(w, self.vocabulary)
                        .into_iter()
                        .filter(|p| !is_stop_word(p))
                        .map(|p| (stem(&p), p))
                        .collect()
                } else {
                    Vec::new()
                };
                self.words.insert(w.to_string(), (stem(w), split));
            }
            let Some((s, split)) = self.words.get(w) else {
                continue;
            };
            let surface = originals.get(i).copied().unwrap_or(w);
            if !self.shown.contains_key(s) {
                self.shown.insert(s.clone(), surface.to_string());
            }
            add(s, 1.0, true, &mut out);
            main.push(s.clone());
            for (ps, p) in split {
                if !self.shown.contains_key(ps) {
                    self.shown.insert(ps.clone(), p.clone());
                }
                add(ps, W_DERIVED, false, &mut out);
                parts.push(ps.clone());
            }
        }
        for seq in [&main, &parts] {
            for slot in self.thesaurus.expansions(seq) {
                for phrase in slot {
                    let w = W_DERIVED / phrase.len().max(1) as f32;
                    for s in &phrase {
                        add(s, w, false, &mut out);
                    }
                }
            }
        }
        out
    }
}

/// Whether a text is about working together.
fn about_working_together(text: &str) -> bool {
    let folded = fold(text);
    let together = words(&folded).any(|w| TOGETHER_WORDS.iter().any(|t| w.starts_with(t)));
    together
}

/// The cosine of two unit vectors sorted by term id.
fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += f64::from(a[i].1) * f64::from(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// The Jaccard overlap of two sorted lists.
fn jaccard(a: &[u16], b: &[u16]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// The municipality as compared: trimmed, lower case; `None` when empty.
fn place(q: &LearningQuestion) -> Option<String> {
    q.gemeente
        .as_deref()
        .map(|g| g.trim().to_lowercase())
        .filter(|g| !g.is_empty())
}

/// "een wijkprofessional", "een bewoner", "een beleidsmaker" or "iemand".
fn asker_noun(doelgroep: Option<&str>) -> &'static str {
    match doelgroep {
        Some("wijkprofessionals") => "een wijkprofessional",
        Some("bewoners") => "een bewoner",
        Some("beleidsmakers") => "een beleidsmaker",
        _ => "iemand",
    }
}

/// Joins words the Dutch way: "a", "a en b", "a, b en c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} en {last}", init.join(", ")),
    }
}

impl PeerIndex {
    /// Prepares `questions` (their order is the index's numbering) with the thesaurus and the
    /// taxonomy's themes.
    pub fn new(
        questions: Vec<LearningQuestion>,
        taxonomy: &Taxonomy,
        thesaurus: &Thesaurus,
    ) -> PeerIndex {
        let mut vocabulary: HashSet<String> = HashSet::new();
        let texts = questions
            .iter()
            .map(|q| q.vraag.as_str())
            .chain(taxonomy.themas.iter().map(|t| t.label.as_str()));
        for text in texts {
            let folded = fold(text);
            vocabulary.extend(
                words(&folded)
                    .filter(|w| w.len() >= MIN_PART && !is_stop_word(w) && w.is_ascii())
                    .map(str::to_string),
            );
        }
        let theme_index: HashMap<&str, u16> = taxonomy
            .themas
            .iter()
            .enumerate()
            .map(|(i, t)| (t.slug.as_str(), u16::try_from(i).unwrap_or(u16::MAX)))
            .collect();
        let mut analyser = Analyser {
            vocabulary: &vocabulary,
            thesaurus: ThesaurusIndex::new(thesaurus),
            words: HashMap::new(),
            shown: HashMap::new(),
        };
        let raws: Vec<RawTerms> = questions
            .iter()
            .map(|q| analyser.raw_terms(&q.vraag))
            .collect();
        let shown = analyser.shown;
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut df: Vec<u32> = Vec::new();
        let mut shown_words: Vec<String> = Vec::new();
        // Terms numbered in sorted order, so the numbering does not depend on hashing.
        let mut all: Vec<&String> = raws.iter().flat_map(|r| r.keys()).collect();
        all.sort_unstable();
        all.dedup();
        for s in all {
            term_ids.insert(s.clone(), u32::try_from(df.len()).unwrap_or(u32::MAX));
            df.push(0);
            shown_words.push(shown.get(s).cloned().unwrap_or_else(|| s.clone()));
        }
        for r in &raws {
            for s in r.keys() {
                if let Some(&id) = term_ids.get(s) {
                    df[id as usize] += 1;
                }
            }
        }
        let n = questions.len().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((n + 1.0) / (d as f32 + 0.5)).ln().max(0.0))
            .collect();
        let prepared = questions
            .iter()
            .zip(&raws)
            .map(|(q, raw)| {
                let mut terms: Vec<(u32, f32)> = raw
                    .iter()
                    .filter_map(|(s, (w, _))| {
                        let id = *term_ids.get(s)?;
                        Some((id, w * idf[id as usize]))
                    })
                    .filter(|(_, w)| *w > 0.0)
                    .collect();
                terms.sort_unstable_by_key(|t| t.0);
                let norm = terms.iter().map(|t| t.1 * t.1).sum::<f32>().sqrt();
                if norm > 0.0 {
                    terms.iter_mut().for_each(|t| t.1 /= norm);
                }
                let own = raw
                    .iter()
                    .filter(|(_, (_, own))| *own)
                    .filter_map(|(s, _)| term_ids.get(s).copied())
                    .collect();
                let mut themes: Vec<u16> = q
                    .themas
                    .iter()
                    .filter_map(|t| theme_index.get(t.as_str()).copied())
                    .collect();
                themes.sort_unstable();
                themes.dedup();
                Prepared {
                    terms,
                    own,
                    themes,
                    together: about_working_together(&q.vraag),
                    offers: Vec::new(),
                }
            })
            .collect();
        PeerIndex {
            questions,
            prepared,
            shown_words,
            theme_slugs: taxonomy.themas.iter().map(|t| t.slug.clone()).collect(),
            theme_labels: taxonomy.themas.iter().map(|t| t.label.clone()).collect(),
            sector_labels: taxonomy
                .sectoren
                .iter()
                .map(|t| (t.slug.clone(), t.label.clone()))
                .collect(),
        }
    }

    /// The index with, per question (in the index's order), the offerings the matcher found
    /// for it with their scores; used by [`PeerParams::w_offer`].
    pub fn with_offerings(mut self, lists: &[Vec<(String, f64)>]) -> PeerIndex {
        let mut ids: HashMap<&str, u32> = HashMap::new();
        for (p, list) in self.prepared.iter_mut().zip(lists) {
            let mut v: Vec<(u32, f32)> = list
                .iter()
                .map(|(id, score)| {
                    let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                    (*ids.entry(id.as_str()).or_insert(next), *score as f32)
                })
                .filter(|(_, s)| *s > 0.0)
                .collect();
            v.sort_unstable_by_key(|x| x.0);
            v.dedup_by_key(|x| x.0);
            let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|x| x.1 /= norm);
            }
            p.offers = v;
        }
        self
    }

    /// Number of questions in the index.
    pub fn len(&self) -> usize {
        self.questions.len()
    }

    /// True when the index holds no questions.
    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// The question at `i`.
    pub fn question(&self, i: usize) -> Option<&LearningQuestion> {
        self.questions.get(i)
    }

    /// The position of the question with id `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// Whether the question at `i` is about working together (function 3: cross-domain).
    pub fn about_working_together(&self, i: usize) -> bool {
        self.prepared.get(i).is_some_and(|p| p.together)
    }

    /// How alike the questions at `a` and `b` are: the cosine of their words plus the weighted
    /// overlap of their themes (0 for an unknown position).
    pub fn similarity(&self, a: usize, b: usize, params: &PeerParams) -> f64 {
        let (Some(pa), Some(pb)) = (self.prepared.get(a), self.prepared.get(b)) else {
            return 0.0;
        };
        let offers = if params.w_offer > 0.0 {
            params.w_offer * cosine(&pa.offers, &pb.offers)
        } else {
            0.0
        };
        cosine(&pa.terms, &pb.terms) + params.w_theme * jaccard(&pa.themes, &pb.themes) + offers
    }

    /// The peers to suggest for the question at `anchor`: among the questions `eligible` says
    /// may be suggested (consent given, not the asker's own), from another municipality, at
    /// least `threshold` alike; at most [`MAX_PEERS`], best first. When the question is about
    /// working together, a peer from another target group or sector comes first among nearly
    /// equal ones. Empty when nobody is alike enough.
    pub fn suggest(
        &self,
        anchor: usize,
        eligible: impl Fn(usize) -> bool,
        params: &PeerParams,
    ) -> Vec<PeerSuggestion> {
        let Some(a) = self.questions.get(anchor) else {
            return Vec::new();
        };
        let together = self.about_working_together(anchor);
        let home = place(a);
        let mut scored: Vec<(f64, f64, usize)> = (0..self.questions.len())
            .filter(|&i| i != anchor && eligible(i))
            .filter(|&i| home.is_none() || place(&self.questions[i]) != home)
            .map(|i| (self.similarity(anchor, i, params), i))
            .filter(|(s, _)| *s >= params.threshold)
            .map(|(s, i)| {
                let q = &self.questions[i];
                let mixed = q.doelgroep != a.doelgroep || q.sector != a.sector;
                let order = if together && mixed {
                    s + params.w_mix
                } else {
                    s
                };
                (order, s, i)
            })
            .collect();
        scored.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then_with(|| self.questions[x.2].id.cmp(&self.questions[y.2].id))
        });
        scored
            .into_iter()
            .take(MAX_PEERS)
            .map(|(_, score, index)| PeerSuggestion { index, score })
            .collect()
    }

    /// The own words both questions use, the strongest first (at most `k`).
    fn shared_words(&self, a: usize, b: usize, k: usize) -> Vec<String> {
        let (Some(pa), Some(pb)) = (self.prepared.get(a), self.prepared.get(b)) else {
            return Vec::new();
        };
        let weight_b: HashMap<u32, f32> = pb.terms.iter().copied().collect();
        let mut shared: Vec<(f32, u32)> = pa
            .terms
            .iter()
            .filter(|(t, _)| pa.own.contains(t) && pb.own.contains(t))
            .filter_map(|&(t, w)| weight_b.get(&t).map(|wb| (w * wb, t)))
            .collect();
        shared.sort_by(|x, y| y.0.total_cmp(&x.0).then_with(|| x.1.cmp(&y.1)));
        shared
            .into_iter()
            .take(k)
            .filter_map(|(_, t)| self.shown_words.get(t as usize).cloned())
            .collect()
    }

    /// The labels of the themes both questions have.
    fn shared_themes(&self, a: usize, b: usize) -> Vec<String> {
        let (Some(pa), Some(pb)) = (self.prepared.get(a), self.prepared.get(b)) else {
            return Vec::new();
        };
        pa.themes
            .iter()
            .filter(|t| pb.themes.binary_search(t).is_ok())
            .filter_map(|&t| self.theme_labels.get(t as usize).cloned())
            .collect()
    }

    /// Why the question at `peer` is suggested to the asker of `anchor`, in Dutch, showing of the
    /// peer's asker only what `shown` allows: "Ook gesteld door een wijkprofessional (veiligheid)
    /// in Dijkmeer; jullie vragen gaan allebei over signalen en zorg (thema Preventief
    /// signaleren)."
    pub fn explain(&self, anchor: usize, peer: usize, shown: Shown) -> String {
        let Some(q) = self.questions.get(peer) else {
            return String::new();
        };
        let mut who = if shown.role {
            asker_noun(q.doelgroep.as_deref()).to_string()
        } else {
            "iemand".to_string()
        };
        if shown.role {
            if let Some(label) = q.sector.as_ref().and_then(|s| self.sector_labels.get(s)) {
                who.push_str(&format!(" ({})", label.to_lowercase()));
            }
        }
        if shown.gemeente {
            if let Some(g) = q.gemeente.as_deref().filter(|g| !g.trim().is_empty()) {
                who.push_str(&format!(" in {}", g.trim()));
            } else {
                who.push_str(" in een andere gemeente");
            }
        } else {
            who.push_str(" in een andere gemeente");
        }
        let words = self.shared_words(anchor, peer, 3);
        let themes = self.shared_themes(anchor, peer);
        let about = match (words.is_empty(), themes.is_empty()) {
            (false, false) => format!(
                "{} (thema {})",
                and_list(&words),
                and_list(&themes.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>())
            ),
            (false, true) => and_list(&words),
            (true, false) => format!(
                "het thema {}",
                and_list(&themes.iter().map(|t| t.to_lowercase()).collect::<Vec<_>>())
            ),
            (true, true) => "hetzelfde onderwerp, in andere woorden".to_string(),
        };
        let mut text = format!("Ook gesteld door {who}; jullie vragen gaan allebei over {about}.");
        let a = self.questions.get(anchor);
        if shown.role
            && self.about_working_together(anchor)
            && a.is_some_and(|a| a.doelgroep != q.doelgroep || a.sector != q.sector)
        {
            text.push_str(" Vanuit een andere rol of sector: zo leer je over grenzen heen.");
        }
        text
    }

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
        let theme = theme_count
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .and_then(|(t, _)| self.theme_labels.get(t as usize).cloned());
        Cluster {
            members,
            words,
            theme,
            gemeenten: places.len(),
        }
    }

    /// The theme slugs of the index, in taxonomy order.
    pub fn theme_slugs(&self) -> &[String] {
        &self.theme_slugs
    }
}

/// Peer quality on judged anchors: precision@3 of the suggestions (grade 2 counts), how often
/// an anchor with peers gets any, and how often one without gets nobody.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct PeerScores {
    /// Number of anchors.
    pub anchors: usize,
    /// Mean over anchors with a suggestion of (grade-2 peers among them) / (number suggested).
    pub precision3: f64,
    /// Mean over all anchors with a grade-2 peer of (grade-2 peers among the suggestions) / 3.
    pub precision3_strict: f64,
    /// Share of anchors with a grade-2 peer that get at least one suggestion.
    pub coverage: f64,
    /// Share of anchors without a grade-2 peer that get no suggestion.
    pub nobody_right: f64,
    /// Anchors without a grade-2 peer.
    pub anchors_without_peer: usize,
    /// The fitting objective: per anchor the precision of its suggestions (none: 0), or for an
    /// anchor without a peer 1 when nobody is suggested; averaged.
    pub utility: f64,
}

/// One judged anchor: its position in the index and the grades of other questions.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerJudgement {
    /// Position of the anchor in the index.
    pub anchor: usize,
    /// Position → grade (2 same need, 1 related).
    pub grades: HashMap<usize, u8>,
}

/// What the engine did for one judged anchor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnchorOutcome {
    /// Number of peers suggested.
    pub suggested: usize,
    /// Grade-2 peers among them.
    pub relevant: usize,
    /// Whether the anchor has a grade-2 peer at all.
    pub has_peer: bool,
}

/// The suggestions for one anchor with `params`, every question counting as consenting.
pub fn anchor_outcome(index: &PeerIndex, j: &PeerJudgement, params: &PeerParams) -> AnchorOutcome {
    let got = index.suggest(j.anchor, |_| true, params);
    AnchorOutcome {
        suggested: got.len(),
        relevant: got
            .iter()
            .filter(|s| j.grades.get(&s.index).copied() == Some(2))
            .count(),
        has_peer: j.grades.values().any(|&g| g == 2),
    }
}

/// The measures over a set of anchor outcomes.
pub fn aggregate(outcomes: &[AnchorOutcome]) -> PeerScores {
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (mut prec, mut strict, mut cover, mut nobody, mut utility) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for o in outcomes {
        let p = (o.suggested > 0).then(|| o.relevant as f64 / o.suggested as f64);
        if let Some(p) = p {
            prec.push(p);
        }
        if o.has_peer {
            strict.push(o.relevant as f64 / MAX_PEERS as f64);
            cover.push(if o.suggested > 0 { 1.0 } else { 0.0 });
            utility.push(p.unwrap_or(0.0));
        } else {
            let none = if o.suggested == 0 { 1.0 } else { 0.0 };
            nobody.push(none);
            utility.push(none);
        }
    }
    PeerScores {
        anchors: outcomes.len(),
        precision3: mean(&prec),
        precision3_strict: mean(&strict),
        coverage: mean(&cover),
        nobody_right: mean(&nobody),
        anchors_without_peer: nobody.len(),
        utility: mean(&utility),
    }
}

/// Scores the suggestions for `judged` with `params`; every question counts as consenting.
pub fn score_peers(
    index: &PeerIndex,
    judged: &[&PeerJudgement],
    params: &PeerParams,
) -> PeerScores {
    let outcomes: Vec<AnchorOutcome> = judged
        .iter()
        .map(|j| anchor_outcome(index, j, params))
        .collect();
    aggregate(&outcomes)
}

/// A cross-validation of peer matching: parameters fitted on the other folds, measured on each.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeerCvReport {
    /// Number of folds.
    pub folds: usize,
    /// The held-out measures pooled over all anchors (each with its own fold's parameters).
    pub held_out: PeerScores,
    /// Per fold: the parameters chosen on its training anchors and its held-out measures.
    pub per_fold: Vec<(PeerParams, PeerScores)>,
    /// The parameters chosen on all anchors, with their (in-sample) measures.
    pub in_sample: (PeerParams, PeerScores),
}

/// Cross-validates peer matching over `judged` in `folds` folds dealt in `order` (a shuffle of
/// the anchors' positions), anchors with and without a grade-2 peer spread evenly.
pub fn cross_validate(
    index: &PeerIndex,
    judged: &[PeerJudgement],
    folds: usize,
    order: &[usize],
) -> PeerCvReport {
    let folds = folds.clamp(2, judged.len().max(2));
    let mut sorted: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| i < judged.len())
        .collect();
    sorted.sort_by_key(|&i| !judged[i].grades.values().any(|&g| g == 2));
    let mut fold_of = vec![0; judged.len()];
    for (n, i) in sorted.into_iter().enumerate() {
        fold_of[i] = n % folds;
    }
    let mut pooled = Vec::new();
    let mut per_fold = Vec::new();
    for f in 0..folds {
        let train: Vec<&PeerJudgement> = judged
            .iter()
            .zip(&fold_of)
            .filter(|(_, &k)| k != f)
            .map(|(j, _)| j)
            .collect();
        let test: Vec<&PeerJudgement> = judged
            .iter()
            .zip(&fold_of)
            .filter(|(_, &k)| k == f)
            .map(|(j, _)| j)
            .collect();
        let params = fit_params(index, &train);
        let outcomes: Vec<AnchorOutcome> = test
            .iter()
            .map(|j| anchor_outcome(index, j, &params))
            .collect();
        per_fold.push((params, aggregate(&outcomes)));
        pooled.extend(outcomes);
    }
    let all: Vec<&PeerJudgement> = judged.iter().collect();
    let params = fit_params(index, &all);
    PeerCvReport {
        folds,
        held_out: aggregate(&pooled),
        per_fold,
        in_sample: (params, score_peers(index, &all, &params)),
    }
}

/// The parameters tried when fitting: theme and offering weights, threshold and mix bonus on a
/// grid. The mix bonus comes first, so that it stays where leaving it out scores no better.
pub fn parameter_grid() -> Vec<PeerParams> {
    let mut out = Vec::new();
    for w_theme in [0.0, 0.1, 0.2, 0.3] {
        for w_offer in [0.0, 0.25, 0.5, 1.0] {
            for t in 0..=24 {
                for w_mix in [0.05, 0.0] {
                    out.push(PeerParams {
                        w_theme,
                        w_offer,
                        threshold: 0.1 + 0.025 * f64::from(t),
                        w_mix,
                    });
                }
            }
        }
    }
    out
}

/// The parameters of the grid with the best utility on `judged`; ties go to the earlier.
pub fn fit_params(index: &PeerIndex, judged: &[&PeerJudgement]) -> PeerParams {
    let mut best = (f64::NEG_INFINITY, PeerParams::default());
    for p in parameter_grid() {
        let u = score_peers(index, judged, &p).utility;
        if u > best.0 + 1e-12 {
            best = (u, p);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(
        id: &str,
        vraag: &str,
        doelgroep: &str,
        sector: &str,
        gemeente: &str,
        themas: &[&str],
    ) -> LearningQuestion {
        LearningQuestion {
            id: id.into(),
            vraag: vraag.into(),
            doelgroep: Some(doelgroep.into()),
            sector: Some(sector.into()),
            gemeente: Some(gemeente.into()),
            themas: themas.iter().map(|t| t.to_string()).collect(),
            datum: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        }
    }

    fn sample() -> PeerIndex {
        let qs = vec![
            q("a", "Hoe werken wijkteam, school en corporatie samen bij signalen over gezinnen met schulden?", "wijkprofessionals", "sociaal-domein", "Utrecht", &["preventief-signaleren"]),
            q("b", "Signalen over schulden komen bij de corporatie binnen, maar we delen ze niet met het wijkteam. Hoe kan dat beter?", "wijkprofessionals", "wonen", "Dijkmeer", &["preventief-signaleren"]),
            q("c", "Hoe organiseren we een buurtfeest zodat nieuwe bewoners de buurt leren kennen?", "bewoners", "bewonersorganisaties", "Venlo", &["vertrouwen-en-verbinding"]),
            q("d", "Hoe delen wijkteam en corporatie signalen over schulden? Hoe doen andere gemeenten dat?", "beleidsmakers", "sociaal-domein", "Utrecht", &["preventief-signaleren"]),
            q("e", "Wij willen een buurtfeest organiseren zodat oude en nieuwe bewoners elkaar leren kennen.", "bewoners", "bewonersorganisaties", "Assen", &["vertrouwen-en-verbinding"]),
            q("f", "Welke training over ondermijning is er voor wijkagenten?", "wijkprofessionals", "veiligheid", "Breda", &["ondermijning"]),
            q("g", "Hoe pakken we zwerfafval rond de containers aan?", "wijkprofessionals", "openbare-ruimte", "Gouda", &["openbare-ruimte-en-beheer"]),
            q("h", "Wat werkt tegen eenzaamheid bij ouderen?", "beleidsmakers", "zorg", "Emmen", &["gezondheid"]),
        ];
        PeerIndex::new(qs, &Taxonomy::builtin(), &Thesaurus::builtin())
    }

    #[test]
    fn similar_questions_score_higher_than_unrelated_ones() {
        let idx = sample();
        let p = PeerParams::text_only();
        assert!(idx.similarity(0, 1, &p) > idx.similarity(0, 2, &p));
        assert!(idx.similarity(2, 4, &p) > idx.similarity(2, 0, &p));
        assert!((idx.similarity(0, 1, &p) - idx.similarity(1, 0, &p)).abs() < 1e-9);
    }

    #[test]
    fn suggests_across_municipalities_only_with_consent() {
        let idx = sample();
        let p = PeerParams::text_only();
        let got: Vec<usize> = idx
            .suggest(0, |_| true, &p)
            .iter()
            .map(|s| s.index)
            .collect();
        assert_eq!(got.first(), Some(&1), "{got:?}");
        assert!(
            !got.contains(&3),
            "same municipality (Utrecht) is never suggested"
        );
        assert!(!got.contains(&0));
        assert!(idx.suggest(0, |i| i != 1, &p).iter().all(|s| s.index != 1));
    }

    #[test]
    fn suggests_nobody_when_nobody_is_alike() {
        let qs = vec![
            q(
                "a",
                "Hoe zet je een leerwerkbedrijf op in de wijk?",
                "beleidsmakers",
                "werk-en-inkomen",
                "Heerlen",
                &["werk-en-inkomen"],
            ),
            q(
                "b",
                "Onze school wil meer doen aan gezonde voeding.",
                "wijkprofessionals",
                "onderwijs",
                "Assen",
                &["gezondheid"],
            ),
        ];
        let idx = PeerIndex::new(qs, &Taxonomy::builtin(), &Thesaurus::builtin());
        assert!(idx
            .suggest(0, |_| true, &PeerParams::text_only())
            .is_empty());
    }

    #[test]
    fn explanation_shows_only_what_is_consented() {
        let idx = sample();
        let full = idx.explain(
            0,
            1,
            Shown {
                role: true,
                gemeente: true,
            },
        );
        assert!(
            full.starts_with("Ook gesteld door een wijkprofessional"),
            "{full}"
        );
        assert!(full.contains("in Dijkmeer"), "{full}");
        assert!(full.contains("schulden"), "{full}");
        assert!(full.contains("Vanuit een andere rol of sector"), "{full}");
        let bare = idx.explain(0, 1, Shown::default());
        assert!(
            bare.starts_with("Ook gesteld door iemand in een andere gemeente"),
            "{bare}"
        );
        assert!(
            !bare.contains("Dijkmeer") && !bare.contains("wijkprofessional"),
            "{bare}"
        );
    }

    #[test]
    fn working_together_prefers_another_sector() {
        let idx = sample();
        assert!(idx.about_working_together(0));
        assert!(!idx.about_working_together(2));
    }

    #[test]
    fn clusters_group_alike_questions_with_their_municipalities() {
        let idx = sample();
        let all: Vec<usize> = (0..idx.len()).collect();
        let clusters = idx.clusters(&all, &PeerParams::text_only(), 2);
        assert_eq!(clusters.len(), 2, "{clusters:?}");
        let signals = clusters.iter().find(|c| c.members.contains(&0)).cloned();
        let Some(signals) = signals else { return };
        let mut m = signals.members.clone();
        m.sort_unstable();
        assert_eq!(m, vec![0, 1, 3]);
        assert_eq!(signals.gemeenten, 2);
        let summary = signals.summary();
        assert!(summary.starts_with("3 vragen over "), "{summary}");
        assert!(summary.ends_with(", 2 gemeenten"), "{summary}");
        assert!(
            summary.contains("signalen") || summary.contains("schulden"),
            "{summary}"
        );
    }

    #[test]
    fn clusters_need_the_minimum_size() {
        let idx = sample();
        let all: Vec<usize> = (0..idx.len()).collect();
        assert!(idx.clusters(&all, &PeerParams::text_only(), 4).is_empty());
    }

    #[test]
    fn scores_count_precision_and_nobody() {
        let idx = sample();
        let j1 = PeerJudgement {
            anchor: 0,
            grades: HashMap::from([(1, 2)]),
        };
        let j2 = PeerJudgement {
            anchor: 2,
            grades: HashMap::new(),
        };
        let s = score_peers(&idx, &[&j1, &j2], &PeerParams::text_only());
        assert_eq!(s.anchors, 2);
        assert_eq!(s.anchors_without_peer, 1);
        assert!(s.coverage > 0.99);
    }
}
