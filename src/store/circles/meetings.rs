//! What a circle shares with its members: meetings (also on `/agenda`), links and announcements
//! mailed through the outbox.

use chrono::NaiveDate;

use super::meeting;
use super::{CircleMeeting, SentAnnouncement};
use crate::domain::circle::{Announcement, CircleLink, CircleStatus, Meeting};
use crate::store::outbox::{enqueue, OutgoingMail};
use crate::store::{Columns, Counter, Store, StoreError};

impl Store {
    /// The meetings of a circle, in date order.
    pub async fn meetings(&self, circle_id: i64) -> Result<Vec<Meeting>, StoreError> {
        self.rows_by(
            "SELECT id, datum, tijd, titel, plaats FROM circle_meetings WHERE circle_id = $1 \
             ORDER BY datum, tijd, id",
            Some(circle_id),
            meeting,
        )
        .await
    }

    /// Meetings of active circles from `from` on, in date order, for `/agenda`.
    pub async fn coming_meetings(&self, from: NaiveDate) -> Result<Vec<CircleMeeting>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.id, m.datum, m.tijd, m.titel, m.plaats, c.slug, c.titel AS kring \
             FROM circle_meetings m JOIN learning_circles c ON c.id = m.circle_id \
             WHERE c.status = $1 AND m.datum >= $2 ORDER BY m.datum, m.tijd, m.id",
        )
        .bind(CircleStatus::Actief.as_str())
        .bind(from.format("%Y-%m-%d").to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CircleMeeting {
                    slug: r.col("slug")?,
                    circle: r.col("kring")?,
                    meeting: meeting(r)?,
                })
            })
            .collect()
    }

    /// Adds a meeting.
    pub async fn add_meeting(&self, circle_id: i64, m: &Meeting) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO circle_meetings (circle_id, datum, tijd, titel, plaats, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6)",
        )
        .bind(circle_id)
        .bind(m.datum.format("%Y-%m-%d").to_string())
        .bind(m.tijd.map(|t| t.format("%H:%M").to_string()))
        .bind(&m.titel)
        .bind(&m.plaats)
        .bind(self.now())
        .execute(&mut *tx)
        .await?;
        self.commit(tx, None, Some(Counter::Demand)).await
    }

    /// Removes a meeting of the circle.
    pub async fn remove_meeting(&self, circle_id: i64, id: i64) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM circle_meetings WHERE id = $1 AND circle_id = $2")
            .bind(id)
            .bind(circle_id)
            .execute(&mut *tx)
            .await?;
        self.commit(tx, None, Some(Counter::Demand)).await
    }

    /// The links and documents shared in a circle, newest first.
    pub async fn circle_links(&self, circle_id: i64) -> Result<Vec<CircleLink>, StoreError> {
        self.rows_by(
            "SELECT id, titel, url FROM circle_links WHERE circle_id = $1 ORDER BY id DESC",
            Some(circle_id),
            |r| {
                Ok(CircleLink {
                    id: r.col("id")?,
                    titel: r.col("titel")?,
                    url: r.col("url")?,
                })
            },
        )
        .await
    }

    /// Shares a link.
    pub async fn add_circle_link(&self, circle_id: i64, l: &CircleLink) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO circle_links (circle_id, titel, url, created_at) VALUES ($1,$2,$3,$4)",
        )
        .bind(circle_id)
        .bind(&l.titel)
        .bind(&l.url)
        .bind(self.now())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Removes a shared link of the circle.
    pub async fn remove_circle_link(&self, circle_id: i64, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM circle_links WHERE id = $1 AND circle_id = $2")
            .bind(id)
            .bind(circle_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Stores an announcement and writes its mails (one per member) in one transaction.
    pub async fn announce(
        &self,
        circle_id: i64,
        onderwerp: &str,
        tekst: &str,
        mails: &[OutgoingMail],
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO circle_announcements (circle_id, onderwerp, tekst, created_at) VALUES ($1,$2,$3,$4)",
        )
        .bind(circle_id)
        .bind(onderwerp)
        .bind(tekst)
        .bind(self.now())
        .execute(&mut *tx)
        .await?;
        let ts = self.now();
        for m in mails {
            enqueue(&mut tx, m, &ts).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The announcements of a circle, newest first.
    pub async fn announcements(&self, circle_id: i64) -> Result<Vec<SentAnnouncement>, StoreError> {
        self.rows_by(
            "SELECT onderwerp, tekst, created_at FROM circle_announcements WHERE circle_id = $1 ORDER BY id DESC",
            Some(circle_id),
            |r| {
                Ok(SentAnnouncement {
                    announcement: Announcement {
                        onderwerp: r.col("onderwerp")?,
                        tekst: r.col("tekst")?,
                    },
                    created_at: r.col("created_at")?,
                })
            },
        )
        .await
    }
}
