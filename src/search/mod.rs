//! The full-text index over offerings (tantivy): Dutch analysis, index upkeep and text queries.
//! Filtering and facet counts are done on the in-memory catalogue (see `domain::facets`).

pub mod dictionary;
mod folder;
mod query;
mod tokenizer;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED,
};
use tantivy::{doc, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::domain::analysis::{self, fold, words};
use crate::store::StoredOffering;

pub use folder::{check_location, MARKER};
use folder::{inspect, reset_folder, Folder, MARKER_TEXT};
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
    near: query::NearSpellings,
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
        let index = match existing {
            Some(index) if fresh => {
                // An index of an older version gets the marker it lacked.
                if !dir.join(MARKER).is_file() {
                    std::fs::write(dir.join(MARKER), MARKER_TEXT)?;
                }
                index
            }
            _ => {
                drop(existing);
                reset_folder(dir)?;
                Index::create_in_dir(dir, schema)?
            }
        };
        let this = SearchIndex::prepared(index, fields)?;
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
        let this = SearchIndex::prepared(Index::create_in_ram(schema), fields)?;
        this.rebuild(offerings, version)?;
        Ok(this)
    }

    /// The index with its tokenizers registered and a reader that reloads only when told (after a
    /// commit).
    fn prepared(index: Index, fields: Fields) -> Result<SearchIndex, SearchError> {
        let vocabulary = Vocabulary::default();
        register(&index, &vocabulary);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            vocabulary,
            near: query::NearSpellings::default(),
        })
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
        self.commit(writer, version)?;
        self.merge_segments()
    }

    /// Merges the index into one segment (a search then reads one posting list per term, not
    /// one per segment); the commit's version stays.
    fn merge_segments(&self) -> Result<(), SearchError> {
        let ids = self.index.searchable_segment_ids()?;
        if ids.len() > 1 {
            let mut writer = self.writer()?;
            writer.merge(&ids).wait()?;
            writer.wait_merging_threads()?;
            self.reader.reload()?;
        }
        Ok(())
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
mod tests;
