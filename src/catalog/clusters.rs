//! The coordinator's clusters of similar open learning questions, worked out once per version of
//! the catalogue (its taxonomy) and of the demand, off the async threads.

use std::sync::Arc;

use crate::domain::matching::Thesaurus;
use crate::domain::peers::{PeerIndex, PeerParams};
use crate::domain::question::LearningQuestion;
use crate::domain::status::QuestionStatus;

use super::snapshot::Snapshot;
use super::{Catalog, CatalogError};

/// The fewest questions a cluster needs.
pub const MIN_CLUSTER: usize = 3;

/// One cluster as the back office shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionCluster {
    /// "7 vragen over vroegsignalering, 5 gemeenten".
    pub summary: String,
    /// A name for a circle proposed to it: "Leerkring over …".
    pub title: String,
    /// The label of the theme most questions have.
    pub theme: Option<String>,
    /// The label of the vraagstuk that theme belongs to.
    pub vraagstuk: Option<String>,
    /// The ids of its questions, oldest first.
    pub questions: Vec<String>,
    /// How many municipalities asked.
    pub gemeenten: usize,
}

/// The clusters of one version of the catalogue and the demand.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionClusters {
    /// Catalogue version.
    pub version: i64,
    /// Demand version.
    pub demand_version: i64,
    /// How many open questions were clustered.
    pub open: usize,
    /// The clusters, largest first.
    pub clusters: Vec<QuestionCluster>,
}

/// Whether a question counts as open for the clusters: not answered and not referred (a
/// question marked lacune is open: nothing answers it yet).
pub fn is_open(status: QuestionStatus) -> bool {
    !matches!(
        status,
        QuestionStatus::Beantwoord | QuestionStatus::Doorverwezen
    )
}

/// Clusters the open questions of `snapshot`.
pub fn build(snapshot: &Snapshot, thesaurus: &Thesaurus) -> QuestionClusters {
    let open: Vec<LearningQuestion> = snapshot
        .demand
        .iter()
        .filter(|q| is_open(q.status))
        .map(|q| q.question.clone())
        .collect();
    let taxonomy = &snapshot.taxonomy;
    let index = PeerIndex::new(open, taxonomy, thesaurus);
    let all: Vec<usize> = (0..index.len()).collect();
    let clusters = index
        .clusters(&all, &PeerParams::clustering(), MIN_CLUSTER)
        .into_iter()
        .map(|c| {
            let title: String = format!("Leerkring over {}", c.about())
                .chars()
                .take(200)
                .collect();
            QuestionCluster {
                summary: c.summary(),
                title,
                vraagstuk: c
                    .theme_slug
                    .as_deref()
                    .and_then(|t| taxonomy.topic_for_theme(t))
                    .map(|t| t.label.clone()),
                theme: c.theme.clone(),
                questions: c
                    .members
                    .iter()
                    .filter_map(|&m| index.question(m).map(|q| q.id.clone()))
                    .collect(),
                gemeenten: c.gemeenten,
            }
        })
        .collect();
    QuestionClusters {
        version: snapshot.version,
        demand_version: snapshot.demand_version,
        open: index.len(),
        clusters,
    }
}

impl Catalog {
    /// The clusters of similar open questions of the current snapshot: worked out once per
    /// version of the catalogue and the demand (one at a time; later callers wait and share).
    pub async fn question_clusters(&self) -> Result<Arc<QuestionClusters>, CatalogError> {
        let snapshot = self.snapshot();
        let mut cached = self.clusters.lock().await;
        if let Some(c) = cached.as_ref().filter(|c| {
            c.version == snapshot.version && c.demand_version == snapshot.demand_version
        }) {
            return Ok(Arc::clone(c));
        }
        let thesaurus = self.thesaurus.clone();
        let built =
            Arc::new(tokio::task::spawn_blocking(move || build(&snapshot, &thesaurus)).await?);
        *cached = Some(Arc::clone(&built));
        Ok(built)
    }
}
