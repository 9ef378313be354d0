//! A search over the index: query words expanded by stem, compound parts, thesaurus and near
//! spellings, and every hit collected with its score.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

use super::{
    SearchError, SearchIndex, ENOUGH_HITS, FUZZY_BOOST, KEYWORD_BOOST, THESAURUS_BOOST, TITLE_BOOST,
};
use crate::domain::analysis::{decompound, fold, is_stop_word, stem, words};
use crate::domain::matching::Thesaurus;

impl SearchIndex {
    /// Offerings matching the text `q`, as `(seq, score)`, unordered. An empty query matches
    /// nothing; callers treat it as "all offerings".
    ///
    /// An offering matches a query word through its stem, its compound parts, a thesaurus
    /// expansion or (for an unknown word of 5+ letters) a near spelling. Offerings that match at
    /// least two thirds of the words come first; when they are fewer than [`ENOUGH_HITS`], the
    /// offerings matching fewer words follow, scored below them, so that one new offering that
    /// happens to match every word does not push the others out.
    pub fn search(&self, q: &str, thesaurus: &Thesaurus) -> Result<Vec<(i64, f32)>, SearchError> {
        let folded = fold(q);
        let terms: Vec<&str> = words(&folded).filter(|w| !is_stop_word(w)).collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let stems: Vec<String> = terms.iter().map(|w| stem(w)).collect();
        let expansions = thesaurus.expansions(&stems);
        let vocabulary = self.vocabulary.snapshot();
        let searcher = self.reader.searcher();
        // A word in one offering out of twenty (and at least 50) is common enough as it is: no
        // related words, no near spellings (they would only widen an already wide match).
        let common = (searcher.num_docs() / 20).max(50);
        let clauses: Vec<Box<dyn Query>> = terms
            .iter()
            .zip(&stems)
            .zip(&expansions)
            .map(|((w, s), e)| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(self.fields.body, s))
                    .unwrap_or(0);
                if df >= common {
                    self.word_query(&searcher, w, &[], &vocabulary, false)
                } else {
                    // A related word found in a quarter of all offerings narrows nothing down:
                    // `portiek` brings `woningen`, not `buurt`.
                    let narrow: Vec<Vec<String>> = e
                        .iter()
                        .filter(|phrase| {
                            phrase.iter().any(|s| {
                                let df = searcher
                                    .doc_freq(&Term::from_field_text(self.fields.body, s))
                                    .unwrap_or(0);
                                df * 4 <= searcher.num_docs()
                            })
                        })
                        .cloned()
                        .collect();
                    self.word_query(&searcher, w, &narrow, &vocabulary, true)
                }
            })
            .collect::<Result<_, SearchError>>()?;
        let n = clauses.len();
        let strict = if n <= 2 { n } else { (2 * n).div_ceil(3) };
        let query = BooleanQuery::union_with_minimum_required_clauses(
            clauses.iter().map(|c| c.box_clone()).collect(),
            strict,
        );
        let mut hits = searcher.search(&query, &AllHits)?;
        if hits.len() >= ENOUGH_HITS || strict <= 1 {
            return Ok(hits);
        }
        // Too few match enough words: add those matching any word, below the others.
        let loose = searcher.search(&BooleanQuery::union(clauses), &AllHits)?;
        let floor = hits.iter().map(|h| h.1).fold(f32::INFINITY, f32::min);
        let top = loose.iter().map(|h| h.1).fold(0.0f32, f32::max);
        let scale = if hits.is_empty() || top <= 0.0 {
            1.0
        } else {
            0.9 * floor / top
        };
        let strong: HashSet<i64> = hits.iter().map(|h| h.0).collect();
        hits.extend(
            loose
                .into_iter()
                .filter(|h| !strong.contains(&h.0))
                .map(|(seq, score)| (seq, score * scale)),
        );
        Ok(hits)
    }

    /// All ways one query word may match: stem in title, keywords or body; its compound parts
    /// together; a thesaurus expansion (all its stems, weighted lower); or, for a word of 5+
    /// letters that neither the thesaurus nor the Dutch word list knows, a near spelling (when
    /// `near` allows).
    fn word_query(
        &self,
        searcher: &Searcher,
        word: &str,
        expansions: &[Vec<String>],
        vocabulary: &HashSet<String>,
        near: bool,
    ) -> Result<Box<dyn Query>, SearchError> {
        let mut alts: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, self.stem_query(&stem(word)))];
        let parts = decompound(word, vocabulary);
        if parts.len() >= 2 {
            let all: Vec<(Occur, Box<dyn Query>)> = parts
                .iter()
                .map(|p| (Occur::Must, self.stem_query(&stem(p))))
                .collect();
            alts.push((Occur::Should, Box::new(BooleanQuery::new(all))));
        }
        for phrase in expansions {
            let all: Vec<(Occur, Box<dyn Query>)> = phrase
                .iter()
                .map(|s| (Occur::Must, self.stem_query(s)))
                .collect();
            alts.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::new(all)),
                    THESAURUS_BOOST,
                )),
            ));
        }
        let len = word.chars().count();
        // A real Dutch word is not a typo: `portiek` must not bring `portie` or `poetiek`.
        if near
            && len >= 5
            && expansions.is_empty()
            && !super::dictionary::Dictionary::builtin().is_word(word)
        {
            let distance = if len >= 9 { 2 } else { 1 };
            let terms = self.near_spellings(searcher, word, distance)?;
            // The same documents and the same constant score as a fuzzy term query, without
            // running the automaton over the term dictionary again.
            let any: Vec<(Occur, Box<dyn Query>)> = terms
                .iter()
                .map(|t| {
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                    (Occur::Should, q)
                })
                .collect();
            let set = BooleanQuery::new(any);
            alts.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(set), FUZZY_BOOST)),
            ));
        }
        Ok(Box::new(BooleanQuery::new(alts)))
    }

    /// The indexed words within `distance` edits of `word` (a transposition is one edit),
    /// looked up once per word and index generation.
    pub(super) fn near_spellings(
        &self,
        searcher: &Searcher,
        word: &str,
        distance: u8,
    ) -> Result<Arc<Vec<Term>>, SearchError> {
        let generation = searcher.generation().generation_id();
        let key = (word.to_string(), distance);
        if let Ok(cache) = self.near.0.lock() {
            if cache.generation == generation {
                if let Some(terms) = cache.words.get(&key) {
                    return Ok(Arc::clone(terms));
                }
            }
        }
        let field = self.fields.woorden;
        let mut terms = Vec::new();
        for segment in searcher.segment_readers() {
            let automaton = FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true)
                .automaton()?;
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(automaton).into_stream()?;
            while stream.advance() {
                if let Ok(w) = std::str::from_utf8(stream.key()) {
                    terms.push(Term::from_field_text(field, w));
                }
            }
        }
        terms.sort();
        terms.dedup();
        let terms = Arc::new(terms);
        if let Ok(mut cache) = self.near.0.lock() {
            if cache.generation != generation || cache.words.len() >= NEAR_CACHE_WORDS {
                cache.generation = generation;
                cache.words.clear();
            }
            cache.words.insert(key, Arc::clone(&terms));
        }
        Ok(terms)
    }

    /// A stem in title, keywords or body.
    fn stem_query(&self, s: &str) -> Box<dyn Query> {
        let f = self.fields;
        let term = |field| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, s),
                IndexRecordOption::WithFreqs,
            ))
        };
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(term(f.titel), TITLE_BOOST)) as Box<dyn Query>,
            ),
            (
                Occur::Should,
                Box::new(BoostQuery::new(term(f.trefwoorden), KEYWORD_BOOST)),
            ),
            (Occur::Should, term(f.body)),
        ]))
    }
}

/// How many looked-up words the near-spelling cache holds before it starts again.
const NEAR_CACHE_WORDS: usize = 20_000;

/// Near spellings already looked up, for one index generation.
#[derive(Default)]
pub(super) struct NearSpellings(Mutex<NearEntries>);

#[derive(Default)]
struct NearEntries {
    generation: u64,
    words: HashMap<(String, u8), Arc<Vec<Term>>>,
}

/// Collects every matching document as `(seq, score)`.
struct AllHits;

struct AllHitsSegment {
    seq: tantivy::columnar::Column<i64>,
    hits: Vec<(i64, f32)>,
}

impl Collector for AllHits {
    type Fruit = Vec<(i64, f32)>;
    type Child = AllHitsSegment;

    fn for_segment(&self, _ord: u32, segment: &SegmentReader) -> tantivy::Result<AllHitsSegment> {
        Ok(AllHitsSegment {
            seq: segment.fast_fields().i64("seq")?,
            hits: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, mut fruits: Vec<Vec<(i64, f32)>>) -> tantivy::Result<Vec<(i64, f32)>> {
        if fruits.len() == 1 {
            return Ok(fruits.pop().unwrap_or_default());
        }
        let mut best: rustc_hash::FxHashMap<i64, f32> = rustc_hash::FxHashMap::default();
        for (seq, score) in fruits.into_iter().flatten() {
            let e = best.entry(seq).or_insert(score);
            *e = e.max(score);
        }
        Ok(best.into_iter().collect())
    }
}

impl SegmentCollector for AllHitsSegment {
    type Fruit = Vec<(i64, f32)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(seq) = self.seq.first(doc) {
            self.hits.push((seq, score));
        }
    }

    fn harvest(self) -> Vec<(i64, f32)> {
        self.hits
    }
}
