//! The matching engine: ranks learning offerings for a learning question with field-weighted BM25
//! over the Dutch analysis (stems, compounds, typos), a domain thesaurus, inferred themes and the
//! fit of target group, sector and date, explains each result in Dutch and says whether anything
//! fits well. Pure code: no I/O.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::analysis::{decompound, fold, is_stop_word, stem, words, MIN_PART};
use super::offering::Offering;
use super::taxonomy::Taxonomy;

/// Forms that tell stories rather than teach: the taxonomy describes a podcast as "gesprekken en
/// verhalen uit de praktijk". Such an offering is ranked and shown like any other, but it is not
/// the answer on which `passend` is decided: it inspires, it does not answer a learning question.
const STORY_FORMS: &[&str] = &["podcast"];

/// How many of the best results are looked at for the offering on which `passend` is decided
/// (the best one whose form can answer a question).
const FIT_CANDIDATES: usize = 3;

/// One thesaurus rule: a phrase (as a sequence of stems) and the phrases it expands to.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    from: Vec<String>,
    to: Vec<Expansion>,
}

/// A phrase a rule expands to: its stems and its written form (for the "waarom").
#[derive(Debug, Clone, PartialEq)]
struct Expansion {
    stems: Vec<String>,
    text: String,
}

/// A Dutch domain thesaurus that bridges how people ask and how offerings are written.
///
/// The text format has one rule per line; `#` starts a comment:
/// - `a, b => c, d`: the words or phrases on the left expand to those on the right (one way);
/// - `a = b = c`: the words or phrases are equivalent (each expands to the others).
///
/// Phrases are analysed like all text (folded, stemmed), so `geldzorgen` also matches `geldzorg`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thesaurus {
    rules: Vec<Rule>,
}

impl Thesaurus {
    /// Parses the thesaurus format; errors name the line (Dutch).
    pub fn parse(text: &str) -> Result<Thesaurus, String> {
        let mut rules = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let lineno = n + 1;
            let phrases = |side: &str| -> Result<Vec<Expansion>, String> {
                side.split(',')
                    .map(|p| {
                        let stems = phrase_stems(p);
                        if stems.is_empty() {
                            Err(format!(
                                "regel {lineno}: lege of nietszeggende term '{}'",
                                p.trim()
                            ))
                        } else {
                            Ok(Expansion {
                                stems,
                                text: p.trim().to_string(),
                            })
                        }
                    })
                    .collect()
            };
            if let Some((lhs, rhs)) = line.split_once("=>") {
                let from = phrases(lhs)?;
                let to = phrases(rhs)?;
                for f in from {
                    rules.push(Rule {
                        from: f.stems,
                        to: to.clone(),
                    });
                }
            } else if line.contains('=') {
                let group = phrases(&line.replace('=', ","))?;
                if group.len() < 2 {
                    return Err(format!(
                        "regel {lineno}: minstens twee gelijke termen nodig"
                    ));
                }
                for (i, f) in group.iter().enumerate() {
                    let to = group
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, e)| e.clone())
                        .collect();
                    rules.push(Rule {
                        from: f.stems.clone(),
                        to,
                    });
                }
            } else {
                return Err(format!(
                    "regel {lineno}: verwacht 'a, b => c' of 'a = b', niet '{line}'"
                ));
            }
        }
        Ok(Thesaurus { rules })
    }

    /// The built-in thesaurus of `data/thesaurus.txt`.
    pub fn builtin() -> Thesaurus {
        Thesaurus::parse(include_str!("../../data/thesaurus.txt")).unwrap_or_default()
    }

    /// Number of rules (one per left-hand phrase).
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the thesaurus has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// For a sequence of stems (a query without stop words): per position, the phrases (as
    /// stems) that the rules covering that position expand to. A position no rule covers gets
    /// an empty list.
    pub fn expansions(&self, stems: &[String]) -> Vec<Vec<Vec<String>>> {
        let mut out = vec![Vec::new(); stems.len()];
        for rule in &self.rules {
            let n = rule.from.len();
            if n == 0 || n > stems.len() {
                continue;
            }
            for i in 0..=stems.len() - n {
                if stems[i..i + n] == rule.from[..] {
                    for slot in &mut out[i..i + n] {
                        for e in &rule.to {
                            if !slot.contains(&e.stems) {
                                slot.push(e.stems.clone());
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// The stems of a phrase (folded, stop words dropped).
fn phrase_stems(text: &str) -> Vec<String> {
    let folded = fold(text);
    words(&folded)
        .filter(|w| !is_stop_word(w))
        .map(stem)
        .collect()
}

/// A learning question to match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatchQuery {
    /// The question in the asker's words.
    pub vraag: String,
    /// Target group slug of the asker.
    pub doelgroep: Option<String>,
    /// Sector slug of the asker.
    pub sector: Option<String>,
    /// Theme slugs given with the question; inferred from the text when empty.
    pub themas: Vec<String>,
}

/// A learning question with the themes a coordinator gave it, to learn the askers' vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledQuestion {
    /// The question in the asker's words.
    pub vraag: String,
    /// Theme slugs assigned by a coordinator.
    pub themas: Vec<String>,
}

impl LabelledQuestion {
    /// The question as an example, or `None` when it has no themes to learn from.
    pub fn new(vraag: &str, themas: &[String]) -> Option<LabelledQuestion> {
        (!themas.is_empty()).then(|| LabelledQuestion {
            vraag: vraag.to_string(),
            themas: themas.to_vec(),
        })
    }
}

/// One matched offering.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResult {
    /// Offering id.
    pub id: String,
    /// Offering title.
    pub titel: String,
    /// Score, higher is better (comparable within one question).
    pub score: f64,
    /// Dutch reasons.
    pub waarom: Vec<String>,
}

/// The signals behind `passend`, for diagnostics and gap analysis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct FitSignals {
    /// Share of the question's term weight that the best offering matches (0..1).
    pub dekking: f64,
    /// Like `dekking`, but a term counts by how prominently the offering uses it (0..1).
    pub nadruk: f64,
    /// Like `dekking`, but only over the title, keywords and summary of the best offering (0..1).
    pub focus: f64,
    /// How far the best text match stands out: its text score over the mean of the next nine.
    pub piek: f64,
    /// Share of the best offering's title (idf-weighted) that the question asks about (0..1).
    pub titel: f64,
    /// How strongly the best offering's themes agree with the question's (0..1).
    pub thema: f64,
    /// Salient coverage (0..1): like `dekking`, but each question word counts by its salience,
    /// its idf times the share of the offerings using it that do so in their title, keywords or
    /// summary (topic words score high, words of running prose low), and each question word the
    /// catalogue does not know counts as half a maximally rare missing word.
    pub kern: f64,
    /// The fit on which `passend` is decided (0..1): `kern`, lowered when the best offering is
    /// not meant for the asker's target group.
    pub zekerheid: f64,
}

/// The outcome of matching one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchOutcome {
    /// Whether a well-fitting offering was found (false feeds the gap analysis).
    pub passend: bool,
    /// The best offerings, best first.
    pub resultaten: Vec<MatchResult>,
    /// The signals behind `passend` (not serialised).
    #[serde(skip)]
    pub signalen: FitSignals,
}

/// The tunable weights of the matcher.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchParams {
    /// BM25 term saturation.
    pub k1: f64,
    /// BM25 length normalisation.
    pub b: f64,
    /// Field weight of the title.
    pub w_titel: f64,
    /// Field weight of the keywords.
    pub w_trefwoorden: f64,
    /// Field weight of the summary.
    pub w_samenvatting: f64,
    /// Field weight of the description.
    pub w_beschrijving: f64,
    /// Field weight of the labels of the offering's themes.
    pub w_themalabel: f64,
    /// Query weight of a compound part (the whole word has weight 1).
    pub q_part: f64,
    /// Query weight of a thesaurus expansion.
    pub q_thesaurus: f64,
    /// Query weight of a typo correction.
    pub q_typo: f64,
    /// Weight of theme agreement in the final score.
    pub w_theme: f64,
    /// Share of the question theme profile taken from the best text matches (the rest from the
    /// term-theme associations).
    pub theme_feedback: f64,
    /// Number of best text matches used for theme feedback.
    pub feedback_docs: usize,
    /// Bonus when the offering is for the asker's target group.
    pub w_doelgroep: f64,
    /// Bonus when the offering is for the asker's sector.
    pub w_sector: f64,
    /// Penalty for an offering that has ended.
    pub w_verlopen: f64,
    /// Factor on the fit when the best offering is not for the asker's target group.
    pub fit_andere_doelgroep: f64,
    /// Weight of a question word unknown to the catalogue in `kern`, relative to a maximally rare
    /// word.
    pub w_onbekend: f64,
    /// Threshold on the fit for `passend`.
    pub drempel: f64,
    /// Weight of one labelled learning question in the term-theme associations (an offering
    /// counts 1).
    pub w_vraagkennis: f64,
}

impl Default for MatchParams {
    fn default() -> MatchParams {
        MatchParams {
            k1: 1.2,
            b: 0.75,
            w_titel: 3.0,
            w_trefwoorden: 2.0,
            w_samenvatting: 1.5,
            w_beschrijving: 1.0,
            w_themalabel: 1.0,
            q_part: 0.6,
            q_thesaurus: 0.6,
            q_typo: 0.8,
            w_theme: 0.4,
            theme_feedback: 0.5,
            feedback_docs: 10,
            w_doelgroep: 0.15,
            w_sector: 0.05,
            w_verlopen: 0.1,
            fit_andere_doelgroep: 0.85,
            w_onbekend: 0.5,
            drempel: 0.21,
            w_vraagkennis: 1.0,
        }
    }
}

/// What an offering needs at query time besides its postings.
#[derive(Debug, Clone)]
struct Doc {
    id: String,
    titel: String,
    themes: Vec<u16>,
    doelgroepen: Vec<String>,
    sectoren: Vec<String>,
    current: bool,
    len: f64,
    title_terms: Vec<u32>,
    /// Whether the offering's form can answer a question (not one of [`STORY_FORMS`]).
    answers: bool,
}

/// One weighted query term.
#[derive(Debug, Clone)]
struct QTerm {
    term: u32,
    weight: f64,
    /// The word shown in the "waarom".
    label: String,
    /// The original term this one stands for (itself, or the word it was expanded from), so
    /// coverage counts a question word once.
    origin: usize,
}

/// The matching engine over one catalogue; build once, query many times.
#[derive(Debug, Clone)]
pub struct Matcher {
    params: MatchParams,
    docs: Vec<Doc>,
    term_ids: HashMap<String, u32>,
    postings: Vec<Vec<(u32, f32, f32)>>,
    idf: Vec<f64>,
    /// Per term: the share of the offerings using it that do so in title, keywords or summary
    /// (smoothed), a measure of how topical the term is.
    focus_share: Vec<f64>,
    avg_len: f64,
    /// Folded catalogue words, for decompounding.
    vocabulary: HashSet<String>,
    /// Single-deletion variants of the catalogue words, for typo tolerance: deletion → indexes
    /// into `typo_words`.
    deletions: HashMap<String, Vec<u32>>,
    /// Catalogue words (folded, sorted) with their indexed term.
    typo_words: Vec<(String, u32)>,
    /// Per term: the themes it points to, with strength (0..1).
    theme_assoc: Vec<Vec<(u16, f32)>>,
    theme_slugs: Vec<String>,
    theme_labels: Vec<String>,
    group_labels: HashMap<String, String>,
    sector_labels: HashMap<String, String>,
    thesaurus: Thesaurus,
}

/// Collects weighted stems for one document while building.
struct TermSink<'a> {
    vocabulary: &'a HashSet<String>,
    stems: &'a mut HashMap<String, String>,
}

impl TermSink<'_> {
    fn stem_cached(&mut self, word: &str) -> String {
        if let Some(s) = self.stems.get(word) {
            return s.clone();
        }
        let s = stem(word);
        self.stems.insert(word.to_string(), s.clone());
        s
    }

    /// Adds the terms of `text` with field weight `w`; returns the weighted length.
    fn add(
        &mut self,
        text: &str,
        w: f64,
        part_w: f64,
        tf: &mut HashMap<String, (f64, f64)>,
        focus: bool,
    ) -> f64 {
        let folded = fold(text);
        let mut len = 0.0;
        for word in words(&folded) {
            if is_stop_word(word) {
                continue;
            }
            len += w;
            let s = self.stem_cached(word);
            let e = tf.entry(s).or_insert((0.0, 0.0));
            e.0 += w;
            if focus {
                e.1 += w;
            }
            if word.len() >= 2 * MIN_PART {
                for part in decompound(word, self.vocabulary) {
                    if !is_stop_word(&part) {
                        let s = self.stem_cached(&part);
                        let e = tf.entry(s).or_insert((0.0, 0.0));
                        e.0 += w * part_w;
                        if focus {
                            e.1 += w * part_w;
                        }
                    }
                }
            }
        }
        len
    }
}

impl Matcher {
    /// Builds a matcher with the default weights.
    pub fn new(
        offerings: &[Offering],
        taxonomy: &Taxonomy,
        thesaurus: &Thesaurus,
        today: NaiveDate,
    ) -> Matcher {
        Matcher::with_params(
            offerings,
            taxonomy,
            thesaurus,
            today,
            MatchParams::default(),
        )
    }

    /// Builds a matcher with explicit weights.
    pub fn with_params(
        offerings: &[Offering],
        taxonomy: &Taxonomy,
        thesaurus: &Thesaurus,
        today: NaiveDate,
        params: MatchParams,
    ) -> Matcher {
        Matcher::build(offerings, &[], taxonomy, thesaurus, today, params)
    }

    /// Builds a matcher that also learns which words point to which theme from learning questions
    /// whose themes a coordinator assigned: the askers' own vocabulary next to the catalogue's.
    pub fn with_demand(
        offerings: &[Offering],
        demand: &[LabelledQuestion],
        taxonomy: &Taxonomy,
        thesaurus: &Thesaurus,
        today: NaiveDate,
    ) -> Matcher {
        Matcher::build(
            offerings,
            demand,
            taxonomy,
            thesaurus,
            today,
            MatchParams::default(),
        )
    }

    fn build(
        offerings: &[Offering],
        demand: &[LabelledQuestion],
        taxonomy: &Taxonomy,
        thesaurus: &Thesaurus,
        today: NaiveDate,
        params: MatchParams,
    ) -> Matcher {
        let theme_slugs: Vec<String> = taxonomy.themas.iter().map(|t| t.slug.clone()).collect();
        let theme_labels: Vec<String> = taxonomy.themas.iter().map(|t| t.label.clone()).collect();
        let theme_index: HashMap<&str, u16> = theme_slugs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i as u16))
            .collect();

        // Vocabulary for decompounding: catalogue and taxonomy words of useful length.
        let mut vocabulary = HashSet::new();
        let mut add_vocab = |text: &str| {
            let folded = fold(text);
            for w in words(&folded) {
                if w.len() >= MIN_PART && !is_stop_word(w) && w.is_ascii() {
                    vocabulary.insert(w.to_string());
                }
            }
        };
        for o in offerings {
            add_vocab(&o.titel);
            add_vocab(&o.samenvatting);
            add_vocab(&o.beschrijving);
            o.trefwoorden.iter().for_each(|t| add_vocab(t));
        }
        for t in &taxonomy.themas {
            add_vocab(&t.label);
            add_vocab(&t.description);
        }

        let mut stems = HashMap::new();
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut postings: Vec<Vec<(u32, f32, f32)>> = Vec::new();
        let mut docs = Vec::with_capacity(offerings.len());
        // Per term, per theme: the share of documents with that theme.
        let mut theme_counts: Vec<HashMap<u16, f64>> = Vec::new();
        for (d, o) in offerings.iter().enumerate() {
            let mut tf = HashMap::new();
            let mut sink = TermSink {
                vocabulary: &vocabulary,
                stems: &mut stems,
            };
            let p = params.q_part;
            let mut len = sink.add(&o.titel, params.w_titel, p, &mut tf, true);
            len += sink.add(
                &o.trefwoorden.join(" . "),
                params.w_trefwoorden,
                p,
                &mut tf,
                true,
            );
            len += sink.add(&o.samenvatting, params.w_samenvatting, p, &mut tf, true);
            len += sink.add(&o.beschrijving, params.w_beschrijving, p, &mut tf, false);
            let themes: Vec<u16> = o
                .themas
                .iter()
                .filter_map(|s| theme_index.get(s.as_str()).copied())
                .collect();
            for &t in &themes {
                let label = &theme_labels[t as usize];
                len += sink.add(label, params.w_themalabel, p, &mut tf, false);
            }
            let mut entries: Vec<(String, (f64, f64))> = tf.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (s, (w, wf)) in entries {
                let next = term_ids.len() as u32;
                let id = *term_ids.entry(s).or_insert(next);
                if id == next {
                    postings.push(Vec::new());
                    theme_counts.push(HashMap::new());
                }
                postings[id as usize].push((d as u32, w as f32, wf as f32));
                for &t in &themes {
                    *theme_counts[id as usize].entry(t).or_insert(0.0) += 1.0 / themes.len() as f64;
                }
            }
            let title_terms: Vec<u32> = {
                let folded = fold(&o.titel);
                let mut v: Vec<u32> = words(&folded)
                    .filter(|w| !is_stop_word(w))
                    .filter_map(|w| {
                        term_ids
                            .get(&stems.get(w).cloned().unwrap_or_else(|| stem(w)))
                            .copied()
                    })
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            };
            docs.push(Doc {
                title_terms,
                id: o.id.clone(),
                titel: o.titel.clone(),
                themes,
                doelgroepen: o.doelgroepen.clone(),
                sectoren: o.sectoren.clone(),
                current: o.is_current(today),
                len,
                answers: !STORY_FORMS.contains(&o.vorm.as_str()),
            });
        }
        // Learning questions with coordinator-assigned themes: their words count towards the
        // term-theme associations only (not towards text relevance).
        let mut demand_df: Vec<f64> = vec![0.0; postings.len()];
        for q in demand {
            let themes: Vec<u16> = q
                .themas
                .iter()
                .filter_map(|s| theme_index.get(s.as_str()).copied())
                .collect();
            if themes.is_empty() {
                continue;
            }
            let folded = fold(&q.vraag);
            // Stems of the words and their compound parts, each once, in a fixed order.
            let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
            for w in words(&folded).filter(|w| !is_stop_word(w)) {
                seen.insert(stem(w));
                if w.len() >= 2 * MIN_PART {
                    let parts = decompound(w, &vocabulary);
                    seen.extend(parts.iter().filter(|p| !is_stop_word(p)).map(|p| stem(p)));
                }
            }
            for s in seen {
                let next = term_ids.len() as u32;
                let id = *term_ids.entry(s).or_insert(next);
                if id == next {
                    postings.push(Vec::new());
                    theme_counts.push(HashMap::new());
                    demand_df.push(0.0);
                }
                demand_df[id as usize] += params.w_vraagkennis;
                for &t in &themes {
                    *theme_counts[id as usize].entry(t).or_insert(0.0) +=
                        params.w_vraagkennis / themes.len() as f64;
                }
            }
        }
        let n = docs.len().max(1) as f64;
        let avg_len = (docs.iter().map(|d| d.len).sum::<f64>() / n).max(1.0);
        let idf: Vec<f64> = postings
            .iter()
            .map(|p| {
                let df = p.len() as f64;
                (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
            })
            .collect();
        let focus_share: Vec<f64> = postings
            .iter()
            .map(|p| {
                let focus = p.iter().filter(|x| x.2 > 0.0).count() as f64;
                (focus + 0.5) / (p.len() as f64 + 1.0)
            })
            .collect();

        // Term-theme associations: catalogue co-occurrence plus the taxonomy's own words.
        let mut desc_terms: Vec<HashSet<String>> = Vec::new();
        for t in &taxonomy.themas {
            let mut set: HashSet<String> = phrase_stems(&t.label).into_iter().collect();
            set.extend(phrase_stems(&t.description));
            desc_terms.push(set);
        }
        let desc_weight = 3.0;
        let smoothing = 1.0;
        let theme_assoc: Vec<Vec<(u16, f32)>> = term_ids
            .iter()
            .map(|(s, &id)| (s, id))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .fold(vec![Vec::new(); postings.len()], |mut acc, (s, id)| {
                let counts = &theme_counts[id as usize];
                let mut per_theme: HashMap<u16, f64> = counts.clone();
                let mut in_desc = 0.0;
                for (t, set) in desc_terms.iter().enumerate() {
                    if set.contains(s) {
                        *per_theme.entry(t as u16).or_insert(0.0) += desc_weight;
                        in_desc += desc_weight;
                    }
                }
                let total = postings[id as usize].len() as f64
                    + demand_df[id as usize]
                    + in_desc
                    + smoothing;
                let mut v: Vec<(u16, f32)> = per_theme
                    .into_iter()
                    .map(|(t, c)| (t, (c / total) as f32))
                    .collect();
                v.sort_by_key(|x| x.0);
                acc[id as usize] = v;
                acc
            });

        let mut typo_words: Vec<(String, u32)> = stems
            .iter()
            .filter(|(w, _)| w.len() >= 5 && w.is_ascii())
            .filter_map(|(w, s)| term_ids.get(s).map(|&id| (w.clone(), id)))
            .collect();
        typo_words.sort();
        let mut deletions: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, (w, _)) in typo_words.iter().enumerate() {
            for del in single_deletions(w) {
                deletions.entry(del).or_default().push(i as u32);
            }
        }
        for v in deletions.values_mut() {
            v.sort_unstable();
            v.dedup();
        }

        let label_map = |terms: &[super::taxonomy::Term]| {
            terms
                .iter()
                .map(|t| (t.slug.clone(), t.label.clone()))
                .collect::<HashMap<_, _>>()
        };
        Matcher {
            params,
            docs,
            term_ids,
            postings,
            idf,
            focus_share,
            avg_len,
            vocabulary,
            deletions,
            typo_words,
            theme_assoc,
            theme_slugs,
            theme_labels,
            group_labels: label_map(&taxonomy.doelgroepen),
            sector_labels: label_map(&taxonomy.sectoren),
            thesaurus: thesaurus.clone(),
        }
    }

    /// Number of offerings in the matcher.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when the matcher holds no offerings.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The indexed term for an unknown (folded) question word with a single typo: a catalogue
    /// word one insertion, deletion, substitution or transposition away.
    fn lookup_typo(&self, word: &str) -> Option<u32> {
        if word.len() < 5 || !word.is_ascii() {
            return None;
        }
        let mut found: Vec<u32> = Vec::new();
        if let Some(v) = self.deletions.get(word) {
            found.extend(v);
        }
        for del in single_deletions(word) {
            if let Ok(i) = self
                .typo_words
                .binary_search_by(|(w, _)| w.as_str().cmp(&del))
            {
                found.push(i as u32);
            }
            if let Some(v) = self.deletions.get(&del) {
                found.extend(v);
            }
        }
        found.sort_unstable();
        found.dedup();
        // A shared deletion can be two edits away: check, then prefer the most common term.
        found
            .into_iter()
            .map(|i| &self.typo_words[i as usize])
            .filter(|(w, _)| within_one_edit(word, w))
            .map(|(w, id)| (*id, w.as_str()))
            .max_by(|a, b| {
                self.postings[a.0 as usize]
                    .len()
                    .cmp(&self.postings[b.0 as usize].len())
                    .then_with(|| b.0.cmp(&a.0))
                    .then_with(|| b.1.cmp(a.1))
            })
            .map(|(id, _)| id)
    }

    /// Keeps the best `k` of `items` (by score, ties by offering id), best first.
    fn top_k<T: Copy>(&self, items: &mut Vec<T>, k: usize, key: impl Fn(&T) -> (usize, f64)) {
        let cmp = |a: &T, b: &T| {
            let (da, sa) = key(a);
            let (db, sb) = key(b);
            sb.partial_cmp(&sa)
                .unwrap_or(Ordering::Equal)
                .then_with(|| self.docs[da].id.cmp(&self.docs[db].id))
        };
        if k == 0 {
            items.clear();
            return;
        }
        if items.len() > k {
            items.select_nth_unstable_by(k - 1, cmp);
            items.truncate(k);
        }
        items.sort_by(cmp);
    }

    /// Analyses the question into weighted indexed terms.
    fn query_terms(&self, vraag: &str) -> (Vec<QTerm>, usize) {
        let p = &self.params;
        let folded = fold(vraag);
        // Main sequence: (folded word, stem), stop words dropped.
        let seq: Vec<(String, String)> = words(&folded)
            .filter(|w| !is_stop_word(w))
            .map(|w| (w.to_string(), stem(w)))
            .collect();
        let mut out: Vec<QTerm> = Vec::new();
        let push = |out: &mut Vec<QTerm>, term: u32, weight: f64, label: &str, origin: usize| {
            out.push(QTerm {
                term,
                weight,
                label: label.to_string(),
                origin,
            });
        };
        // Words a thesaurus rule knows are real words, not typos of a catalogue word.
        let main_stems: Vec<String> = seq.iter().map(|(_, s)| s.clone()).collect();
        let by_thesaurus = self.thesaurus.expansions(&main_stems);
        // Stems of the question (with compound parts), for thesaurus matching.
        let mut part_stems: Vec<(String, usize)> = Vec::new();
        for (origin, (word, s)) in seq.iter().enumerate() {
            let term = self.term_ids.get(s).copied();
            if let Some(id) = term {
                push(&mut out, id, 1.0, word, origin);
            }
            // Known to the catalogue text (not only from learning questions).
            let known = term.filter(|&id| !self.postings[id as usize].is_empty());
            let parts = if word.len() >= 2 * MIN_PART {
                decompound(word, &self.vocabulary)
            } else {
                Vec::new()
            };
            for part in &parts {
                if is_stop_word(part) {
                    continue;
                }
                let ps = stem(part);
                if let Some(&id) = self.term_ids.get(&ps) {
                    let w = if known.is_some() {
                        p.q_part
                    } else {
                        p.q_part.max(0.8)
                    };
                    push(&mut out, id, w, part, origin);
                }
                part_stems.push((ps, origin));
            }
            if known.is_none() && parts.is_empty() && by_thesaurus[origin].is_empty() {
                if let Some(id) = self.lookup_typo(word) {
                    push(&mut out, id, p.q_typo, word, origin);
                }
            }
        }
        // Thesaurus: phrases over the main sequence, single words also over compound parts.
        let stems: Vec<&str> = seq.iter().map(|(_, s)| s.as_str()).collect();
        for rule in &self.thesaurus.rules {
            let n = rule.from.len();
            let mut origin = None;
            if n <= stems.len() {
                for i in 0..=stems.len() - n {
                    if stems[i..i + n].iter().zip(&rule.from).all(|(a, b)| *a == b) {
                        origin = Some(i);
                        break;
                    }
                }
            }
            if origin.is_none() && n == 1 {
                origin = part_stems
                    .iter()
                    .find(|(s, _)| *s == rule.from[0])
                    .map(|(_, o)| *o);
            }
            let Some(origin) = origin else { continue };
            for e in &rule.to {
                let share = p.q_thesaurus / e.stems.len() as f64;
                for s in &e.stems {
                    if let Some(&id) = self.term_ids.get(s) {
                        push(
                            &mut out,
                            id,
                            share.max(p.q_thesaurus * 0.5),
                            &e.text,
                            origin,
                        );
                    }
                }
            }
        }
        // Question words the catalogue does not know at all (not even through the thesaurus).
        let covered: HashSet<usize> = out.iter().map(|q| q.origin).collect();
        let unknown = seq
            .iter()
            .enumerate()
            .filter(|(i, (w, _))| {
                !covered.contains(i) && w.len() >= 4 && !w.bytes().all(|b| b.is_ascii_digit())
            })
            .count();
        // Merge duplicates: keep the strongest weight per term, summing repeated question words
        // sub-linearly.
        let mut merged: Vec<QTerm> = Vec::new();
        let mut at: HashMap<u32, usize> = HashMap::new();
        for q in out {
            match at.get(&q.term) {
                Some(&i) => {
                    let m = &mut merged[i];
                    if q.weight > m.weight {
                        m.weight = q.weight + 0.25 * m.weight;
                        m.label = q.label;
                        m.origin = q.origin;
                    } else {
                        m.weight += 0.25 * q.weight;
                    }
                }
                None => {
                    at.insert(q.term, merged.len());
                    merged.push(q);
                }
            }
        }
        merged.sort_by_key(|q| q.term);
        (merged, unknown)
    }

    /// Ranks the offerings for a question: the best `k`, best first.
    pub fn match_question(&self, q: &MatchQuery, k: usize) -> MatchOutcome {
        let p = &self.params;
        let (qterms, unknown) = self.query_terms(&q.vraag);
        let n = self.docs.len();
        let mut text = vec![0.0f64; n];
        for qt in &qterms {
            let idf = self.idf[qt.term as usize];
            for &(d, tf, _) in &self.postings[qt.term as usize] {
                let tf = f64::from(tf);
                let norm = p.k1 * (1.0 - p.b + p.b * self.docs[d as usize].len / self.avg_len);
                text[d as usize] += qt.weight * idf * tf * (p.k1 + 1.0) / (tf + norm);
            }
        }
        let max_text = text.iter().copied().fold(0.0, f64::max);
        let text_n: Vec<f64> = text
            .iter()
            .map(|t| if max_text > 0.0 { t / max_text } else { 0.0 })
            .collect();

        let profile = self.theme_profile(q, &qterms, &text_n);
        let mut scored: Vec<(usize, f64, f64)> = Vec::with_capacity(n);
        for (d, doc) in self.docs.iter().enumerate() {
            let theme: f64 = doc
                .themes
                .iter()
                .map(|&t| profile[t as usize])
                .sum::<f64>()
                .min(1.0);
            let mut s = text_n[d] + p.w_theme * theme;
            if let Some(g) = &q.doelgroep {
                if doc.doelgroepen.iter().any(|x| x == g) {
                    s += p.w_doelgroep;
                }
            }
            if let Some(sec) = &q.sector {
                if doc.sectoren.iter().any(|x| x == sec) {
                    s += p.w_sector;
                }
            }
            if !doc.current {
                s -= p.w_verlopen;
            }
            if text[d] > 0.0 || theme > 0.0 {
                scored.push((d, s, theme));
            }
        }
        self.top_k(&mut scored, k, |x| (x.0, x.1));

        let piek = {
            let mut t: Vec<(usize, f64)> = text
                .iter()
                .copied()
                .enumerate()
                .filter(|x| x.1 > 0.0)
                .collect();
            self.top_k(&mut t, 10, |x| *x);
            let rest: Vec<f64> = t.iter().skip(1).map(|x| x.1).collect();
            if rest.is_empty() || max_text <= 0.0 {
                0.0
            } else {
                max_text / (rest.iter().sum::<f64>() / rest.len() as f64)
            }
        };
        let signalen = self.fit(
            &qterms,
            unknown,
            q.doelgroep.as_ref(),
            scored
                .iter()
                .take(FIT_CANDIDATES)
                .find(|x| self.docs[x.0].answers)
                .map(|x| (x.0, x.2)),
            piek,
        );
        let resultaten = scored
            .iter()
            .map(|&(d, s, _)| MatchResult {
                id: self.docs[d].id.clone(),
                titel: self.docs[d].titel.clone(),
                score: (s * 10000.0).round() / 10000.0,
                waarom: self.reasons(q, &qterms, &profile, d),
            })
            .collect();
        MatchOutcome {
            passend: signalen.zekerheid >= p.drempel,
            resultaten,
            signalen,
        }
    }

    /// The question's theme profile: per theme a weight in 0..1.
    fn theme_profile(&self, q: &MatchQuery, qterms: &[QTerm], text_n: &[f64]) -> Vec<f64> {
        let nt = self.theme_slugs.len();
        let mut profile = vec![0.0; nt];
        if !q.themas.is_empty() {
            for (i, s) in self.theme_slugs.iter().enumerate() {
                if q.themas.contains(s) {
                    profile[i] = 1.0;
                }
            }
            return profile;
        }
        // Term associations, weighted by idf.
        let mut assoc = vec![0.0; nt];
        let mut mass = 0.0;
        for qt in qterms {
            let w = qt.weight * self.idf[qt.term as usize];
            mass += w;
            for &(t, a) in &self.theme_assoc[qt.term as usize] {
                assoc[t as usize] += w * f64::from(a);
            }
        }
        if mass > 0.0 {
            assoc.iter_mut().for_each(|a| *a /= mass);
        }
        let top = assoc.iter().copied().fold(0.0, f64::max);
        if top > 0.0 {
            assoc.iter_mut().for_each(|a| *a /= top);
        }
        // Feedback from the best text matches.
        let mut best: Vec<(usize, f64)> = text_n
            .iter()
            .copied()
            .enumerate()
            .filter(|x| x.1 > 0.0)
            .collect();
        self.top_k(&mut best, self.params.feedback_docs, |x| *x);
        let mut fb = vec![0.0; nt];
        let total: f64 = best.iter().map(|x| x.1).sum();
        for &(d, s) in &best {
            let doc = &self.docs[d];
            for &t in &doc.themes {
                fb[t as usize] += s / doc.themes.len() as f64;
            }
        }
        let top_fb = fb.iter().copied().fold(0.0, f64::max);
        if total > 0.0 && top_fb > 0.0 {
            fb.iter_mut().for_each(|a| *a /= top_fb);
        }
        let g = self.params.theme_feedback;
        for i in 0..nt {
            profile[i] = (1.0 - g) * assoc[i] + g * fb[i];
        }
        profile
    }

    /// The fit of the best result.
    fn fit(
        &self,
        qterms: &[QTerm],
        unknown: usize,
        doelgroep: Option<&String>,
        best: Option<(usize, f64)>,
        piek: f64,
    ) -> FitSignals {
        let Some((d, theme)) = best else {
            return FitSignals::default();
        };
        // Per question word: the best weight*idf of any term standing for it, and whether the
        // document has one of those terms.
        let mut want: HashMap<usize, f64> = HashMap::new();
        let mut got: HashMap<usize, f64> = HashMap::new();
        let mut soft: HashMap<usize, f64> = HashMap::new();
        let mut foc: HashMap<usize, f64> = HashMap::new();
        let mut sal_want: HashMap<usize, f64> = HashMap::new();
        let mut sal_got: HashMap<usize, f64> = HashMap::new();
        let norm = self.params.k1
            * (1.0 - self.params.b + self.params.b * self.docs[d].len / self.avg_len);
        for qt in qterms {
            let w = qt.weight * self.idf[qt.term as usize];
            let e = want.entry(qt.origin).or_insert(0.0);
            *e = e.max(w);
            let sw = w * self.focus_share[qt.term as usize];
            let e = sal_want.entry(qt.origin).or_insert(0.0);
            *e = e.max(sw);
            let post = &self.postings[qt.term as usize];
            if let Ok(i) = post.binary_search_by_key(&(d as u32), |x| x.0) {
                let g = sal_got.entry(qt.origin).or_insert(0.0);
                *g = g.max(sw);
                let g = got.entry(qt.origin).or_insert(0.0);
                *g = g.max(w);
                let tf = f64::from(post[i].1);
                let s = soft.entry(qt.origin).or_insert(0.0);
                *s = s.max(w * tf / (tf + norm));
                if post[i].2 > 0.0 {
                    let f = foc.entry(qt.origin).or_insert(0.0);
                    *f = f.max(w);
                }
            }
        }
        let n = self.docs.len() as f64;
        let rarest = (1.0 + (n + 0.5) / 0.5).ln();
        let total: f64 = want.values().sum::<f64>() + unknown as f64 * rarest;
        let sal_total: f64 =
            sal_want.values().sum::<f64>() + unknown as f64 * rarest * self.params.w_onbekend;
        let kern = if sal_total > 0.0 {
            sal_got.values().sum::<f64>() / sal_total
        } else {
            0.0
        };
        let dekking = if total > 0.0 {
            got.values().sum::<f64>() / total
        } else {
            0.0
        };
        let nadruk = if total > 0.0 {
            soft.values().sum::<f64>() / total
        } else {
            0.0
        };
        let focus = if total > 0.0 {
            foc.values().sum::<f64>() / total
        } else {
            0.0
        };
        let asked: HashSet<u32> = qterms.iter().map(|q| q.term).collect();
        let tt = &self.docs[d].title_terms;
        let tmass: f64 = tt.iter().map(|&t| self.idf[t as usize]).sum();
        let tgot: f64 = tt
            .iter()
            .filter(|t| asked.contains(t))
            .map(|&t| self.idf[t as usize])
            .sum();
        let titel = if tmass > 0.0 { tgot / tmass } else { 0.0 };
        let other_group =
            doelgroep.is_some_and(|g| !self.docs[d].doelgroepen.iter().any(|x| x == g));
        let zekerheid = kern
            * if other_group {
                self.params.fit_andere_doelgroep
            } else {
                1.0
            };
        FitSignals {
            dekking,
            nadruk,
            focus,
            piek,
            titel,
            thema: theme,
            kern,
            zekerheid,
        }
    }

    /// The Dutch reasons for one result.
    fn reasons(&self, q: &MatchQuery, qterms: &[QTerm], profile: &[f64], d: usize) -> Vec<String> {
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
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} en {last}", rest.join(", ")),
    }
}

/// The variants of an ASCII word with one character deleted.
fn single_deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    (0..word.len()).map(move |i| {
        let mut del = String::with_capacity(word.len());
        del.push_str(&word[..i]);
        del.push_str(&word[i + 1..]);
        del
    })
}

/// True when `a` and `b` differ by at most one insertion, deletion, substitution or
/// transposition of adjacent characters (ASCII).
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return true;
    }
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    match la.cmp(&lb) {
        Ordering::Equal => {
            ra[1..] == rb[1..]
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        Ordering::Greater => ra[1..] == *rb,
        Ordering::Less => *ra == rb[1..],
    }
}

#[cfg(test)]
mod tests {
    use super::super::offering::Location;
    use super::super::taxonomy::Term;
    use super::*;

    fn term(slug: &str, label: &str, description: &str) -> Term {
        Term {
            slug: slug.into(),
            label: label.into(),
            description: description.into(),
        }
    }

    fn taxonomy() -> Taxonomy {
        Taxonomy {
            themas: vec![
                term(
                    "ondermijning",
                    "Ondermijning",
                    "Drugscriminaliteit en witwassen in de wijk.",
                ),
                term(
                    "armoede-en-schulden",
                    "Armoede en schulden",
                    "Geldzorgen en schuldhulpverlening.",
                ),
                term(
                    "zorg",
                    "Zorg en kwetsbare bewoners",
                    "Verward of onbegrepen gedrag.",
                ),
            ],
            doelgroepen: vec![
                term("bewoners", "Bewoners", ""),
                term("wijkprofessionals", "Wijkprofessionals", ""),
            ],
            sectoren: vec![
                term("veiligheid", "Veiligheid", ""),
                term("zorg", "Zorg", ""),
            ],
            vormen: vec![term("training", "Training", "")],
            vraagstukken: Vec::new(),
        }
    }

    fn offering(
        id: &str,
        titel: &str,
        tekst: &str,
        thema: &str,
        groep: &str,
        end: Option<&str>,
    ) -> Offering {
        Offering {
            id: id.into(),
            titel: titel.into(),
            samenvatting: tekst.into(),
            beschrijving: format!("{tekst} In deze bijeenkomst leer je van elkaar."),
            aanbieder: "Kenniscentrum".into(),
            partners: Vec::new(),
            vorm: "training".into(),
            themas: vec![thema.into()],
            doelgroepen: vec![groep.into()],
            sectoren: vec!["veiligheid".into()],
            trefwoorden: Vec::new(),
            kosten: "gratis".into(),
            locatie: Location::Online,
            regio: "landelijk".into(),
            startdatum: end.and_then(|e| NaiveDate::parse_from_str(e, "%Y-%m-%d").ok()),
            einddatum: end.and_then(|e| NaiveDate::parse_from_str(e, "%Y-%m-%d").ok()),
            url: "https://a.example".into(),
        }
    }

    fn catalogue() -> Vec<Offering> {
        vec![
            offering(
                "ondermijning-politie",
                "Ondermijning aanpakken",
                "Drugscriminaliteit en witwassen herkennen in de wijk.",
                "ondermijning",
                "wijkprofessionals",
                None,
            ),
            offering(
                "ondermijning-bewoners",
                "Ondermijning aanpakken",
                "Drugscriminaliteit en witwassen herkennen in de wijk.",
                "ondermijning",
                "bewoners",
                None,
            ),
            offering(
                "schulden",
                "Schulden en armoede",
                "Schuldhulpverlening dichtbij in de wijk.",
                "armoede-en-schulden",
                "bewoners",
                None,
            ),
            offering(
                "verward-oud",
                "Verward gedrag op straat",
                "Omgaan met verward gedrag en de-escalatie.",
                "zorg",
                "wijkprofessionals",
                Some("2025-01-10"),
            ),
            offering(
                "verward-nieuw",
                "Verward gedrag herkennen",
                "Omgaan met verward gedrag en de-escalatie.",
                "zorg",
                "wijkprofessionals",
                Some("2027-01-10"),
            ),
        ]
    }

    fn thesaurus() -> Thesaurus {
        Thesaurus::parse(
            "# test\ndrugsdealers, georganiseerde criminaliteit => ondermijning\n\
             geldzorgen => schulden\nonbegrepen gedrag = verward gedrag\nbuurt = wijk\n",
        )
        .unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn matcher() -> Matcher {
        Matcher::new(&catalogue(), &taxonomy(), &thesaurus(), today())
    }

    fn ask(vraag: &str, doelgroep: Option<&str>) -> MatchQuery {
        MatchQuery {
            vraag: vraag.into(),
            doelgroep: doelgroep.map(String::from),
            sector: None,
            themas: Vec::new(),
        }
    }

    fn ids(o: &MatchOutcome) -> Vec<&str> {
        o.resultaten.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn parses_thesaurus_and_reports_bad_lines() {
        let t = thesaurus();
        assert_eq!(t.len(), 2 + 1 + 2 + 2);
        assert!(Thesaurus::parse("alleen een woord")
            .unwrap_err()
            .contains("regel 1"));
        assert!(Thesaurus::parse("\n# x\nde => wijk")
            .unwrap_err()
            .contains("regel 3"));
        assert!(!Thesaurus::builtin().is_empty());
    }

    #[test]
    fn thesaurus_bridges_question_words() {
        let m = matcher();
        let o = m.match_question(&ask("Er zijn drugsdealers actief", None), 3);
        assert!(ids(&o)[0].starts_with("ondermijning"), "{:?}", ids(&o));
        let o = m.match_question(&ask("Ik heb geldzorgen", None), 3);
        assert_eq!(ids(&o)[0], "schulden");
        let o = m.match_question(&ask("onbegrepen gedrag bij een bewoner", None), 3);
        assert!(ids(&o)[0].starts_with("verward"));
    }

    #[test]
    fn a_word_the_thesaurus_knows_is_not_read_as_a_typo() {
        let t = Thesaurus::parse("dealen => drugscriminaliteit").unwrap();
        let mut cat = catalogue();
        let last = cat.len() - 1;
        cat[last].titel = "Signalen delen met partners".to_string();
        let m = Matcher::new(&cat, &taxonomy(), &t, today());
        let o = m.match_question(&ask("wat doe je tegen dealen", None), 10);
        let delen = o.resultaten.iter().find(|r| r.id == cat[last].id);
        assert!(
            delen.is_none_or(|r| !r.waarom.iter().any(|w| w.contains("dealen"))),
            "{delen:?}"
        );
        assert!(ids(&o)[0].starts_with("ondermijning"), "{:?}", ids(&o));
        let exp = t.expansions(&["wat".into(), "dealen".into()].map(|w: String| stem(&w)));
        assert!(exp[0].is_empty() && exp[1] == vec![vec![stem("drugscriminaliteit")]]);
    }

    #[test]
    fn target_group_decides_between_equal_texts() {
        let m = matcher();
        let o = m.match_question(&ask("drugscriminaliteit in de wijk", Some("bewoners")), 5);
        assert_eq!(ids(&o)[0], "ondermijning-bewoners");
        assert!(o.resultaten[0]
            .waarom
            .iter()
            .any(|w| w == "Geschikt voor bewoners"));
        // The offering for another group says so.
        let police = o
            .resultaten
            .iter()
            .find(|r| r.id == "ondermijning-politie")
            .unwrap();
        assert!(
            police
                .waarom
                .iter()
                .any(|w| w.starts_with("Let op: bedoeld voor ")),
            "{:?}",
            police.waarom
        );
        assert_eq!(join_and(&["a".into(), "b".into(), "c".into()]), "a, b en c");
        let o = m.match_question(
            &ask("drugscriminaliteit in de wijk", Some("wijkprofessionals")),
            5,
        );
        assert_eq!(ids(&o)[0], "ondermijning-politie");
    }

    #[test]
    fn current_offerings_rank_above_ended_ones() {
        let o = matcher().match_question(&ask("verward gedrag", None), 5);
        let pos = |id| ids(&o).iter().position(|x| *x == id);
        assert!(pos("verward-nieuw") < pos("verward-oud"), "{:?}", ids(&o));
        let old = o.resultaten.iter().find(|r| r.id == "verward-oud").unwrap();
        assert!(old.waarom.iter().any(|w| w.contains("afgelopen")));
    }

    #[test]
    fn tolerates_typos_and_compounds() {
        let m = matcher();
        let o = m.match_question(&ask("schuldhulpverleneng", None), 3);
        assert_eq!(ids(&o)[0], "schulden");
        let o = m.match_question(&ask("wijkondermijning", None), 3);
        assert!(ids(&o)[0].starts_with("ondermijning"));
    }

    #[test]
    fn explains_and_infers_themes() {
        let o = matcher().match_question(&ask("geldzorgen en schulden", None), 3);
        let w = &o.resultaten[0].waarom;
        assert!(w.iter().any(|x| x.starts_with("Komt overeen op:")), "{w:?}");
        assert!(w.iter().any(|x| x.contains("Armoede en schulden")), "{w:?}");
    }

    #[test]
    fn says_when_nothing_fits() {
        let m = matcher();
        let o = m.match_question(&ask("fatbikes scooters stoep racen", None), 5);
        assert!(!o.passend);
        let o = m.match_question(&ask("schuldhulpverlening in de wijk", None), 5);
        assert!(o.passend, "{:?}", o.signalen);
    }

    #[test]
    fn a_podcast_alone_is_not_a_fitting_answer() {
        let podcast = Offering {
            vorm: "podcast".into(),
            ..offering(
                "moestuin-podcast",
                "Moestuinen in de buurt",
                "Bewoners vertellen over hun moestuin op braakliggende grond.",
                "zorg",
                "bewoners",
                None,
            )
        };
        let mut cat = catalogue();
        cat.push(podcast.clone());
        let m = Matcher::new(&cat, &taxonomy(), &thesaurus(), today());
        let q = ask("moestuin op braakliggende grond", Some("bewoners"));
        let o = m.match_question(&q, 5);
        assert_eq!(ids(&o)[0], "moestuin-podcast");
        assert!(!o.passend, "{:?}", o.signalen);

        cat.push(Offering {
            id: "moestuin-training".into(),
            vorm: "training".into(),
            ..podcast
        });
        let o = Matcher::new(&cat, &taxonomy(), &thesaurus(), today()).match_question(&q, 5);
        assert!(o.passend, "{:?}", o.signalen);
    }

    #[test]
    fn is_deterministic_with_ties_by_id() {
        let m = matcher();
        let q = ask("omgaan met de-escalatie", None);
        let a = m.match_question(&q, 5);
        assert_eq!(a, m.match_question(&q, 5));
        let many = m.match_question(&ask("wijk", None), 10);
        for w in many.resultaten.windows(2) {
            assert!(w[0].score > w[1].score || (w[0].score == w[1].score && w[0].id < w[1].id));
        }
        assert_eq!(m.match_question(&q, 0).resultaten.len(), 0);
    }

    #[test]
    fn salient_coverage_weighs_topic_words() {
        let m = matcher();
        let share = |w: &str| m.focus_share[m.term_ids[&stem(w)] as usize];
        // A summary word is more topical than a word only the descriptions use.
        assert!(share("schuldhulpverlening") > share("bijeenkomst"));
        // An unknown word counts half in `kern`, fully in `dekking`.
        let s = m
            .match_question(&ask("schuldhulpverlening fatbikes", None), 5)
            .signalen;
        assert!(s.kern > s.dekking && s.kern < 1.0, "{s:?}");
    }

    #[test]
    fn learns_the_askers_words_for_a_theme_from_labelled_questions() {
        let q = ask(
            "Er wordt gedeald in ons portiek, wat kan ik doen?",
            Some("bewoners"),
        );
        let before = matcher().match_question(&q, 5);
        assert!(!before
            .resultaten
            .iter()
            .any(|r| r.id.starts_with("ondermijning")));
        let demand = [
            ("In ons portiek wordt 's avonds gedeald.", "ondermijning"),
            (
                "Jongeren dealen bij het portiek van onze flat.",
                "ondermijning",
            ),
            (
                "Ik heb geldzorgen en durf de post niet te openen.",
                "armoede-en-schulden",
            ),
        ]
        .map(|(v, t)| LabelledQuestion {
            vraag: v.into(),
            themas: vec![t.into()],
        });
        let m = Matcher::with_demand(&catalogue(), &demand, &taxonomy(), &thesaurus(), today());
        let after = m.match_question(&q, 5);
        assert_eq!(ids(&after)[0], "ondermijning-bewoners");
        assert!(after.resultaten[0]
            .waarom
            .iter()
            .any(|w| w == "Zelfde thema: Ondermijning"));
        // A theme alone is not a fitting answer: the words themselves are not in any offering.
        assert!(!after.passend);
        // Without labelled questions nothing changes.
        let plain = Matcher::with_demand(&catalogue(), &[], &taxonomy(), &thesaurus(), today());
        assert_eq!(plain.match_question(&q, 5), before);
    }

    #[test]
    fn matcher_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Matcher>();
    }

    #[test]
    fn one_edit_distance() {
        assert!(within_one_edit("schuld", "schuldd"));
        assert!(within_one_edit("schuld", "shculd"));
        assert!(within_one_edit("schuld", "schuld"));
        assert!(within_one_edit("schuld", "schold"));
        assert!(!within_one_edit("schuld", "scholt"));
    }
}
