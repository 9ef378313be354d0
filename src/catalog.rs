//! The catalogue service: the store, the search index and an in-memory snapshot of all
//! offerings kept in step. Every change goes through here so the three never drift apart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use chrono::NaiveDate;

use crate::domain::clock::Clock;
use crate::domain::facets::{self, Filters, Page, Sort};
use crate::domain::gaps::{self, DemandItem, Gap, ThemeFigures, Thresholds};
use crate::domain::matching::{LabelledQuestion, Matcher, Thesaurus};
use crate::domain::offering::Offering;
use crate::domain::taxonomy::Taxonomy;
use crate::search::{SearchError, SearchIndex};
use crate::store::{DemandRow, Store, StoreError, StoredOffering};

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

/// A provider (aanbieder) with the number of its offerings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// URL slug of the name.
    pub slug: String,
    /// Name as written in the offerings.
    pub name: String,
    /// Number of offerings where it is the provider.
    pub offerings: usize,
}

/// An immutable view of the catalogue and the demand at one version of each.
pub struct Snapshot {
    data: Arc<CatalogData>,
    /// Demand version this snapshot reflects.
    pub demand_version: i64,
    /// All learning questions.
    pub demand: Arc<Vec<DemandRow>>,
    analysis: OnceLock<Arc<Analysis>>,
    /// Fingerprint of the learning questions the matcher learns from.
    labelled: OnceLock<u64>,
}

impl std::ops::Deref for Snapshot {
    type Target = CatalogData;

    fn deref(&self) -> &CatalogData {
        &self.data
    }
}

/// The learning agenda and gap analysis of one snapshot.
pub struct Analysis {
    /// Figures per theme.
    pub themes: Vec<ThemeFigures>,
    /// The gaps, best first.
    pub gaps: Vec<Gap>,
    /// The thresholds used.
    pub thresholds: Thresholds,
}

impl Snapshot {
    /// The learning questions whose themes the inventory or a coordinator gave.
    fn labelled(&self) -> impl Iterator<Item = LabelledQuestion> + '_ {
        self.demand.iter().filter_map(DemandRow::labelled)
    }

    /// A fingerprint of `labelled()` that changes when they do, computed once per snapshot.
    fn labelled_fingerprint(&self) -> u64 {
        *self.labelled.get_or_init(|| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for q in self.labelled() {
                q.vraag.hash(&mut h);
                q.themas.hash(&mut h);
            }
            h.finish()
        })
    }

    /// The gap analysis, computed once per snapshot.
    pub fn analysis(&self) -> Arc<Analysis> {
        Arc::clone(self.analysis.get_or_init(|| {
            let offerings: Vec<&Offering> = self.offerings.iter().map(|s| &s.offering).collect();
            let demand: Vec<DemandItem> = self
                .demand
                .iter()
                .map(|q| DemandItem {
                    themas: &q.themas,
                    doelgroep: q.doelgroep.as_deref(),
                    passend: q.passend,
                    lacune: q.status == "lacune",
                })
                .collect();
            let thresholds = Thresholds::default();
            let themes = gaps::theme_figures(&self.taxonomy, &offerings, &demand, &thresholds);
            let gaps = gaps::gaps_from(&themes, &self.taxonomy);
            Arc::new(Analysis {
                themes,
                gaps,
                thresholds,
            })
        }))
    }
}

/// The offerings and taxonomy at one catalogue version.
pub struct CatalogData {
    /// Catalogue version this snapshot reflects.
    pub version: i64,
    /// The taxonomy in force.
    pub taxonomy: Taxonomy,
    /// All offerings, ordered by id.
    pub offerings: Vec<StoredOffering>,
    by_seq: HashMap<i64, usize>,
    by_id: HashMap<String, usize>,
    /// Providers, ordered by name.
    pub providers: Vec<Provider>,
    /// Provider slug per offering (same order as `offerings`).
    provider_slugs: Vec<String>,
    /// "Vergelijkbaar aanbod", prepared once per version (same order as `offerings`).
    similar: crate::domain::similar::SimilarIndex,
    /// Regions in use: exact spelling → itself, and lowercase → the first spelling seen.
    regions: HashMap<String, String>,
    /// Provider slug → index in `providers`.
    provider_index: HashMap<String, usize>,
}

impl CatalogData {
    fn new(version: i64, taxonomy: Taxonomy, offerings: Vec<StoredOffering>) -> CatalogData {
        let by_seq = offerings
            .iter()
            .enumerate()
            .map(|(i, s)| (s.seq, i))
            .collect();
        let by_id = offerings
            .iter()
            .enumerate()
            .map(|(i, s)| (s.offering.id.clone(), i))
            .collect();
        let mut providers: HashMap<String, Provider> = HashMap::new();
        for s in &offerings {
            let slug = s.offering.provider_slug();
            providers
                .entry(slug.clone())
                .or_insert_with(|| Provider {
                    slug,
                    name: s.offering.aanbieder.clone(),
                    offerings: 0,
                })
                .offerings += 1;
        }
        let mut providers: Vec<Provider> = providers.into_values().collect();
        providers.sort_by(|a, b| {
            crate::domain::analysis::fold(&a.name).cmp(&crate::domain::analysis::fold(&b.name))
        });
        let provider_slugs = offerings
            .iter()
            .map(|s| s.offering.provider_slug())
            .collect();
        let keywords: Vec<Vec<String>> = offerings
            .iter()
            .map(|s| crate::domain::similar::folded_keywords(&s.offering))
            .collect();
        let similar = crate::domain::similar::SimilarIndex::new(
            offerings
                .iter()
                .zip(&keywords)
                .map(|(s, k)| (&s.offering, k.as_slice())),
        );
        let mut regions = HashMap::new();
        for s in &offerings {
            let r = &s.offering.regio;
            regions.insert(r.clone(), r.clone());
        }
        for s in &offerings {
            let r = &s.offering.regio;
            regions.entry(r.to_lowercase()).or_insert_with(|| r.clone());
        }
        let provider_index = providers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        CatalogData {
            version,
            taxonomy,
            offerings,
            by_seq,
            by_id,
            providers,
            provider_slugs,
            similar,
            regions,
            provider_index,
        }
    }

    /// The region as offerings spell it: `value` itself when an offering uses it, else the
    /// spelling of a region that differs only in letter case (`noord-brabant`). A lookup, not a
    /// scan, however many values a request names.
    pub fn region(&self, value: &str) -> Option<&str> {
        self.regions
            .get(value)
            .or_else(|| self.regions.get(&value.to_lowercase()))
            .map(String::as_str)
    }

    /// The offering with this id.
    pub fn get(&self, id: &str) -> Option<&Offering> {
        self.by_id.get(id).map(|i| &self.offerings[*i].offering)
    }

    /// The `k` offerings most like the one with `id`.
    pub fn similar(&self, id: &str, k: usize) -> Vec<&Offering> {
        let Some(i) = self.by_id.get(id).copied() else {
            return Vec::new();
        };
        self.similar
            .similar(i, k)
            .into_iter()
            .filter_map(|j| self.offerings.get(j))
            .map(|s| &s.offering)
            .collect()
    }

    /// The provider slug of each offering, in `offerings` order.
    pub fn provider_slugs(&self) -> &[String] {
        &self.provider_slugs
    }

    /// The provider with this slug.
    pub fn provider(&self, slug: &str) -> Option<&Provider> {
        self.provider_index.get(slug).map(|i| &self.providers[*i])
    }
}

/// The matcher with the catalogue version, date and labelled-questions fingerprint it was built for.
type BuiltMatcher = (i64, NaiveDate, u64, Arc<Matcher>);

/// True when `built` was made for this snapshot, date and labelled questions.
fn is_current(
    built: &BuiltMatcher,
    snapshot: &Snapshot,
    today: NaiveDate,
    fingerprint: u64,
) -> bool {
    built.0 == snapshot.version && built.1 == today && built.2 == fingerprint
}

/// How often a running instance looks whether another process (an import, another instance)
/// changed the catalogue or the learning questions; one cheap query each. A change is in its
/// search index and pages within this interval plus the time to reload and reindex (see
/// README: within 2 seconds).
pub const REFRESH_INTERVAL: std::time::Duration = std::time::Duration::from_millis(500);

/// Factor on the text score of an offering that has ended.
const ENDED_WEIGHT: f32 = 0.6;

/// The catalogue service.
pub struct Catalog {
    store: Store,
    index: Arc<SearchIndex>,
    index_dir: Option<PathBuf>,
    snapshot: RwLock<Arc<Snapshot>>,
    thesaurus: Thesaurus,
    matcher: Mutex<Option<BuiltMatcher>>,
    /// One refresh at a time: they share the index writer.
    refreshing: tokio::sync::Mutex<()>,
    /// Where "today" comes from.
    clock: Clock,
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
        let demand_version = store.demand_version().await?;
        let demand = store.demand().await?;
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
            snapshot: RwLock::new(Arc::new(Snapshot {
                data: Arc::new(CatalogData::new(version, taxonomy, offerings)),
                demand_version,
                demand: Arc::new(demand),
                analysis: OnceLock::new(),
                labelled: OnceLock::new(),
            })),
            thesaurus,
            matcher: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            clock: Clock::system(),
        })
    }

    /// The same catalogue with "today" read from `clock` (a fixed moment in tests).
    pub fn with_clock(mut self, clock: Clock) -> Catalog {
        self.clock = clock;
        self
    }

    /// Where "today" comes from.
    pub fn clock(&self) -> &Clock {
        &self.clock
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
        let data = Arc::clone(&self.snapshot().data);
        self.publish(Snapshot {
            data,
            demand_version,
            demand: Arc::new(demand),
            analysis: OnceLock::new(),
            labelled: OnceLock::new(),
        });
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
        let snapshot = CatalogData::new(version, taxonomy, offerings);
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
        self.publish(Snapshot {
            data: Arc::new(snapshot),
            demand_version,
            demand: Arc::new(demand),
            analysis: OnceLock::new(),
            labelled: OnceLock::new(),
        });
        Ok(())
    }

    /// True when the matcher for the current snapshot and `today` is built already.
    pub fn matcher_ready(&self, today: NaiveDate) -> bool {
        let snapshot = self.snapshot();
        let fingerprint = snapshot.labelled_fingerprint();
        self.built_matcher()
            .as_ref()
            .is_some_and(|b| is_current(b, &snapshot, today, fingerprint))
    }

    fn built_matcher(&self) -> std::sync::MutexGuard<'_, Option<BuiltMatcher>> {
        match self.matcher.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The matching engine over the current snapshot and the labelled learning questions, built
    /// on first use and again after a change of either or when the date moves on. Blocking: call
    /// it off the async runtime.
    pub fn matcher(&self, today: NaiveDate) -> Arc<Matcher> {
        let snapshot = self.snapshot();
        let mut guard = self.built_matcher();
        let fingerprint = snapshot.labelled_fingerprint();
        if let Some(built) = guard.as_ref() {
            if is_current(built, &snapshot, today, fingerprint) {
                return Arc::clone(&built.3);
            }
        }
        let offerings: Vec<Offering> = snapshot
            .offerings
            .iter()
            .map(|s| s.offering.clone())
            .collect();
        let labelled: Vec<LabelledQuestion> = snapshot.labelled().collect();
        let m = Arc::new(Matcher::with_demand(
            &offerings,
            &labelled,
            &snapshot.taxonomy,
            &self.thesaurus,
            today,
        ));
        *guard = Some((snapshot.version, today, fingerprint, Arc::clone(&m)));
        m
    }

    /// Matches up to `limit` learning questions that have no `passend` yet (imported demand),
    /// records the outcome and, for questions without themes, the themes of the best offering.
    pub async fn match_pending(self: Arc<Self>, limit: usize) -> Result<usize, CatalogError> {
        let pending: Vec<DemandRow> = self
            .snapshot()
            .demand
            .iter()
            .filter(|q| q.passend.is_none())
            .take(limit)
            .cloned()
            .collect();
        if pending.is_empty() {
            return Ok(0);
        }
        let this = Arc::clone(&self);
        let results = tokio::task::spawn_blocking(move || {
            let matcher = this.matcher(this.clock.today());
            let snapshot = this.snapshot();
            pending
                .into_iter()
                .map(|q| {
                    let outcome = matcher.match_question(
                        &crate::domain::matching::MatchQuery {
                            vraag: q.vraag.clone(),
                            doelgroep: q.doelgroep.clone(),
                            sector: q.sector.clone(),
                            themas: q.themas.clone(),
                        },
                        1,
                    );
                    let themes = outcome
                        .resultaten
                        .first()
                        .and_then(|r| snapshot.get(&r.id))
                        .map(|o| o.themas.clone())
                        .unwrap_or_default();
                    (q.id, outcome.passend, themes)
                })
                .collect::<Vec<_>>()
        })
        .await?;
        self.store.set_passend(&results).await?;
        self.refresh_demand().await?;
        Ok(results.len())
    }

    /// True when store and index answer.
    pub async fn healthy(&self) -> bool {
        self.store.ping().await && self.index.len() as usize == self.snapshot().offerings.len()
    }

    /// A catalogue search: text (optional), filters, facets, sort and page.
    pub fn search<'a>(
        &self,
        snapshot: &'a Snapshot,
        q: &str,
        filters: &Filters,
        sort: Sort,
        page: usize,
        page_size: usize,
    ) -> Result<Page<'a>, CatalogError> {
        let text = q.trim();
        let today = self.clock.today();
        if text.is_empty() {
            // Without a text, "relevant" means: still available first.
            let hits = snapshot
                .offerings
                .iter()
                .zip(&snapshot.provider_slugs)
                .map(|(s, p)| {
                    let current = if s.offering.is_current(today) {
                        1.0
                    } else {
                        0.0
                    };
                    (&s.offering, p.as_str(), current)
                });
            return Ok(facets::apply(hits, filters, sort, page, page_size));
        }
        let hits = self.index.search(text, &self.thesaurus)?;
        let hits = hits.into_iter().filter_map(|(seq, score)| {
            snapshot.by_seq.get(&seq).map(|i| {
                let o = &snapshot.offerings[*i].offering;
                // An offering that has ended ranks below a current one with the same text score.
                let score = if o.is_current(today) {
                    score
                } else {
                    score * ENDED_WEIGHT
                };
                (o, snapshot.provider_slugs[*i].as_str(), score)
            })
        });
        Ok(facets::apply(hits, filters, sort, page, page_size))
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
                .get(&s.seq)
                .is_none_or(|i| old.offerings[*i].offering != s.offering)
        })
        .cloned()
        .collect();
    let removed = old
        .offerings
        .iter()
        .map(|s| s.seq)
        .filter(|seq| !new.by_seq.contains_key(seq))
        .collect();
    (changed, removed)
}

async fn load(store: &Store) -> Result<(i64, Taxonomy, Vec<StoredOffering>), StoreError> {
    let version = store.catalog_version().await?;
    let taxonomy = store.taxonomy().await?.unwrap_or_else(Taxonomy::builtin);
    let offerings = store.offerings().await?;
    Ok((version, taxonomy, offerings))
}
