//! The catalogue service: the store, the search index and an in-memory snapshot of all
//! offerings kept in step. Every change goes through here so the three never drift apart.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::domain::clock::Clock;
use crate::domain::facets::{self, Page};
use crate::domain::matching::{Learned, Thesaurus};
use crate::domain::offering::Offering;
use crate::domain::taxonomy::Taxonomy;
use crate::search::{SearchError, SearchIndex};
use crate::store::{Store, StoreError, StoredOffering};

pub mod clusters;
mod matcher;
pub mod params;
mod snapshot;

use matcher::BuiltMatcher;
use params::CatalogQuery;
pub use snapshot::{Analysis, CatalogData, Provider, Snapshot};

/// A failure of the catalogue service.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// A blocking task could not finish.
    #[error("interne taak afgebroken: {0}")]
    Join(#[from] tokio::task::JoinError),
}

/// How often a running instance looks whether another process (an import, another instance)
/// changed the catalogue or the learning questions; one cheap query each. A change is in its
/// search index and pages within this interval plus the time to reload and reindex (see
/// README: within 2 seconds).
pub const REFRESH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// Factor on the text score of an offering that has ended.
const ENDED_WEIGHT: f32 = 0.6;

/// Factor on the score of an offering for the group of who asks (`voor`): large enough that
/// those offerings come first, each part by relevance. A resident's search does not put a
/// paid masterclass for policymakers above the offerings for residents (a factor of 2 did).
const ASKER_WEIGHT: f32 = 1_000.0;

/// The catalogue service.
pub struct Catalog {
    store: Store,
    index: Arc<SearchIndex>,
    index_dir: Option<PathBuf>,
    snapshot: RwLock<Arc<Snapshot>>,
    thesaurus: Thesaurus,
    matcher: Mutex<Option<BuiltMatcher>>,
    /// What the matcher learned from coordinators' judgements, with their fingerprint.
    learned: Mutex<Option<(u64, Arc<Learned>)>>,
    /// One refresh at a time: they share the index writer.
    refreshing: tokio::sync::Mutex<()>,
    /// The clusters of open questions of the last version asked for.
    clusters: tokio::sync::Mutex<Option<Arc<clusters::QuestionClusters>>>,
}

impl Catalog {
    /// Loads the catalogue from `store` and opens (or rebuilds) the index in `index_dir`;
    /// `None` keeps the index in memory.
    pub async fn open(
        store: Store,
        index_dir: Option<&Path>,
        thesaurus: Thesaurus,
    ) -> Result<Catalog, CatalogError> {
        let (version, taxonomy, offerings) = load(&store).await?;
        let origins = store.circle_origins().await?;
        let demand_version = store.demand_version().await?;
        let demand = store.demand().await?;
        let judgements = store.judgements().await?;
        let dir = index_dir.map(Path::to_path_buf);
        let (index, offerings) = {
            let dir = dir.clone();
            tokio::task::spawn_blocking(move || {
                let index = match &dir {
                    Some(d) => SearchIndex::open(d, &offerings, version),
                    None => SearchIndex::in_memory(&offerings, version),
                };
                index.map(|i| (i, offerings))
            })
            .await??
        };
        Ok(Catalog {
            store,
            index: Arc::new(index),
            index_dir: dir,
            snapshot: RwLock::new(Arc::new(Snapshot::new(
                Arc::new(CatalogData::new(version, taxonomy, offerings).with_origins(origins)),
                demand_version,
                demand,
                judgements,
            ))),
            thesaurus,
            matcher: Mutex::new(None),
            learned: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            clusters: tokio::sync::Mutex::new(None),
        })
    }

    /// Where "today" comes from: the clock of its store ([`Store::with_clock`]).
    pub fn clock(&self) -> &Clock {
        self.store.clock()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The thesaurus the search and the matcher use.
    pub fn thesaurus(&self) -> &Thesaurus {
        &self.thesaurus
    }

    /// Where the index lives on disk, if anywhere.
    pub fn index_dir(&self) -> Option<&Path> {
        self.index_dir.as_deref()
    }

    /// The current snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Inserts or updates offerings: committed to the store, then indexed, then visible.
    pub async fn upsert_offerings(&self, offerings: &[Offering]) -> Result<(), CatalogError> {
        self.store.upsert_offerings(offerings).await?;
        self.refresh(Some(offerings.iter().map(|o| o.id.as_str()).collect()))
            .await
    }

    /// Replaces the taxonomy.
    pub async fn save_taxonomy(&self, taxonomy: &Taxonomy) -> Result<(), CatalogError> {
        self.store.save_taxonomy(taxonomy).await?;
        self.refresh(Some(Vec::new())).await
    }

    /// Makes committed changes to these offerings visible: reloads the snapshot and indexes them.
    pub async fn publish_changes(&self, ids: &[&str]) -> Result<(), CatalogError> {
        self.refresh(Some(ids.to_vec())).await
    }

    /// Reloads everything and rebuilds the index (after an offering was unpublished).
    pub async fn reload_all(&self) -> Result<(), CatalogError> {
        self.refresh(None).await
    }

    /// Reloads the snapshot when the database changed (another process or instance wrote), and
    /// indexes the offerings that changed.
    pub async fn refresh_if_changed(&self) -> Result<bool, CatalogError> {
        let _one = self.refreshing.lock().await;
        let current = self.snapshot();
        if self.store.catalog_version().await? != current.version {
            self.reload(Reindex::Changes).await?;
            return Ok(true);
        }
        if self.store.demand_version().await? != current.demand_version {
            self.load_demand().await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reloads the learning questions only (the offerings are shared with the old snapshot).
    pub async fn refresh_demand(&self) -> Result<(), CatalogError> {
        self.load_demand().await
    }

    async fn load_demand(&self) -> Result<(), CatalogError> {
        let demand_version = self.store.demand_version().await?;
        let demand = self.store.demand().await?;
        let judgements = self.store.judgements().await?;
        let data = Arc::clone(&self.snapshot().data);
        self.publish(Snapshot::new(data, demand_version, demand, judgements));
        Ok(())
    }

    fn publish(&self, snapshot: Snapshot) {
        if let Ok(mut guard) = self.snapshot.write() {
            *guard = Arc::new(snapshot);
        }
    }

    /// Reloads from the store; indexes what changed since the current snapshot (`changed` names
    /// what the caller changed, but whatever else changed meanwhile, through another instance or
    /// an import, is indexed too), or everything when `None`.
    async fn refresh(&self, changed: Option<Vec<&str>>) -> Result<(), CatalogError> {
        let _one = self.refreshing.lock().await;
        self.reload(match changed {
            Some(_) => Reindex::Changes,
            None => Reindex::Everything,
        })
        .await
    }

    /// Reloads from the store and brings the index in step with it.
    async fn reload(&self, reindex: Reindex) -> Result<(), CatalogError> {
        let (version, taxonomy, offerings) = load(&self.store).await?;
        let origins = self.store.circle_origins().await?;
        let snapshot = CatalogData::new(version, taxonomy, offerings).with_origins(origins);
        let index = Arc::clone(&self.index);
        let (changed, removed) = match reindex {
            Reindex::Changes => changes(&self.snapshot(), &snapshot),
            Reindex::Everything => (Vec::new(), Vec::new()),
        };
        // Reindexing most of the catalogue one by one costs more than building it afresh.
        if reindex == Reindex::Changes
            && changed.len() + removed.len() <= snapshot.offerings.len() / 2
        {
            tokio::task::spawn_blocking(move || index.update(&changed, &removed, version))
                .await??;
        } else {
            let all = snapshot.offerings.clone();
            tokio::task::spawn_blocking(move || index.rebuild(&all, version)).await??;
        }
        let demand_version = self.store.demand_version().await?;
        let demand = self.store.demand().await?;
        let judgements = self.store.judgements().await?;
        self.publish(Snapshot::new(
            Arc::new(snapshot),
            demand_version,
            demand,
            judgements,
        ));
        Ok(())
    }

    /// True when store and index answer.
    pub async fn healthy(&self) -> bool {
        self.store.ping().await && self.index.len() as usize == self.snapshot().offerings.len()
    }

    /// A catalogue search: text (optional), filters, facets, sort and page.
    pub fn search<'a>(
        &self,
        snapshot: &'a Snapshot,
        query: &CatalogQuery,
    ) -> Result<Page<'a>, CatalogError> {
        self.search_within(snapshot, query, &|_| true)
    }

    /// [`Catalog::search`] among the offerings that `keep` accepts (the event calendar: dated
    /// offerings still running), so that the facet counts are those of that part.
    pub fn search_within<'a>(
        &self,
        snapshot: &'a Snapshot,
        query: &CatalogQuery,
        keep: &dyn Fn(&Offering) -> bool,
    ) -> Result<Page<'a>, CatalogError> {
        let filters = &query.filters;
        let text = query.q.trim();
        let today = self.clock().today();
        let table = &snapshot.facet_table;
        let hits: Box<dyn Iterator<Item = (usize, &'a Offering, f32)> + 'a> = if text.is_empty() {
            // Without a text, "relevant" means: still available first.
            Box::new(snapshot.offerings.iter().enumerate().map(move |(i, s)| {
                let current = if table.is_current(i, today) { 1.0 } else { 0.0 };
                (i, &s.offering, current)
            }))
        } else {
            let found = self.index.search(text, &self.thesaurus)?;
            Box::new(found.into_iter().filter_map(move |(seq, score)| {
                snapshot.by_seq.get(seq).map(|i| {
                    let o = &snapshot.offerings[i].offering;
                    // An offering that has ended ranks below a current one with the same text
                    // score.
                    let score = if table.is_current(i, today) {
                        score
                    } else {
                        score * ENDED_WEIGHT
                    };
                    (i, o, score)
                })
            }))
        };
        // Who asks: the group of `voor`, or the one target group chosen as a filter.
        let voor: Option<&str> = filters.voor.as_deref().or_else(|| {
            match filters
                .facets
                .get(&facets::Facet::Doelgroep)
                .map(Vec::as_slice)
            {
                Some([one]) => Some(one.as_str()),
                _ => None,
            }
        });
        let voor = voor.and_then(|g| table.value(facets::Facet::Doelgroep, g));
        let hits = hits.filter(|(_, o, _)| keep(o)).map(move |(i, o, score)| {
            if voor.is_some_and(|g| table.has_value(i, g)) {
                (i, o, score * ASKER_WEIGHT)
            } else {
                (i, o, score)
            }
        });
        Ok(facets::apply(
            &snapshot.facet_table,
            hits,
            filters,
            query.sort,
            query.page,
            query.page_size,
        ))
    }
}

/// How much of the index a reload brings in step with the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reindex {
    /// The offerings that differ from the current snapshot, which the index always matches.
    Changes,
    /// Every offering, in a new index.
    Everything,
}

/// The offerings of `new` that are not in `old` or differ from it, and the row keys of those
/// in `old` that are gone.
fn changes(old: &CatalogData, new: &CatalogData) -> (Vec<StoredOffering>, Vec<i64>) {
    let changed = new
        .offerings
        .iter()
        .filter(|s| {
            old.by_seq
                .get(s.seq)
                .is_none_or(|i| old.offerings[i].offering != s.offering)
        })
        .cloned()
        .collect();
    let removed = old
        .offerings
        .iter()
        .map(|s| s.seq)
        .filter(|seq| new.by_seq.get(*seq).is_none())
        .collect();
    (changed, removed)
}

async fn load(store: &Store) -> Result<(i64, Taxonomy, Vec<StoredOffering>), StoreError> {
    let version = store.catalog_version().await?;
    let taxonomy = store.taxonomy().await?.unwrap_or_else(Taxonomy::builtin);
    let offerings = store.offerings().await?;
    Ok((version, taxonomy, offerings))
}
