//! Providers (*aanbieders*): renaming one everywhere and taking all its offerings off the site.

use serde_json::json;

use super::audit::Change;
use super::{list_json, parse_list, Columns, Counter, Store, StoreError};

impl Store {
    /// Renames a provider everywhere (as provider and as partner), audited; returns the ids of
    /// the offerings changed.
    pub async fn rename_provider(
        &self,
        old: &str,
        new: &str,
        actor: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.write().await?;
        let rows = sqlx::query("SELECT id, aanbieder, partners FROM offerings")
            .fetch_all(&mut *tx)
            .await?;
        let ts = self.now();
        let mut changed = Vec::new();
        for r in rows {
            let id: String = r.col(0)?;
            let aanbieder: String = r.col(1)?;
            let partners = parse_list(r.col(2)?)?;
            if aanbieder != old && !partners.iter().any(|p| p == old) {
                continue;
            }
            let partners: Vec<String> = partners
                .into_iter()
                .map(|p| if p == old { new.to_string() } else { p })
                .collect();
            sqlx::query(
                "UPDATE offerings SET aanbieder = $1, partners = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(if aanbieder == old {
                new
            } else {
                aanbieder.as_str()
            })
            .bind(list_json(&partners))
            .bind(&ts)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            changed.push(id);
        }
        let change = (!changed.is_empty()).then(|| {
            Change::new(actor, "hernoemd", "aanbieder", old)
                .before(json!({"naam": old}))
                .after(json!({"naam": new, "aanbod": changed}))
        });
        self.commit(
            tx,
            change,
            (!changed.is_empty()).then_some(Counter::Catalog),
        )
        .await?;
        Ok(changed)
    }

    /// Takes all offerings of a provider off the site, audited; returns how many.
    pub async fn unpublish_provider(&self, name: &str, actor: &str) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let n = sqlx::query(
            "UPDATE offerings SET gepubliceerd = 0, updated_at = $1 WHERE aanbieder = $2 AND gepubliceerd = 1",
        )
        .bind(self.now())
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let change = (n > 0).then(|| {
            Change::new(actor, "niet meer gepubliceerd", "aanbieder", name)
                .after(json!({"aanbod": n}))
        });
        self.commit(tx, change, (n > 0).then_some(Counter::Catalog))
            .await?;
        Ok(n)
    }
}
