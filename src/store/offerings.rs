//! The catalogue: offerings and the taxonomy, their version counter, and the back office's
//! edits (create, edit, publish), audited.

use serde_json::{json, Value};

use super::audit::Change;
use super::{list_json, parse_date, parse_list, parsed, Columns, Counter, Store, StoreError};
use crate::domain::offering::{Location, Offering};
use crate::domain::taxonomy::Taxonomy;

/// An offering in the back office's list, published or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferingSummary {
    /// Id.
    pub id: String,
    /// Title.
    pub titel: String,
    /// Provider.
    pub aanbieder: String,
    /// Whether it is on the site.
    pub gepubliceerd: bool,
}

/// An offering as stored, with its row sequence number (stable key for the search index).
#[derive(Debug, Clone)]
pub struct StoredOffering {
    /// Row key, unique and stable for the life of the row.
    pub seq: i64,
    /// The offering.
    pub offering: Offering,
    /// When it was first stored (RFC 3339).
    pub created_at: String,
    /// When it was last changed (RFC 3339).
    pub updated_at: String,
}

impl std::borrow::Borrow<Offering> for StoredOffering {
    fn borrow(&self) -> &Offering {
        &self.offering
    }
}

impl Store {
    /// The stored taxonomy, or `None` when none was loaded yet.
    pub async fn taxonomy(&self) -> Result<Option<Taxonomy>, StoreError> {
        let row = sqlx::query("SELECT document FROM taxonomy WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let doc: String = r.col(0)?;
            serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }

    /// Stores the taxonomy, replacing the previous one.
    pub async fn save_taxonomy(&self, tax: &Taxonomy) -> Result<(), StoreError> {
        let doc = serde_json::to_string(tax).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO taxonomy (id, document, updated_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at",
        )
        .bind(doc)
        .bind(self.now())
        .execute(&mut *tx)
        .await?;
        self.commit(tx, None, Some(Counter::Catalog)).await?;
        Ok(())
    }

    /// The catalogue version: it changes on every committed catalogue change.
    pub async fn catalog_version(&self) -> Result<i64, StoreError> {
        self.counter(Counter::Catalog).await
    }

    /// Number of offerings.
    pub async fn count_offerings(&self) -> Result<i64, StoreError> {
        sqlx::query("SELECT COUNT(*) FROM offerings")
            .fetch_one(&self.pool)
            .await?
            .col(0)
    }

    /// The learning circle each published circle result came from: offering id → (circle slug,
    /// circle name). Loaded with the catalogue, so an offering page needs no query for it.
    pub async fn circle_origins(
        &self,
    ) -> Result<std::collections::HashMap<String, (String, String)>, StoreError> {
        let pairs = self
            .rows(
                "SELECT s.offering_id, c.slug, c.titel FROM offering_submissions s \
                 JOIN learning_circles c ON c.id = s.leerkring_id \
                 WHERE s.status = 'goedgekeurd' AND s.offering_id IS NOT NULL ORDER BY s.id",
                |r| Ok((r.col("offering_id")?, (r.col("slug")?, r.col("titel")?))),
            )
            .await?;
        Ok(pairs.into_iter().collect())
    }

    /// Every published offering, ordered by id. Rows are decoded as they stream in, so the raw
    /// rows of a large catalogue are never all in memory beside the offerings.
    pub async fn offerings(&self) -> Result<Vec<StoredOffering>, StoreError> {
        use futures_util::TryStreamExt;
        let mut rows = sqlx::query(
            "SELECT seq, id, titel, samenvatting, beschrijving, aanbieder, partners, vorm, themas, \
             doelgroepen, sectoren, trefwoorden, kosten, locatie, regio, startdatum, einddatum, url, \
             created_at, updated_at FROM offerings WHERE gepubliceerd = 1 ORDER BY id",
        )
        .fetch(&self.pool);
        let mut all = Vec::new();
        while let Some(r) = rows.try_next().await? {
            all.push(StoredOffering {
                seq: r.col("seq")?,
                created_at: r.col("created_at")?,
                updated_at: r.col("updated_at")?,
                offering: Offering {
                    id: r.col("id")?,
                    titel: r.col("titel")?,
                    samenvatting: r.col("samenvatting")?,
                    beschrijving: r.col("beschrijving")?,
                    aanbieder: r.col("aanbieder")?,
                    partners: parse_list(r.col("partners")?)?,
                    vorm: r.col("vorm")?,
                    themas: parse_list(r.col("themas")?)?,
                    doelgroepen: parse_list(r.col("doelgroepen")?)?,
                    sectoren: parse_list(r.col("sectoren")?)?,
                    trefwoorden: parse_list(r.col("trefwoorden")?)?,
                    kosten: r.col("kosten")?,
                    locatie: parsed(&r, "locatie", Location::parse)?,
                    regio: r.col("regio")?,
                    startdatum: parse_date(r.col("startdatum")?)?,
                    einddatum: parse_date(r.col("einddatum")?)?,
                    url: r.col("url")?,
                },
            });
        }
        all.shrink_to_fit();
        Ok(all)
    }

    /// Inserts or updates offerings by id, all in one transaction.
    pub async fn upsert_offerings(&self, offerings: &[Offering]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let ts = self.now();
        for o in offerings {
            upsert_offering(&mut tx, o, &ts).await?;
        }
        self.commit(tx, None, Some(Counter::Catalog)).await?;
        Ok(())
    }

    /// Every offering, published or not, by title.
    pub async fn all_offerings(&self) -> Result<Vec<OfferingSummary>, StoreError> {
        self.rows(
            "SELECT id, titel, aanbieder, gepubliceerd FROM offerings ORDER BY lower(titel), titel",
            |r| {
                Ok(OfferingSummary {
                    id: r.col(0)?,
                    titel: r.col(1)?,
                    aanbieder: r.col(2)?,
                    gepubliceerd: r.col::<i64, _>(3)? != 0,
                })
            },
        )
        .await
    }

    /// One offering as JSON, published or not, with its published flag.
    pub async fn offering_record(&self, id: &str) -> Result<Option<(Value, bool)>, StoreError> {
        let row = sqlx::query(
            "SELECT id, titel, samenvatting, beschrijving, aanbieder, partners, vorm, themas, doelgroepen, \
             sectoren, trefwoorden, kosten, locatie, regio, startdatum, einddatum, url, gepubliceerd \
             FROM offerings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let mut v = json!({});
        for f in [
            "id",
            "titel",
            "samenvatting",
            "beschrijving",
            "aanbieder",
            "vorm",
            "kosten",
            "locatie",
            "regio",
            "url",
        ] {
            v[f] = Value::String(r.col(f)?);
        }
        for f in [
            "partners",
            "themas",
            "doelgroepen",
            "sectoren",
            "trefwoorden",
        ] {
            v[f] = Value::from(parse_list(r.col(f)?)?);
        }
        for f in ["startdatum", "einddatum"] {
            v[f] = r
                .col::<Option<String>, _>(f)?
                .map_or(Value::Null, Value::String);
        }
        Ok(Some((v, r.col::<i64, _>("gepubliceerd")? != 0)))
    }

    /// Creates or edits an offering from the back office, audited with before and after.
    pub async fn save_offering(&self, o: &Offering, actor: &str) -> Result<(), StoreError> {
        let before = self.offering_record(&o.id).await?.map(|(v, _)| v);
        let mut tx = self.write().await?;
        upsert_offering(&mut tx, o, &self.now()).await?;
        let after = serde_json::to_value(o).unwrap_or(Value::Null);
        let change = Change::saved(actor, "aanbod", &o.id, before, after);
        self.commit(tx, [change], Some(Counter::Catalog)).await?;
        Ok(())
    }

    /// Publishes or unpublishes an offering; false when there is no such offering.
    pub async fn set_published(
        &self,
        id: &str,
        published: bool,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done =
            sqlx::query("UPDATE offerings SET gepubliceerd = $1, updated_at = $2 WHERE id = $3")
                .bind(i64::from(published))
                .bind(self.now())
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
        let change = done.then(|| {
            Change::new(
                actor,
                if published {
                    "gepubliceerd"
                } else {
                    "niet meer gepubliceerd"
                },
                "aanbod",
                id,
            )
            .before(json!({"gepubliceerd": !published}))
            .after(json!({"gepubliceerd": published}))
        });
        self.commit(tx, change, done.then_some(Counter::Catalog))
            .await?;
        Ok(done)
    }
}

/// Inserts or updates one offering inside a transaction (the caller bumps the catalogue version).
pub(super) async fn upsert_offering(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    o: &Offering,
    ts: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO offerings (id, titel, samenvatting, beschrijving, aanbieder, partners, vorm, \
         themas, doelgroepen, sectoren, trefwoorden, kosten, locatie, regio, startdatum, einddatum, \
         url, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19) \
         ON CONFLICT (id) DO UPDATE SET titel = excluded.titel, samenvatting = excluded.samenvatting, \
         beschrijving = excluded.beschrijving, aanbieder = excluded.aanbieder, partners = excluded.partners, \
         vorm = excluded.vorm, themas = excluded.themas, doelgroepen = excluded.doelgroepen, \
         sectoren = excluded.sectoren, trefwoorden = excluded.trefwoorden, kosten = excluded.kosten, \
         locatie = excluded.locatie, regio = excluded.regio, startdatum = excluded.startdatum, \
         einddatum = excluded.einddatum, url = excluded.url, updated_at = excluded.updated_at",
    )
    .bind(&o.id)
    .bind(&o.titel)
    .bind(&o.samenvatting)
    .bind(&o.beschrijving)
    .bind(&o.aanbieder)
    .bind(list_json(&o.partners))
    .bind(&o.vorm)
    .bind(list_json(&o.themas))
    .bind(list_json(&o.doelgroepen))
    .bind(list_json(&o.sectoren))
    .bind(list_json(&o.trefwoorden))
    .bind(&o.kosten)
    .bind(o.locatie.slug())
    .bind(&o.regio)
    .bind(o.startdatum.map(|d| d.to_string()))
    .bind(o.einddatum.map(|d| d.to_string()))
    .bind(&o.url)
    .bind(ts)
    .bind(ts)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
