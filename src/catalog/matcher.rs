//! The matching engine of the catalogue: built for the current snapshot, date and labelled
//! questions, rebuilt when one of them changes, and run over imported demand.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Catalog, CatalogError, Snapshot};
use crate::domain::matching::{LabelledQuestion, Matcher};
use crate::store::DemandRow;

/// The matcher with the catalogue version, date and labelled-questions fingerprint it was built for.
pub(super) struct BuiltMatcher {
    version: i64,
    today: NaiveDate,
    fingerprint: u64,
    matcher: Arc<Matcher>,
}

impl BuiltMatcher {
    /// True when it was made for this snapshot, date and labelled questions.
    fn is_current(&self, snapshot: &Snapshot, today: NaiveDate, fingerprint: u64) -> bool {
        self.version == snapshot.version && self.today == today && self.fingerprint == fingerprint
    }
}

impl Catalog {
    /// True when the matcher for the current snapshot and `today` is built already.
    pub fn matcher_ready(&self, today: NaiveDate) -> bool {
        let snapshot = self.snapshot();
        let fingerprint = snapshot.labelled_fingerprint();
        self.built_matcher()
            .as_ref()
            .is_some_and(|b| b.is_current(&snapshot, today, fingerprint))
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
            if built.is_current(&snapshot, today, fingerprint) {
                return Arc::clone(&built.matcher);
            }
        }
        let labelled: Vec<LabelledQuestion> = snapshot.labelled().collect();
        let m = Arc::new(Matcher::with_demand(
            &snapshot.offerings,
            &labelled,
            &snapshot.taxonomy,
            &self.thesaurus,
            today,
        ));
        *guard = Some(BuiltMatcher {
            version: snapshot.version,
            today,
            fingerprint,
            matcher: Arc::clone(&m),
        });
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
}
