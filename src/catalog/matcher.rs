//! The matching engine of the catalogue: built for the current snapshot, date and labelled
//! questions, rebuilt when one of them changes, and run over imported demand.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{Catalog, CatalogError, Snapshot};
use crate::domain::matching::{FitModel, LabelledQuestion, Learned, LearnedSummary, Matcher};
use crate::store::{DemandRow, MatchedQuestion};

/// The matcher with the catalogue version, date and labelled-questions fingerprint it was built
/// for (and what was learned from coordinators by then).
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

/// The prior of the fit model the live engine learns from: the model shipped.
fn prior() -> FitModel {
    FitModel::builtin()
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

    fn learned(&self) -> Option<(u64, Arc<Learned>)> {
        match self.learned.lock() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Learns from the coordinators' judgements when they changed since the last time, and puts
    /// the result in the matcher. Blocking and slow with many judgements (each judged question
    /// is matched once): the background job calls it, never a request. True when it learned.
    pub fn learn(&self, today: NaiveDate) -> bool {
        let snapshot = self.snapshot();
        let fingerprint = snapshot.judgements_fingerprint();
        if self.learned().is_some_and(|(f, _)| f == fingerprint) {
            return false;
        }
        // Learning ranks without the evidence and model in use, so it starts from the same
        // point whatever was learned before.
        let current = self.matcher(today);
        let learned = Arc::new(current.learn(&snapshot.judgements, &prior()));
        tracing::info!(
            oordelen = learned.summary.oordelen,
            vragen = learned.summary.vragen,
            "koppeling geleerd van het coördinatiepunt"
        );
        let combined = if snapshot.judgements.is_empty() && current.learned().is_none() {
            Arc::clone(&current)
        } else {
            Arc::new((*current).clone().with_learned(&learned))
        };
        if let Ok(mut slot) = self.learned.lock() {
            *slot = Some((fingerprint, learned));
        }
        let mut guard = self.built_matcher();
        if let Some(built) = guard.as_mut().filter(|b| Arc::ptr_eq(&b.matcher, &current)) {
            built.matcher = combined;
        }
        true
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
        let base = Matcher::with_demand(
            &snapshot.offerings,
            &labelled,
            &snapshot.taxonomy,
            &self.thesaurus,
            today,
        );
        // What was learned last applies to the new matcher at once (the evidence is kept by
        // offering id and theme); learning again is left to the background job.
        let m = match self.learned() {
            Some((_, learned)) => Arc::new(base.with_learned(&learned)),
            None => Arc::new(base),
        };
        *guard = Some(BuiltMatcher {
            version: snapshot.version,
            today,
            fingerprint,
            matcher: Arc::clone(&m),
        });
        m
    }

    /// What the matcher in use learned from coordinators, when it learned anything.
    pub fn learned_summary(&self) -> Option<LearnedSummary> {
        self.learned().map(|(_, l)| l.summary)
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
            let matcher = this.matcher(this.clock().today());
            let snapshot = this.snapshot();
            pending
                .into_iter()
                .map(|q| {
                    let outcome = matcher.match_question(
                        &crate::domain::matching::MatchQuery {
                            vraag: q.question.vraag.clone(),
                            doelgroep: q.question.doelgroep.clone(),
                            sector: q.question.sector.clone(),
                            themas: q.question.themas.clone(),
                        },
                        1,
                    );
                    let themes = outcome
                        .resultaten
                        .first()
                        .and_then(|r| snapshot.get(&r.id))
                        .map(|o| o.themas.clone())
                        .unwrap_or_default();
                    MatchedQuestion {
                        id: q.question.id,
                        fit: outcome.fit,
                        kans: outcome.kans,
                        themas: themes,
                    }
                })
                .collect::<Vec<_>>()
        })
        .await?;
        self.store.set_passend(&results).await?;
        self.refresh_demand().await?;
        Ok(results.len())
    }
}
