//! The snapshot: the offerings, taxonomy and demand at one version, with what is derived from
//! them once (providers, regions, keywords, gap analysis, the matcher's labelled questions).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;

use crate::domain::gaps::{self, DemandItem, Gap, GroupGap, ThemeFigures, Thresholds};
use crate::domain::matching::{Fit, Judgement, LabelledQuestion};
use crate::domain::offering::Offering;
use crate::domain::status::QuestionStatus;
use crate::domain::taxonomy::Taxonomy;
use crate::store::{DemandRow, StoredOffering};

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
    pub(super) data: Arc<CatalogData>,
    /// Demand version this snapshot reflects.
    pub demand_version: i64,
    /// All learning questions.
    pub demand: Arc<Vec<DemandRow>>,
    pub(super) analysis: Mutex<Option<Arc<Analysis>>>,
    /// Fingerprint of the learning questions the matcher learns from.
    pub(super) labelled: OnceLock<u64>,
    /// The coordinators' judgements the matcher learns from.
    pub judgements: Arc<Vec<Judgement>>,
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
    /// The (theme, target group) cells that are a gap, best first.
    pub group_gaps: Vec<GroupGap>,
    /// The thresholds used.
    pub thresholds: Thresholds,
    /// The date the supply was judged on ("stand per").
    pub datum: NaiveDate,
}

impl Snapshot {
    /// A snapshot of `data` with the learning questions and judgements of `demand_version`; its
    /// analysis and fingerprint are made when first asked for.
    pub(super) fn new(
        data: Arc<CatalogData>,
        demand_version: i64,
        demand: Vec<DemandRow>,
        judgements: Vec<Judgement>,
    ) -> Snapshot {
        Snapshot {
            data,
            demand_version,
            demand: Arc::new(demand),
            analysis: Mutex::new(None),
            labelled: OnceLock::new(),
            judgements: Arc::new(judgements),
        }
    }

    /// The learning questions whose themes the inventory or a coordinator gave.
    pub(super) fn labelled(&self) -> impl Iterator<Item = LabelledQuestion> + '_ {
        self.demand.iter().filter_map(DemandRow::labelled)
    }

    /// A fingerprint of `labelled()` that changes when they do, computed once per snapshot.
    pub(super) fn labelled_fingerprint(&self) -> u64 {
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

    /// A fingerprint of the coordinators' judgements.
    pub(super) fn judgements_fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for j in self.judgements.iter() {
            j.vraag.vraag.hash(&mut h);
            j.vraag.doelgroep.hash(&mut h);
            j.vraag.sector.hash(&mut h);
            j.lacune.hash(&mut h);
            j.bevestigd.hash(&mut h);
            j.afgewezen.hash(&mut h);
        }
        h.finish()
    }

    /// The gap analysis with the supply usable on `today` (the catalogue's clock), computed once
    /// per snapshot and day.
    pub fn analysis(&self, today: NaiveDate) -> Arc<Analysis> {
        let mut cached = self
            .analysis
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(a) = cached.as_ref().filter(|a| a.datum == today) {
            return Arc::clone(a);
        }
        let offerings: Vec<&Offering> = self.offerings.iter().map(|s| &s.offering).collect();
        let demand: Vec<DemandItem> = self
            .demand
            .iter()
            .map(|q| DemandItem {
                themas: &q.question.themas,
                doelgroep: q.question.doelgroep.as_deref(),
                // A coordinator's verdict "lacune" overrides the engine; `mogelijk` is not known
                // to be answered or not, and is counted apart.
                beantwoord: if q.status == QuestionStatus::Lacune {
                    Some(false)
                } else {
                    match q.fit {
                        Some(Fit::Passend) => Some(true),
                        Some(Fit::Geen) => Some(false),
                        Some(Fit::Mogelijk) => None,
                        None => q.passend,
                    }
                },
                mogelijk: q.status != QuestionStatus::Lacune && q.fit == Some(Fit::Mogelijk),
            })
            .collect();
        let thresholds = Thresholds::default();
        let themes = gaps::theme_figures(&self.taxonomy, &offerings, &demand, &thresholds, today);
        let gaps = gaps::gaps_from(&themes, &self.taxonomy);
        let group_gaps = gaps::group_gaps(&themes);
        let a = Arc::new(Analysis {
            themes,
            gaps,
            group_gaps,
            thresholds,
            datum: today,
        });
        *cached = Some(Arc::clone(&a));
        a
    }
}

/// How many similar offerings are kept per offering once computed (an offering page shows 4).
const SIMILAR_KEPT: usize = 8;

/// Row key (`seq`) → position in `offerings`: a table indexed by row key while the keys are dense
/// (a search looks up every hit), a hash map otherwise.
pub(super) enum SeqIndex {
    /// Position + 1 per row key, 0 for none.
    Dense(Vec<u32>),
    /// Row key → position.
    Sparse(rustc_hash::FxHashMap<i64, usize>),
}

impl SeqIndex {
    fn new(seqs: impl ExactSizeIterator<Item = i64> + Clone) -> SeqIndex {
        let n = seqs.len();
        let max = seqs.clone().max().unwrap_or(0);
        let dense = seqs.clone().all(|q| q >= 0) && max <= (4 * n as i64).max(1024);
        if dense {
            let mut table = vec![0u32; usize::try_from(max).unwrap_or(0) + 1];
            for (i, q) in seqs.enumerate() {
                if let Some(slot) = usize::try_from(q).ok().and_then(|q| table.get_mut(q)) {
                    *slot = u32::try_from(i + 1).unwrap_or(0);
                }
            }
            SeqIndex::Dense(table)
        } else {
            SeqIndex::Sparse(seqs.enumerate().map(|(i, q)| (q, i)).collect())
        }
    }

    /// The position of the offering with row key `seq`.
    pub(super) fn get(&self, seq: i64) -> Option<usize> {
        match self {
            SeqIndex::Dense(table) => usize::try_from(seq)
                .ok()
                .and_then(|q| table.get(q))
                .and_then(|&p| (p as usize).checked_sub(1)),
            SeqIndex::Sparse(map) => map.get(&seq).copied(),
        }
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
    pub(super) by_seq: SeqIndex,
    /// Positions in `offerings`, ordered by id (bytes), for a look-up by id.
    by_id: Vec<u32>,
    /// Providers, ordered by name.
    pub providers: Vec<Provider>,
    /// Per offering (same order as `offerings`): its provider's position in `providers`.
    provider_of: Vec<u32>,
    /// Facet values as numbers, prepared once per version (same order as `offerings`).
    pub(super) facet_table: crate::domain::facets::FacetTable,
    /// "Vergelijkbaar aanbod", prepared once per version (same order as `offerings`).
    pub(super) similar: crate::domain::similar::SimilarIndex,
    /// The first [`SIMILAR_KEPT`] of "vergelijkbaar aanbod" per offering, once asked for.
    similar_kept: Vec<OnceLock<Box<[u32]>>>,
    /// Provider slug → index in `providers`.
    pub(super) provider_index: HashMap<String, usize>,
    /// Offering id → the learning circle it came from `(slug, name)`.
    origins: HashMap<String, (String, String)>,
    /// The Dutch day of the latest change to the offerings (their stored `updated_at`).
    pub last_change: Option<chrono::NaiveDate>,
}

impl CatalogData {
    pub(super) fn new(
        version: i64,
        taxonomy: Taxonomy,
        offerings: Vec<StoredOffering>,
    ) -> CatalogData {
        let offerings_len = offerings.len();
        let by_seq = SeqIndex::new(offerings.iter().map(|s| s.seq));
        let mut by_id: Vec<u32> = (0..offerings.len() as u32).collect();
        by_id.sort_by(|&a, &b| {
            offerings[a as usize]
                .offering
                .id
                .cmp(&offerings[b as usize].offering.id)
        });
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
        let provider_index: HashMap<String, usize> = providers
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        let provider_of: Vec<u32> = offerings
            .iter()
            .map(|s| {
                let i = provider_index
                    .get(&s.offering.provider_slug())
                    .copied()
                    .unwrap_or_default();
                u32::try_from(i).unwrap_or_default()
            })
            .collect();
        let facet_table = crate::domain::facets::FacetTable::new(
            offerings
                .iter()
                .zip(&provider_of)
                .map(|(s, &p)| (&s.offering, providers[p as usize].slug.as_str())),
        );
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
        let last_change = offerings
            .iter()
            .filter_map(|s| chrono::DateTime::parse_from_rfc3339(&s.updated_at).ok())
            .max()
            .map(|t| crate::domain::clock::dutch_date(t.with_timezone(&chrono::Utc)));
        CatalogData {
            last_change,
            version,
            taxonomy,
            offerings,
            by_seq,
            by_id,
            providers,
            provider_of,
            facet_table,
            origins: HashMap::new(),
            similar_kept: std::iter::repeat_with(OnceLock::new)
                .take(offerings_len)
                .collect(),
            similar,
            provider_index,
        }
    }

    /// The offering with this id.
    pub fn get(&self, id: &str) -> Option<&Offering> {
        self.position(id).map(|i| &self.offerings[i].offering)
    }

    /// The position in `offerings` of the offering with this id.
    fn position(&self, id: &str) -> Option<usize> {
        let found = self
            .by_id
            .binary_search_by(|&p| self.offerings[p as usize].offering.id.as_str().cmp(id))
            .ok()?;
        Some(self.by_id[found] as usize)
    }

    /// The `k` offerings most like the one with `id`.
    pub fn similar(&self, id: &str, k: usize) -> Vec<&Offering> {
        let Some(i) = self.position(id) else {
            return Vec::new();
        };
        let positions: Vec<usize> = match self.similar_kept.get(i) {
            Some(kept) if k <= SIMILAR_KEPT => kept
                .get_or_init(|| {
                    self.similar
                        .similar(i, SIMILAR_KEPT)
                        .into_iter()
                        .filter_map(|j| u32::try_from(j).ok())
                        .collect()
                })
                .iter()
                .take(k)
                .map(|j| *j as usize)
                .collect(),
            _ => self.similar.similar(i, k),
        };
        positions
            .into_iter()
            .filter_map(|j| self.offerings.get(j))
            .map(|s| &s.offering)
            .collect()
    }

    /// The provider slug of each offering, in `offerings` order.
    pub fn provider_slugs(&self) -> impl Iterator<Item = &str> + '_ {
        self.provider_of
            .iter()
            .map(|&p| self.providers[p as usize].slug.as_str())
    }

    /// The provider with this slug.
    pub fn provider(&self, slug: &str) -> Option<&Provider> {
        self.provider_index.get(slug).map(|i| &self.providers[*i])
    }

    /// With the learning circle each circle result came from (offering id → `(slug, name)`).
    pub(super) fn with_origins(mut self, origins: HashMap<String, (String, String)>) -> Self {
        self.origins = origins;
        self
    }

    /// The learning circle offering `id` came from, as `(slug, name)`.
    pub fn origin(&self, id: &str) -> Option<&(String, String)> {
        self.origins.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoredOffering;

    #[test]
    fn kept_similar_offerings_are_the_first_of_the_full_ranking() {
        let offerings: Vec<StoredOffering> = (0..60)
            .map(|i| {
                let mut o = crate::domain::offering::example(&format!("o{i:02}"));
                o.themas = vec![format!("t{}", i % 4), format!("t{}", i % 7)];
                o.trefwoorden = vec![format!("kw{}", i % 5)];
                o.vorm = format!("v{}", i % 3);
                StoredOffering {
                    seq: i,
                    offering: o,
                    created_at: String::new(),
                    updated_at: String::new(),
                }
            })
            .collect();
        let data = CatalogData::new(1, Taxonomy::builtin(), offerings);
        for (i, s) in data.offerings.iter().enumerate() {
            for k in [4, 1, 8, 3, 12, 0] {
                let expected: Vec<&str> = data
                    .similar
                    .similar(i, k)
                    .into_iter()
                    .map(|j| data.offerings[j].offering.id.as_str())
                    .collect();
                let got: Vec<&str> = data
                    .similar(&s.offering.id, k)
                    .into_iter()
                    .map(|o| o.id.as_str())
                    .collect();
                assert_eq!(got, expected, "{} k={k}", s.offering.id);
            }
        }
    }
}
