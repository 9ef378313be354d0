//! Development tracks, audited; a change bumps the demand version so agenda pages refresh.

use serde_json::Value;

use super::audit::Change;
use super::{list_json, parse_list, parsed, Columns, Counter, Store, StoreError};
use crate::domain::track::{Track, TrackStatus};

fn track(r: &sqlx::any::AnyRow) -> Result<Track, StoreError> {
    Ok(Track {
        id: r.col("id")?,
        titel: r.col("titel")?,
        doel: r.col("doel")?,
        themas: parse_list(r.col("themas")?)?,
        trekker: r.col("trekker")?,
        partners: parse_list(r.col("partners")?)?,
        doelgroepen: parse_list(r.col("doelgroepen")?)?,
        status: parsed(r, "status", TrackStatus::parse)?,
        planning: r.col("planning")?,
        aanbod: parse_list(r.col("aanbod")?)?,
    })
}

const COLUMNS: &str =
    "id, titel, doel, themas, trekker, partners, doelgroepen, status, planning, aanbod";

impl Store {
    /// Every track, newest first.
    pub async fn tracks(&self) -> Result<Vec<Track>, StoreError> {
        self.rows(
            &format!("SELECT {COLUMNS} FROM development_tracks ORDER BY id DESC"),
            track,
        )
        .await
    }

    /// One track.
    pub async fn track(&self, id: i64) -> Result<Option<Track>, StoreError> {
        self.row_by(
            &format!("SELECT {COLUMNS} FROM development_tracks WHERE id = $1"),
            id,
            track,
        )
        .await
    }

    /// Creates (id 0) or updates a track; returns its id.
    pub async fn save_track(&self, t: &Track, actor: &str) -> Result<i64, StoreError> {
        let before = if t.id > 0 {
            self.track(t.id).await?
        } else {
            None
        };
        if t.id > 0 && before.is_none() {
            return Err(StoreError::Corrupt(format!("geen traject {}", t.id)));
        }
        let ts = self.now();
        let mut tx = self.write().await?;
        // The same values in the same places for both statements; an update adds the id.
        let sql = if t.id > 0 {
            "UPDATE development_tracks SET titel = $1, doel = $2, themas = $3, trekker = $4, partners = $5, \
             doelgroepen = $6, status = $7, planning = $8, aanbod = $9, updated_at = $10 WHERE id = $11"
        } else {
            "INSERT INTO development_tracks (titel, doel, themas, trekker, partners, doelgroepen, status, \
             planning, aanbod, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10) RETURNING id"
        };
        let query = sqlx::query(sql)
            .bind(&t.titel)
            .bind(&t.doel)
            .bind(list_json(&t.themas))
            .bind(&t.trekker)
            .bind(list_json(&t.partners))
            .bind(list_json(&t.doelgroepen))
            .bind(t.status.as_str())
            .bind(&t.planning)
            .bind(list_json(&t.aanbod))
            .bind(&ts);
        let id: i64 = if t.id > 0 {
            query.bind(t.id).execute(&mut *tx).await?;
            t.id
        } else {
            query.fetch_one(&mut *tx).await?.col(0)?
        };
        // A new track is logged with the id the database gave it.
        let mut saved = t.clone();
        saved.id = id;
        let after = serde_json::to_value(&saved).unwrap_or(Value::Null);
        let before = before.and_then(|b| serde_json::to_value(b).ok());
        let change = Change::saved(actor, "ontwikkeltraject", id, before, after);
        self.commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(id)
    }
}
