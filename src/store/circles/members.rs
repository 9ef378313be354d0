//! The members of a circle: joining, requests, admitting, leaving, consent to be listed.

use serde_json::{json, Value};

use super::Member;
use super::{put_member, Shown};
use crate::domain::circle::{LearningCircle, MemberRole};
use crate::store::{flag, parsed, Columns, Store, StoreError};

/// The place of participant `participant_id` in circle `circle_id`, read through `db` (the pool or
/// a transaction).
async fn role_in<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    circle_id: i64,
    participant_id: i64,
) -> Result<Option<MemberRole>, StoreError> {
    let row =
        sqlx::query("SELECT rol FROM circle_members WHERE circle_id = $1 AND participant_id = $2")
            .bind(circle_id)
            .bind(participant_id)
            .fetch_optional(db)
            .await?;
    row.as_ref()
        .map(|r| parsed(r, "rol", MemberRole::parse))
        .transpose()
}

impl Store {
    /// The members of a circle and the requests to join, facilitator first.
    pub async fn members(&self, circle_id: i64) -> Result<Vec<Member>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.participant_id, m.rol, m.naam, m.organisatie, m.zichtbaar, p.email \
             FROM circle_members m JOIN participants p ON p.id = m.participant_id \
             WHERE m.circle_id = $1 ORDER BY m.created_at, m.participant_id",
        )
        .bind(circle_id)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<Member> = rows
            .iter()
            .map(|r| {
                Ok(Member {
                    participant_id: r.col("participant_id")?,
                    rol: parsed(r, "rol", MemberRole::parse)?,
                    naam: r.col("naam")?,
                    organisatie: r.col("organisatie")?,
                    zichtbaar: flag(r, "zichtbaar")?,
                    email: r.col("email")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        out.sort_by_key(|m| m.rol != MemberRole::Begeleider);
        Ok(out)
    }

    /// A participant's place in a circle, if any.
    pub async fn member_role(
        &self,
        circle_id: i64,
        participant_id: i64,
    ) -> Result<Option<MemberRole>, StoreError> {
        role_in(self.pool(), circle_id, participant_id).await
    }

    /// Joins a circle as `rol` (a member of an open circle, a request for one by invitation);
    /// an existing membership keeps its role.
    pub async fn join_circle(
        &self,
        circle_id: i64,
        participant_id: i64,
        rol: MemberRole,
        shown: &Shown,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let rol = match role_in(&mut *tx, circle_id, participant_id).await? {
            Some(r) if r.is_member() => r,
            _ => rol,
        };
        put_member(&mut tx, circle_id, participant_id, rol, shown, &self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Admits a request to join; false when there was none.
    pub async fn admit_member(
        &self,
        circle_id: i64,
        participant_id: i64,
    ) -> Result<bool, StoreError> {
        self.changed_row(
            sqlx::query(
                "UPDATE circle_members SET rol = $1 WHERE circle_id = $2 AND participant_id = $3 AND rol = $4",
            )
            .bind(MemberRole::Lid.as_str())
            .bind(circle_id)
            .bind(participant_id)
            .bind(MemberRole::Aanvraag.as_str()),
        )
        .await
    }

    /// Leaves a circle (or withdraws a request); false when not a member.
    pub async fn leave_circle(
        &self,
        circle_id: i64,
        participant_id: i64,
    ) -> Result<bool, StoreError> {
        self.changed_row(
            sqlx::query("DELETE FROM circle_members WHERE circle_id = $1 AND participant_id = $2")
                .bind(circle_id)
                .bind(participant_id),
        )
        .await
    }

    /// Gives or withdraws consent to be listed, effective at once.
    pub async fn set_member_listed(
        &self,
        circle_id: i64,
        participant_id: i64,
        zichtbaar: bool,
    ) -> Result<bool, StoreError> {
        self.changed_row(
            sqlx::query(
                "UPDATE circle_members SET zichtbaar = $1 WHERE circle_id = $2 AND participant_id = $3",
            )
            .bind(i64::from(zichtbaar))
            .bind(circle_id)
            .bind(participant_id),
        )
        .await
    }

    /// The circles a participant belongs to (or asked to join) `(circle, role)`.
    pub async fn circles_of(
        &self,
        participant_id: i64,
    ) -> Result<Vec<(LearningCircle, MemberRole)>, StoreError> {
        let rows = sqlx::query(
            "SELECT circle_id, rol FROM circle_members WHERE participant_id = $1 ORDER BY circle_id",
        )
        .bind(participant_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let rol = parsed(r, "rol", MemberRole::parse)?;
            if let Some(c) = self.circle(r.col("circle_id")?).await? {
                out.push((c, rol));
            }
        }
        Ok(out)
    }

    /// A participant's memberships as JSON, for "download my data".
    pub(crate) async fn circle_data(&self, participant_id: i64) -> Result<Value, StoreError> {
        let rows = sqlx::query(
            "SELECT c.slug, c.titel, m.rol, m.naam, m.organisatie, m.zichtbaar, m.created_at \
             FROM circle_members m JOIN learning_circles c ON c.id = m.circle_id WHERE m.participant_id = $1 \
             ORDER BY m.created_at",
        )
        .bind(participant_id)
        .fetch_all(self.pool())
        .await?;
        let list = rows
            .iter()
            .map(|r| {
                Ok(json!({
                    "leerkring": r.col::<String, _>("slug")?,
                    "titel": r.col::<String, _>("titel")?,
                    "rol": r.col::<String, _>("rol")?,
                    "naam": r.col::<String, _>("naam")?,
                    "organisatie": r.col::<String, _>("organisatie")?,
                    "genoemd": flag(r, "zichtbaar")?,
                    "sinds": r.col::<String, _>("created_at")?,
                }))
            })
            .collect::<Result<Vec<Value>, StoreError>>()?;
        Ok(Value::Array(list))
    }
}
