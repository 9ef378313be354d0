//! The matching engine: ranks learning offerings for a learning question with field-weighted BM25
//! over the Dutch analysis (stems, compounds, typos), a domain thesaurus, inferred themes and the
//! fit of target group, sector and date, explains each result in Dutch and says whether anything
//! fits well. Pure code: no I/O.

mod diagnose;
pub use diagnose::{DiagResult, DiagTerm, Diagnosis};
mod explain;
pub use explain::{is_filler, plain_line};
mod fit;
mod index;
mod learn;
mod model;
mod query;
mod rank;
mod thesaurus;

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::offering::Offering;
use super::taxonomy::Taxonomy;
use index::Doc;

pub use fit::FitSignals;
pub use learn::{Judgement, Learned, LearnedSummary};
pub use model::{
    features, Example, Fit, FitModel, FEATURES, LAMBDA, MOGELIJK_VANAF, N_FEATURES, PASSEND_VANAF,
};
pub use thesaurus::{Thesaurus, ThesaurusIndex};

/// Forms that tell stories rather than teach: the taxonomy describes a podcast as "gesprekken en
/// verhalen uit de praktijk". Such an offering is ranked and shown like any other, but it is not
/// the answer on which `passend` is decided: it inspires, it does not answer a learning question.
const STORY_FORMS: &[&str] = &["podcast"];

/// How many of the best results are looked at for the offering on which `passend` is decided
/// (the best one whose form can answer a question).
const FIT_CANDIDATES: usize = 3;

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

/// The outcome of matching one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchOutcome {
    /// Whether a well-fitting offering was found: `fit` is `passend`.
    pub passend: bool,
    /// The three-way answer: `passend`, `mogelijk` or `geen`.
    pub fit: Fit,
    /// The fit model's probability that a good answer exists (0..1).
    pub kans: f64,
    /// The best offerings, best first.
    pub resultaten: Vec<MatchResult>,
    /// The signals behind `passend` (not serialised).
    #[serde(skip)]
    pub signalen: FitSignals,
}

/// The tunable weights of the matcher.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
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
    /// Weight of one labelled learning question in the term-theme associations (an offering
    /// counts 1).
    pub w_vraagkennis: f64,
    /// Weight of the coordinators' net judgement of an offering for questions on the same
    /// themes (-1..1) in the final score.
    pub w_oordeel: f64,
}

impl MatchParams {
    /// The default weights with those named in `json` (an object of weight names and numbers)
    /// in their place; a Dutch reason when the text is not such an object or names an unknown
    /// weight.
    pub fn with_overrides(json: &str) -> Result<MatchParams, String> {
        use serde_json::Value;
        let given: serde_json::Map<String, Value> = serde_json::from_str(json)
            .map_err(|_| "geef de gewichten als JSON-object, bijvoorbeeld {\"k1\": 1.8}")?;
        let Ok(Value::Object(mut all)) = serde_json::to_value(MatchParams::default()) else {
            return Err("de standaardgewichten zijn niet te lezen".into());
        };
        for (name, value) in given {
            if !all.contains_key(&name) {
                let known: Vec<&str> = all.keys().map(String::as_str).collect();
                return Err(format!(
                    "onbekend gewicht '{name}'; bekend zijn: {}",
                    known.join(", ")
                ));
            }
            if !value.is_number() {
                return Err(format!("gewicht '{name}' moet een getal zijn"));
            }
            all.insert(name, value);
        }
        serde_json::from_value(Value::Object(all))
            .map_err(|_| "feedback_docs moet een heel getal van 0 of meer zijn".into())
    }
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
            w_vraagkennis: 1.0,
            w_oordeel: 0.3,
        }
    }
}

/// The matching engine over one catalogue; build once, query many times.
#[derive(Debug, Clone)]
pub struct Matcher {
    params: MatchParams,
    docs: Vec<Doc>,
    /// Target group and sector slugs of the offerings; a [`Doc`] holds their numbers.
    tags: Vec<String>,
    tag_ids: HashMap<String, u32>,
    term_ids: HashMap<String, u32>,
    postings: index::Postings,
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
    /// The fit model deciding `passend`, `mogelijk` or `geen`.
    model: FitModel,
    /// Per offering, what coordinators judged of it: (theme, net judgement -1..1); empty when
    /// nothing was learned.
    evidence: Vec<Vec<(u16, f32)>>,
    /// What was learned from coordinators, when anything was.
    learned: Option<LearnedSummary>,
}

impl Matcher {
    /// Builds a matcher with the default weights.
    pub fn new(
        offerings: &[impl Borrow<Offering>],
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
        offerings: &[impl Borrow<Offering>],
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
        offerings: &[impl Borrow<Offering>],
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

    /// The matcher with another fit model (for example one that learned from coordinators).
    pub fn with_model(mut self, model: FitModel) -> Matcher {
        self.model = model;
        self
    }

    /// The fit model in use.
    pub fn model(&self) -> &FitModel {
        &self.model
    }

    /// What the matcher learned from coordinators, when it did.
    pub fn learned(&self) -> Option<&LearnedSummary> {
        self.learned.as_ref()
    }

    /// Number of offerings in the matcher.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when the matcher holds no offerings.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Whether the offering at `d` is for the target group or sector `slug`.
    fn doc_has(&self, d: usize, slug: &str, sectors: bool) -> bool {
        let Some(&tag) = self.tag_ids.get(slug) else {
            return false;
        };
        let doc = &self.docs[d];
        let list = if sectors { doc.sectors() } else { doc.groups() };
        list.contains(&tag)
    }

    /// The slugs of tag numbers.
    fn tag_slugs<'a>(&'a self, tags: &'a [u32]) -> impl Iterator<Item = &'a String> + 'a {
        tags.iter().map(|&t| &self.tags[t as usize])
    }
}

#[cfg(test)]
mod tests;
