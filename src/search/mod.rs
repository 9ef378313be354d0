//! The full-text index over offerings (tantivy): Dutch analysis, index upkeep and text queries.
//! Filtering and facet counts are done on the in-memory catalogue (see `domain::facets`).

mod tokenizer;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
};
use tantivy::{
    doc, DocId, Index, IndexReader, ReloadPolicy, Score, SegmentReader, TantivyDocument, Term,
};

use crate::domain::analysis::{self, decompound, fold, is_stop_word, stem, words};
use crate::domain::matching::Thesaurus;
use crate::store::StoredOffering;

pub use tokenizer::{DutchTokenizer, Vocabulary};

const STEMMED: &str = "nl_stem";
const FOLDED: &str = "nl_fold";
const WRITER_MEMORY: usize = 50_000_000;

/// Weight of a title match relative to a body match.
pub const TITLE_BOOST: f32 = 3.0;
/// Weight of a keyword match relative to a body match.
pub const KEYWORD_BOOST: f32 = 2.0;
/// Weight of a typo-tolerant match.
pub const FUZZY_BOOST: f32 = 0.4;
/// Weight of a match through a thesaurus expansion.
pub const THESAURUS_BOOST: f32 = 0.6;
/// Below this many offerings matching most query words, those matching fewer words follow.
pub const ENOUGH_HITS: usize = 10;

/// A failure of the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy reported an error.
    #[error("zoekindex: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// The index directory could not be used.
    #[error("zoekindex: {0}")]
    Io(#[from] std::io::Error),
    /// The index directory could not be opened.
    #[error("zoekindex: {0}")]
    Open(#[from] tantivy::directory::error::OpenDirectoryError),
    /// The chosen index folder holds other things than a search index; nothing was removed.
    #[error(
        "de map {} voor de zoekindex bevat iets anders dan een zoekindex ({}). WijkWijzer leegt alleen een map met een eigen zoekindex, en heeft niets verwijderd. Kies een lege of nieuwe map met --index of WIJKWIJZER_INDEX",
        dir.display(),
        entry
    )]
    Foreign {
        /// The folder.
        dir: PathBuf,
        /// One thing in it that is not part of an index.
        entry: String,
    },
    /// The chosen index folder is the database's folder or holds it; nothing was removed.
    #[error(
        "de map {} voor de zoekindex bevat de database {}. Kies een eigen map voor de zoekindex met --index of WIJKWIJZER_INDEX",
        dir.display(),
        db.display()
    )]
    HoldsDatabase {
        /// The folder.
        dir: PathBuf,
        /// The database file.
        db: PathBuf,
    },
}

/// The file that marks a folder as a WijkWijzer search index. The index is only ever rebuilt
/// (and the folder emptied) where this file is, in an empty folder, or in a folder of an older
/// version that holds nothing but tantivy's own files (`meta.json` and segment files).
pub const MARKER: &str = "wijkwijzer-zoekindex.txt";

/// What the marker file says to a person who finds it.
const MARKER_TEXT: &str = "Deze map is de zoekindex van WijkWijzer Leernetwerk. WijkWijzer bouwt haar bij het starten opnieuw op uit de database en maakt de map daarvoor leeg: zet hier niets anders neer.\n";

/// What an index folder holds, as far as emptying it is concerned.
enum Folder {
    /// Nothing there yet.
    Missing,
    /// An empty folder.
    Empty,
    /// A search index of ours: with the marker, or (older versions) tantivy's files only.
    Index,
    /// Something else; the string names one thing in it.
    Foreign(String),
}

/// True for a file name tantivy writes in an index folder: `meta.json`, `.managed.json`, its
/// lock files, leftovers of an atomic write (`.tmpXXXXXX`) and segment files
/// (`<32 hex digits>.<component>`, deletes as `<hex>.<opstamp>.del`).
fn is_tantivy_file(name: &str) -> bool {
    if matches!(
        name,
        "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"
    ) || name.starts_with(".tmp")
    {
        return true;
    }
    let Some((id, component)) = name.split_once('.') else {
        return false;
    };
    let id_ok = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let component_ok = match component {
        "idx" | "pos" | "term" | "store" | "store.temp" | "fast" | "fieldnorm" => true,
        other => other
            .strip_suffix(".del")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
    };
    id_ok && component_ok
}

fn inspect(dir: &Path) -> std::io::Result<Folder> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Folder::Missing),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Ok(Folder::Foreign("het is een bestand, geen map".to_string()));
    }
    if dir.join(MARKER).is_file() {
        return Ok(Folder::Index);
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !entry.file_type()?.is_file() || !is_tantivy_file(&name) {
            return Ok(Folder::Foreign(name));
        }
        names.push(name);
    }
    if names.is_empty() {
        Ok(Folder::Empty)
    } else if names.iter().any(|n| n == "meta.json") {
        Ok(Folder::Index)
    } else {
        Ok(Folder::Foreign(names.swap_remove(0)))
    }
}

/// Checks, before anything is written, that `dir` may serve as the search index folder: it
/// does not exist yet, is empty, or holds a search index; and it is neither the folder of the
/// SQLite database `db` nor one that holds that folder. A mistaken `--index` thus stops the
/// start with a Dutch message instead of emptying a folder that holds other things.
pub fn check_location(dir: &Path, db: Option<&Path>) -> Result<(), SearchError> {
    if let (Some(db), Ok(index)) = (db, std::fs::canonicalize(dir)) {
        let folder = match db.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(folder) = std::fs::canonicalize(folder) {
            if folder.starts_with(&index) {
                return Err(SearchError::HoldsDatabase {
                    dir: dir.to_path_buf(),
                    db: db.to_path_buf(),
                });
            }
        }
    }
    match inspect(dir)? {
        Folder::Foreign(entry) => Err(SearchError::Foreign {
            dir: dir.to_path_buf(),
            entry,
        }),
        Folder::Missing | Folder::Empty | Folder::Index => Ok(()),
    }
}

/// Makes `dir` an empty index folder with the marker; only a folder [`inspect`] recognises as
/// missing, empty or an index is emptied. The folder itself stays (it may be a mount point).
fn reset_folder(dir: &Path) -> Result<(), SearchError> {
    match inspect(dir)? {
        Folder::Foreign(entry) => {
            return Err(SearchError::Foreign {
                dir: dir.to_path_buf(),
                entry,
            })
        }
        Folder::Missing => std::fs::create_dir_all(dir)?,
        Folder::Empty => {}
        Folder::Index => {
            for entry in std::fs::read_dir(dir)? {
                let entry = entry?;
                if entry.file_type()?.is_dir() {
                    std::fs::remove_dir_all(entry.path())?;
                } else {
                    std::fs::remove_file(entry.path())?;
                }
            }
        }
    }
    std::fs::write(dir.join(MARKER), MARKER_TEXT)?;
    Ok(())
}

#[derive(Clone, Copy)]
struct Fields {
    seq: Field,
    titel: Field,
    trefwoorden: Field,
    body: Field,
    woorden: Field,
}

/// The offering index: one document per offering, keyed by the store's `seq`.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    vocabulary: Vocabulary,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |name: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(name)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let fields = Fields {
        seq: b.add_i64_field("seq", INDEXED | FAST),
        titel: b.add_text_field("titel", text(STEMMED)),
        trefwoorden: b.add_text_field("trefwoorden", text(STEMMED)),
        body: b.add_text_field("body", text(STEMMED)),
        woorden: b.add_text_field(
            "woorden",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(FOLDED)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
    };
    (b.build(), fields)
}

impl SearchIndex {
    /// Opens the index in `dir`; rebuilds it from `offerings` when it is missing, unreadable or
    /// was built at another catalogue `version`.
    pub fn open(
        dir: &Path,
        offerings: &[StoredOffering],
        version: i64,
    ) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        let ours = match inspect(dir)? {
            Folder::Foreign(entry) => {
                return Err(SearchError::Foreign {
                    dir: dir.to_path_buf(),
                    entry,
                })
            }
            Folder::Index => true,
            Folder::Missing | Folder::Empty => false,
        };
        let existing = if ours && dir.join("meta.json").exists() {
            Index::open_in_dir(dir)
                .ok()
                .filter(|i| i.schema() == schema)
        } else {
            None
        };
        let fresh = existing.as_ref().is_some_and(|i| {
            i.load_metas()
                .ok()
                .and_then(|m| m.payload)
                .is_some_and(|p| p == version.to_string())
        });
        let (index, vocabulary) = match existing {
            Some(index) if fresh => {
                // An index of an older version gets the marker it lacked.
                if !dir.join(MARKER).is_file() {
                    std::fs::write(dir.join(MARKER), MARKER_TEXT)?;
                }
                let vocabulary = Vocabulary::default();
                register(&index, &vocabulary);
                (index, vocabulary)
            }
            _ => {
                drop(existing);
                reset_folder(dir)?;
                let index = Index::create_in_dir(dir, schema)?;
                let vocabulary = Vocabulary::default();
                register(&index, &vocabulary);
                (index, vocabulary)
            }
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = SearchIndex {
            index,
            reader,
            fields,
            vocabulary,
        };
        if fresh {
            this.load_vocabulary()?;
        } else {
            this.rebuild(offerings, version)?;
        }
        Ok(this)
    }

    /// An index in memory (tests, benchmarks).
    pub fn in_memory(
        offerings: &[StoredOffering],
        version: i64,
    ) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        let vocabulary = Vocabulary::default();
        register(&index, &vocabulary);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = SearchIndex {
            index,
            reader,
            fields,
            vocabulary,
        };
        this.rebuild(offerings, version)?;
        Ok(this)
    }

    /// Reads the decompounding vocabulary back from the folded-words field.
    fn load_vocabulary(&self) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        let mut set = builtin_words();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(self.fields.woorden)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                if let Ok(w) = std::str::from_utf8(stream.key()) {
                    if w.len() >= analysis::MIN_PART {
                        set.insert(w.to_string());
                    }
                }
            }
        }
        self.vocabulary.replace(set);
        Ok(())
    }

    /// Rebuilds the whole index from `offerings` and records `version`.
    pub fn rebuild(&self, offerings: &[StoredOffering], version: i64) -> Result<(), SearchError> {
        let mut set = builtin_words();
        for s in offerings {
            for text in texts(&s.offering) {
                let folded = fold(text);
                for w in words(&folded) {
                    if w.len() >= analysis::MIN_PART && !set.contains(w) {
                        set.insert(w.to_string());
                    }
                }
            }
        }
        self.vocabulary.replace(set);
        let writer = self.writer()?;
        writer.delete_all_documents()?;
        for s in offerings {
            writer.add_document(self.document(s))?;
        }
        self.commit(writer, version)
    }

    /// Commits with the catalogue `version` as payload and makes the change searchable.
    fn commit(&self, mut writer: tantivy::IndexWriter, version: i64) -> Result<(), SearchError> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&version.to_string());
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Adds or replaces offerings and records `version`.
    pub fn upsert(&self, offerings: &[StoredOffering], version: i64) -> Result<(), SearchError> {
        self.update(offerings, &[], version)
    }

    /// Adds or replaces `changed`, removes the offerings with row keys `removed`, and records
    /// `version`, in one commit.
    pub fn update(
        &self,
        changed: &[StoredOffering],
        removed: &[i64],
        version: i64,
    ) -> Result<(), SearchError> {
        self.vocabulary
            .extend(changed.iter().flat_map(|s| texts(&s.offering)));
        let writer = self.writer()?;
        for seq in removed {
            writer.delete_term(Term::from_field_i64(self.fields.seq, *seq));
        }
        for s in changed {
            writer.delete_term(Term::from_field_i64(self.fields.seq, s.seq));
            writer.add_document(self.document(s))?;
        }
        self.commit(writer, version)
    }

    /// The index writer; waits (up to 30 s) while another process (an import) holds it.
    fn writer(&self) -> Result<tantivy::IndexWriter, SearchError> {
        let mut tries = 0;
        loop {
            match self.index.writer(WRITER_MEMORY) {
                Err(tantivy::TantivyError::LockFailure(_, _)) if tries < 300 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                other => return Ok(other?),
            }
        }
    }

    /// Number of indexed offerings.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when the index holds no offerings.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn document(&self, s: &StoredOffering) -> TantivyDocument {
        let o = &s.offering;
        let f = self.fields;
        let body = format!(
            "{}\n{}\n{}\n{}",
            o.samenvatting,
            o.beschrijving,
            o.aanbieder,
            o.partners.join("\n")
        );
        let all = format!("{}\n{}\n{}", o.titel, o.trefwoorden.join("\n"), body);
        doc!(
            f.seq => s.seq,
            f.titel => o.titel.clone(),
            f.trefwoorden => o.trefwoorden.join("\n"),
            f.body => body,
            f.woorden => all,
        )
    }

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
                    self.word_query(w, &[], &vocabulary, false)
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
                    self.word_query(w, &narrow, &vocabulary, true)
                }
            })
            .collect();
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
    /// letters that the thesaurus does not know, a near spelling (when `near` allows).
    fn word_query(
        &self,
        word: &str,
        expansions: &[Vec<String>],
        vocabulary: &HashSet<String>,
        near: bool,
    ) -> Box<dyn Query> {
        let f = self.fields;
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
        if near && len >= 5 && expansions.is_empty() {
            let distance = if len >= 9 { 2 } else { 1 };
            let fuzzy = FuzzyTermQuery::new(Term::from_field_text(f.woorden, word), distance, true);
            alts.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(fuzzy), FUZZY_BOOST)),
            ));
        }
        Box::new(BooleanQuery::new(alts))
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

fn texts(o: &crate::domain::offering::Offering) -> impl Iterator<Item = &str> {
    [
        o.titel.as_str(),
        o.samenvatting.as_str(),
        o.beschrijving.as_str(),
    ]
    .into_iter()
    .chain(o.trefwoorden.iter().map(String::as_str))
}

/// Common Dutch words of the field that decompounding may split on even when the catalogue
/// never uses them alone (`werker` in `jongerenwerker`).
fn builtin_words() -> HashSet<String> {
    include_str!("../../data/woorden.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(fold)
        .collect()
}

fn register(index: &Index, vocabulary: &Vocabulary) {
    index
        .tokenizers()
        .register(STEMMED, DutchTokenizer::stemming(vocabulary.clone()));
    index
        .tokenizers()
        .register(FOLDED, DutchTokenizer::folding());
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

    fn merge_fruits(&self, fruits: Vec<Vec<(i64, f32)>>) -> tantivy::Result<Vec<(i64, f32)>> {
        let mut best: HashMap<i64, f32> = HashMap::new();
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

/// Shared handle for the decompounding vocabulary.
impl Vocabulary {
    fn replace(&self, set: HashSet<String>) {
        if let Ok(mut guard) = self.0.write() {
            *guard = Arc::new(set);
        }
    }

    fn extend<'a>(&self, texts: impl Iterator<Item = &'a str>) {
        let mut set = (*self.snapshot()).clone();
        for text in texts {
            let folded = fold(text);
            for w in words(&folded) {
                if w.len() >= analysis::MIN_PART {
                    set.insert(w.to_string());
                }
            }
        }
        self.replace(set);
    }
}

#[doc(hidden)]
pub type SharedWords = Arc<RwLock<Arc<HashSet<String>>>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offering::Offering;

    fn stored(seq: i64, titel: &str) -> StoredOffering {
        let o: Offering = serde_json::from_value(serde_json::json!({
            "id": format!("aanbod-{seq}"),
            "titel": titel,
            "samenvatting": titel,
            "beschrijving": titel,
            "aanbieder": "Stichting Test",
            "partners": [],
            "vorm": "training",
            "themas": ["jeugd-en-veiligheid"],
            "doelgroepen": ["bewoners"],
            "sectoren": ["sociaal-domein"],
            "trefwoorden": [],
            "kosten": "gratis",
            "locatie": "online",
            "regio": "landelijk",
            "startdatum": null,
            "einddatum": null,
            "url": "https://test.example/"
        }))
        .unwrap();
        StoredOffering {
            seq,
            offering: o,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn only_an_index_folder_is_ever_emptied() {
        let tmp = tempfile::tempdir().unwrap();
        let offerings = vec![stored(1, "Buurtbemiddeling")];
        // A new folder and an empty one become marked indexes.
        let new = tmp.path().join("nieuw");
        SearchIndex::open(&new, &offerings, 1).unwrap();
        assert!(new.join(MARKER).is_file() && new.join("meta.json").is_file());
        let empty = tmp.path().join("leeg");
        std::fs::create_dir(&empty).unwrap();
        SearchIndex::open(&empty, &offerings, 1).unwrap();
        assert!(empty.join(MARKER).is_file());

        // A marked folder is emptied for a rebuild, a stray file included.
        std::fs::write(new.join("los.txt"), "x").unwrap();
        let index = SearchIndex::open(&new, &offerings, 2).unwrap();
        assert_eq!(index.len(), 1);
        assert!(!new.join("los.txt").exists() && new.join(MARKER).is_file());
        drop(index);

        // An index of an older version (tantivy's files, no marker) is recognised and marked.
        std::fs::remove_file(new.join(MARKER)).unwrap();
        assert!(matches!(inspect(&new).unwrap(), Folder::Index));
        SearchIndex::open(&new, &offerings, 3).unwrap();
        assert!(new.join(MARKER).is_file());

        // Anything else is left alone, and named.
        let foreign = tmp.path().join("vreemd");
        std::fs::create_dir_all(foreign.join("sub")).unwrap();
        std::fs::write(foreign.join("meta.json"), "{}").unwrap();
        for (what, entry) in [("sub", "sub"), ("foto.jpg", "foto.jpg")] {
            if what != "sub" {
                std::fs::remove_dir(foreign.join("sub")).unwrap();
                std::fs::write(foreign.join(what), "x").unwrap();
            }
            let err = SearchIndex::open(&foreign, &offerings, 1).err().unwrap();
            assert!(
                err.to_string().contains(&format!("({entry})"))
                    && err.to_string().ends_with("met --index of WIJKWIJZER_INDEX"),
                "{err}"
            );
            assert!(foreign.join(what).exists() && foreign.join("meta.json").exists());
        }
        let file = tmp.path().join("bestand");
        std::fs::write(&file, "x").unwrap();
        assert!(SearchIndex::open(&file, &offerings, 1).is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "x");
        // Tantivy's leftovers alone, without meta.json, are not an index either.
        let half = tmp.path().join("half");
        std::fs::create_dir(&half).unwrap();
        std::fs::write(half.join(".managed.json"), "[]").unwrap();
        assert!(matches!(inspect(&half).unwrap(), Folder::Foreign(_)));
    }

    #[test]
    fn the_database_folder_and_those_above_it_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let db = data.join("w.db");
        std::fs::write(&db, "").unwrap();
        // Even with a marker, the database's folder is never the index.
        std::fs::write(data.join(MARKER), "").unwrap();
        for dir in [data.clone(), tmp.path().to_path_buf(), data.join("..")] {
            let err = check_location(&dir, Some(&db)).err().unwrap();
            assert!(matches!(err, SearchError::HoldsDatabase { .. }), "{err}");
        }
        check_location(&data.join("w.db.index"), Some(&db)).unwrap();
        check_location(&tmp.path().join("elders"), Some(&db)).unwrap();
        // PostgreSQL: no database file to protect.
        check_location(&tmp.path().join("elders"), None).unwrap();
    }

    #[test]
    fn an_update_replaces_and_removes_in_one_commit() {
        let index =
            SearchIndex::in_memory(&[stored(1, "Buurtbemiddeling"), stored(2, "Wijkraad")], 1)
                .unwrap();
        let thesaurus = Thesaurus::builtin();
        index
            .update(&[stored(1, "Straatcoaches")], &[2], 2)
            .unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(index.search("straatcoaches", &thesaurus).unwrap().len(), 1);
        assert!(index
            .search("buurtbemiddeling", &thesaurus)
            .unwrap()
            .is_empty());
        assert!(index.search("wijkraad", &thesaurus).unwrap().is_empty());
    }

    #[test]
    fn tantivy_file_names() {
        for name in [
            "meta.json",
            ".managed.json",
            ".tantivy-meta.lock",
            ".tantivy-writer.lock",
            ".tmpAbC123",
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.store.temp",
            "0123456789abcdef0123456789abcdef.12.del",
        ] {
            assert!(is_tantivy_file(name), "{name}");
        }
        for name in [
            "w.db",
            "meta.json.bak",
            "0123456789abcdef0123456789abcdef.txt",
            "0123.idx",
            "0123456789abcdef0123456789abcdef..del",
        ] {
            assert!(!is_tantivy_file(name), "{name}");
        }
    }

    /// `wijk` in `with_wijk` offerings, and one offering that only says `buurt`.
    fn index(with_wijk: i64) -> SearchIndex {
        let mut all: Vec<StoredOffering> = (1..=with_wijk)
            .map(|i| stored(i, &format!("Samenwerken in de wijk, deel {i}")))
            .collect();
        all.push(stored(1000, "Bemiddeling in de buurt"));
        SearchIndex::in_memory(&all, 1).unwrap()
    }

    #[test]
    fn a_rare_word_brings_its_related_words_a_common_one_does_not() {
        let thesaurus = Thesaurus::builtin();
        let rare = index(5).search("wijk", &thesaurus).unwrap();
        assert!(rare.iter().any(|h| h.0 == 1000), "buurt found for wijk");
        assert_eq!(rare.len(), 6);
        // In 60 offerings `wijk` is common: it stands for itself only.
        let common = index(60).search("wijk", &thesaurus).unwrap();
        assert_eq!(common.len(), 60);
        assert!(!common.iter().any(|h| h.0 == 1000));
        // The related word itself still finds its offering.
        let buurt = index(60).search("buurt", &thesaurus).unwrap();
        assert!(buurt.iter().any(|h| h.0 == 1000));
    }

    #[test]
    fn a_related_word_in_a_quarter_of_the_offerings_is_not_added() {
        let thesaurus = Thesaurus::builtin();
        // `wijk` is in 5 of 6 offerings: searching `buurt` does not widen to all of them.
        let buurt = index(5).search("buurt", &thesaurus).unwrap();
        assert_eq!(buurt.iter().map(|h| h.0).collect::<Vec<_>>(), vec![1000]);
    }
}
