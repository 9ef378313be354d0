//! A search over the index: query words expanded by stem, compound parts, thesaurus and near
//! spellings, and every hit collected with its score.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, FuzzyTermQuery, Occur, Query,
    TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Searcher, SegmentReader, Term};

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
        let searcher = self.reader.searcher();
        let clauses = self.word_clauses(&searcher, q, thesaurus)?;
        if clauses.is_empty() {
            return Ok(Vec::new());
        }
        let n = clauses.len();
        let strict = if n <= 2 { n } else { (2 * n).div_ceil(3) };
        let weights: Vec<Vec<Box<dyn Weight>>> = clauses
            .iter()
            .map(|alts| {
                alts.iter()
                    .map(|q| q.weight(EnableScoring::enabled_from_searcher(&searcher)))
                    .collect::<tantivy::Result<_>>()
            })
            .collect::<tantivy::Result<_>>()?;
        // An offering stands in one live document: an update deletes the earlier one in the same
        // commit, so the segments' hits do not overlap.
        let mut tallied: Vec<(i64, f32, usize)> = Vec::new();
        for segment in searcher.segment_readers() {
            tally(segment, &weights, &mut tallied)?;
        }
        let mut hits: Vec<(i64, f32)> = tallied
            .iter()
            .filter(|h| h.2 >= strict)
            .map(|h| (h.0, h.1))
            .collect();
        if hits.len() >= ENOUGH_HITS || strict <= 1 {
            return Ok(hits);
        }
        // Too few match enough words: add those matching any word, below the others.
        let floor = hits.iter().map(|h| h.1).fold(f32::INFINITY, f32::min);
        let top = tallied.iter().map(|h| h.1).fold(0.0f32, f32::max);
        let scale = if hits.is_empty() || top <= 0.0 {
            1.0
        } else {
            0.9 * floor / top
        };
        hits.extend(
            tallied
                .into_iter()
                .filter(|h| h.2 < strict)
                .map(|(seq, score, _)| (seq, score * scale)),
        );
        Ok(hits)
    }

    /// Per query word of `q` (stop words left out): the queries for the ways it may match.
    pub(super) fn word_clauses(
        &self,
        searcher: &Searcher,
        q: &str,
        thesaurus: &Thesaurus,
    ) -> Result<Vec<Vec<Box<dyn Query>>>, SearchError> {
        let folded = fold(q);
        let terms: Vec<&str> = words(&folded).filter(|w| !is_stop_word(w)).collect();
        let stems: Vec<String> = terms.iter().map(|w| stem(w)).collect();
        let expansions = thesaurus.expansions(&stems);
        let vocabulary = self.vocabulary.snapshot();
        // A word in one offering out of twenty (and at least 50) is common enough as it is: no
        // related words, no near spellings (they would only widen an already wide match).
        let common = (searcher.num_docs() / 20).max(50);
        terms
            .iter()
            .zip(&stems)
            .zip(&expansions)
            .map(|((w, s), e)| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(self.fields.body, s))
                    .unwrap_or(0);
                if df >= common {
                    self.word_query(searcher, w, &[], &vocabulary, false)
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
                    self.word_query(searcher, w, &narrow, &vocabulary, true)
                }
            })
            .collect()
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
    ) -> Result<Vec<Box<dyn Query>>, SearchError> {
        let mut alts: Vec<Box<dyn Query>> = self.stem_leaves(&stem(word));
        let parts = decompound(word, vocabulary);
        if parts.len() >= 2 {
            let all: Vec<(Occur, Box<dyn Query>)> = parts
                .iter()
                .map(|p| (Occur::Must, self.stem_query(&stem(p))))
                .collect();
            alts.push(Box::new(BooleanQuery::new(all)));
        }
        for phrase in expansions {
            let all: Vec<(Occur, Box<dyn Query>)> = phrase
                .iter()
                .map(|s| (Occur::Must, self.stem_query(s)))
                .collect();
            alts.push(Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(all)),
                THESAURUS_BOOST,
            )));
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
            alts.push(Box::new(ConstScoreQuery::new(Box::new(set), FUZZY_BOOST)));
        }
        Ok(alts)
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
        Box::new(BooleanQuery::new(
            self.stem_leaves(s)
                .into_iter()
                .map(|q| (Occur::Should, q))
                .collect(),
        ))
    }

    /// The three ways a stem matches, one query each: in title, keywords or body.
    fn stem_leaves(&self, s: &str) -> Vec<Box<dyn Query>> {
        let f = self.fields;
        let term = |field| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, s),
                IndexRecordOption::WithFreqs,
            ))
        };
        vec![
            Box::new(BoostQuery::new(term(f.titel), TITLE_BOOST)),
            Box::new(BoostQuery::new(term(f.trefwoorden), KEYWORD_BOOST)),
            term(f.body),
        ]
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

/// Per document of a segment: the summed score, the number of query words matched and the last
/// word that counted; all zero between searches (only the documents touched are reset), kept per
/// thread so that a search neither allocates nor clears arrays the size of the catalogue.
#[derive(Default)]
struct Tally {
    score: Vec<f32>,
    matched: Vec<u16>,
    last: Vec<u16>,
    touched: Vec<DocId>,
    /// Set while a search uses the arrays: found set, a search stopped half-way (a panic) and
    /// the arrays are cleared in full.
    busy: bool,
}

thread_local! {
    static TALLY: std::cell::RefCell<Tally> = std::cell::RefCell::new(Tally::default());
}

/// Adds the documents of `segment` that match at least one query word to `out`, as `(seq, summed
/// score, number of words matched)`. `words` holds, per query word, the weights of the ways it
/// may match; a document's score is the sum over every way it matches, as a union of all would
/// give, but each posting list is read once and the words matched are counted on the way.
fn tally(
    segment: &SegmentReader,
    words: &[Vec<Box<dyn Weight>>],
    out: &mut Vec<(i64, f32, usize)>,
) -> tantivy::Result<()> {
    TALLY.with(|cell| match cell.try_borrow_mut() {
        Ok(mut t) => tally_into(&mut t, segment, words, out),
        Err(_) => tally_into(&mut Tally::default(), segment, words, out),
    })
}

fn tally_into(
    t: &mut Tally,
    segment: &SegmentReader,
    words: &[Vec<Box<dyn Weight>>],
    out: &mut Vec<(i64, f32, usize)>,
) -> tantivy::Result<()> {
    let n = segment.max_doc() as usize;
    if t.busy {
        t.score.iter_mut().for_each(|x| *x = 0.0);
        t.matched.iter_mut().for_each(|x| *x = 0);
        t.last.iter_mut().for_each(|x| *x = 0);
    }
    t.busy = true;
    if t.score.len() < n {
        t.score.resize(n, 0.0);
        t.matched.resize(n, 0);
        t.last.resize(n, 0);
    }
    let Tally {
        score,
        matched,
        last,
        touched,
        busy,
    } = t;
    touched.clear();
    let mut result = Ok(());
    for (w, ways) in words.iter().enumerate() {
        let mark = u16::try_from(w + 1).unwrap_or(u16::MAX);
        for way in ways {
            result = way.for_each(segment, &mut |doc, s| {
                let d = doc as usize;
                if let (Some(sum), Some(seen), Some(count)) =
                    (score.get_mut(d), last.get_mut(d), matched.get_mut(d))
                {
                    *sum += s;
                    if *seen != mark {
                        if *count == 0 {
                            touched.push(doc);
                        }
                        *seen = mark;
                        *count = count.saturating_add(1);
                    }
                }
            });
            if result.is_err() {
                break;
            }
        }
        if result.is_err() {
            break;
        }
    }
    let seqs = result.and_then(|()| segment.fast_fields().i64("seq"));
    if let Ok(seqs) = &seqs {
        let alive = segment.alive_bitset();
        out.reserve(touched.len());
        // In document order (the order of the catalogue when the index was built), so that what
        // the caller looks up per hit lies close together.
        touched.sort_unstable();
        for &doc in touched.iter() {
            let d = doc as usize;
            if alive.is_some_and(|a| a.is_deleted(doc)) {
                continue;
            }
            if let Some(seq) = seqs.first(doc) {
                out.push((seq, score[d], usize::from(matched[d])));
            }
        }
    }
    for &doc in touched.iter() {
        let d = doc as usize;
        score[d] = 0.0;
        matched[d] = 0;
        last[d] = 0;
    }
    *busy = false;
    seqs.map(|_| ())
}
