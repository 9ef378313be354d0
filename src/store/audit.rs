//! The audit log: every change in the back office (who, when, what, before and after).

use serde_json::Value;

use super::{Columns, Store, StoreError};

/// One recorded change.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Row number.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who: an e-mail address, `cli` or `systeem`.
    pub actor: String,
    /// What was done (`goedgekeurd`, `bewerkt`, …).
    pub action: String,
    /// Kind of thing changed (`aanbod`, `leervraag`, …).
    pub entity: String,
    /// Its id.
    pub entity_id: String,
    /// State before, as JSON.
    pub before: Option<String>,
    /// State after, as JSON.
    pub after: Option<String>,
}

/// One change for the audit log: who did what to which thing, with its state before and after.
pub(crate) struct Change<'a> {
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: String,
    before: Option<Value>,
    after: Option<Value>,
}

impl<'a> Change<'a> {
    /// `actor` did `action` to the `entity` (`aanbod`, `leervraag`, …) with id `entity_id`.
    pub(crate) fn new(
        actor: &'a str,
        action: &'a str,
        entity: &'a str,
        entity_id: impl std::fmt::Display,
    ) -> Change<'a> {
        Change {
            actor,
            action,
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
        }
    }

    /// The state before the change, as JSON.
    pub(crate) fn before(mut self, state: impl Into<Option<Value>>) -> Change<'a> {
        self.before = state.into();
        self
    }

    /// A save from the back office: "bewerkt" when there was a state `before`, else
    /// "aangemaakt", with both states.
    pub(crate) fn saved(
        actor: &'a str,
        entity: &'a str,
        entity_id: impl std::fmt::Display,
        before: Option<Value>,
        after: Value,
    ) -> Change<'a> {
        let action = if before.is_some() {
            "bewerkt"
        } else {
            "aangemaakt"
        };
        Change::new(actor, action, entity, entity_id)
            .before(before)
            .after(after)
    }

    /// The state after the change, as JSON.
    pub(crate) fn after(mut self, state: impl Into<Option<Value>>) -> Change<'a> {
        self.after = state.into();
        self
    }
}

/// Records a change inside the transaction that makes it.
pub(super) async fn record(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    change: &Change<'_>,
    ts: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after) VALUES ($1,$2,$3,$4,$5,$6,$7)",
    )
    .bind(ts)
    .bind(change.actor)
    .bind(change.action)
    .bind(change.entity)
    .bind(&change.entity_id)
    .bind(change.before.as_ref().map(Value::to_string))
    .bind(change.after.as_ref().map(Value::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Audit entries, newest first; only those of one entity when `entity` is given.
    pub async fn audit_log(
        &self,
        entity: Option<(&str, &str)>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match entity {
            Some((kind, id)) => sqlx::query(
                "SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log \
                     WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT $3 OFFSET $4",
            )
            .bind(kind)
            .bind(id)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?,
            None => sqlx::query(
                "SELECT id, at, actor, action, entity, entity_id, before, after FROM audit_log \
                     ORDER BY id DESC LIMIT $1 OFFSET $2",
            )
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?,
        };
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.col("id")?,
                    at: r.col("at")?,
                    actor: r.col("actor")?,
                    action: r.col("action")?,
                    entity: r.col("entity")?,
                    entity_id: r.col("entity_id")?,
                    before: r.col("before")?,
                    after: r.col("after")?,
                })
            })
            .collect()
    }

    /// The audit history of a provider, newest first, at most `limit` entries: also what happened
    /// under its former names, followed through the rename records.
    pub async fn provider_history(
        &self,
        name: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let renames = sqlx::query(
            "SELECT entity_id, after FROM audit_log WHERE entity = 'aanbieder' AND action = 'hernoemd'",
        )
        .fetch_all(self.pool())
        .await?;
        let mut former: std::collections::HashMap<String, Vec<String>> = Default::default();
        for r in &renames {
            let old: String = r.col(0)?;
            let new = r
                .col::<Option<String>, _>(1)?
                .and_then(|a| serde_json::from_str::<Value>(&a).ok())
                .and_then(|v| v.get("naam").and_then(Value::as_str).map(str::to_string));
            if let Some(new) = new {
                former.entry(new).or_default().push(old);
            }
        }
        let mut names = vec![name.to_string()];
        let mut i = 0;
        while i < names.len() {
            for old in former.get(&names[i]).into_iter().flatten() {
                if !names.contains(old) {
                    names.push(old.clone());
                }
            }
            i += 1;
        }
        let mut all = Vec::new();
        for n in &names {
            all.extend(self.audit_log(Some(("aanbieder", n)), limit, 0).await?);
        }
        all.sort_by_key(|e| std::cmp::Reverse(e.id));
        all.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(all)
    }
}
