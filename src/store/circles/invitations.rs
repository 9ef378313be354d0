//! Invitations of the coordination point by signed link, and accepting one.

use chrono::{DateTime, Utc};

use super::Invitation;
use super::{put_member, Shown};
use crate::domain::circle::MemberRole;
use crate::store::audit::Change;
use crate::store::{stamp, Columns, Store, StoreError};

impl Store {
    /// The invitation behind a link token, when it is unused and not expired at `now`.
    pub async fn invitation(
        &self,
        token_hash: &str,
        now_at: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError> {
        let row = sqlx::query(
            "SELECT circle_id, email FROM circle_invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(stamp(now_at))
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(Invitation {
                circle_id: r.col("circle_id")?,
                email: r.col("email")?,
            })
        })
        .transpose()
    }

    /// Accepts an invitation at `now`: the link proves the address, so the participant account
    /// of the invited address is made when new; they become a member (the first to accept a
    /// circle without facilitator becomes its facilitator) and the link is used up, in one
    /// transaction. `None` when the link no longer works; else the participant and the role.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        shown: &Shown,
        now_at: DateTime<Utc>,
    ) -> Result<Option<(i64, MemberRole)>, StoreError> {
        let ts = stamp(now_at);
        let mut tx = self.write().await?;
        let Some(row) = sqlx::query(
            "UPDATE circle_invitations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
             AND expires_at > $1 RETURNING circle_id, email",
        )
        .bind(&ts)
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(None);
        };
        let circle_id: i64 = row.col("circle_id")?;
        let email: String = row.col("email")?;
        sqlx::query(
            "INSERT INTO participants (email, created_at, last_seen_at) VALUES ($1,$2,$2) ON CONFLICT DO NOTHING",
        )
        .bind(&email)
        .bind(&ts)
        .execute(&mut *tx)
        .await?;
        let participant_id: i64 =
            sqlx::query("SELECT id FROM participants WHERE lower(email) = lower($1)")
                .bind(&email)
                .fetch_one(&mut *tx)
                .await?
                .col(0)?;
        let led = sqlx::query("SELECT 1 FROM circle_members WHERE circle_id = $1 AND rol = $2")
            .bind(circle_id)
            .bind(MemberRole::Begeleider.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        let rol = if led {
            MemberRole::Lid
        } else {
            MemberRole::Begeleider
        };
        put_member(&mut tx, circle_id, participant_id, rol, shown, &ts).await?;
        let change = Change::new(
            "deelnemer",
            "uitnodiging aangenomen",
            "leerkring",
            circle_id,
        );
        self.commit(tx, [change], None).await?;
        Ok(Some((participant_id, rol)))
    }
}
