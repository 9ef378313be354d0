//! Learning circles: the circle, its members (listed in public only with their consent), meetings,
//! shared links, announcements (mailed through the outbox in the same transaction), invitations
//! by signed link, moderation, and the results it proposes as offerings. A change that the gaps,
//! the learning agenda or `/agenda` show bumps the demand version, so their cached pages refresh.
//!
//! One file per job: `moderation.rs`, `members.rs`, `meetings.rs` (meetings, links and
//! announcements), `results.rs`, `invitations.rs`, and `changes.rs` (editing and stopping).

mod changes;
mod invitations;
mod meetings;
mod members;
mod moderation;
mod results;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde_json::json;

use super::audit::Change;
use super::outbox::{enqueue, OutgoingMail};
use super::{flag, list_json, parse_list, parsed, stamp, Columns, Counter, Store, StoreError};
use crate::domain::circle::{
    Access, Announcement, CircleStatus, LearningCircle, Meeting, MemberRole,
};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 30;

/// A member of a circle (or a request to join).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The participant.
    pub participant_id: i64,
    /// Facilitator, member or request.
    pub rol: MemberRole,
    /// The name they chose to show.
    pub naam: String,
    /// Their organisation (may be empty).
    pub organisatie: String,
    /// True when they consent to be listed (members' page and public page).
    pub zichtbaar: bool,
    /// Their address (for announcements; never shown).
    pub email: String,
}

/// A meeting with its circle, for `/agenda`.
#[derive(Debug, Clone)]
pub struct CircleMeeting {
    /// The circle's slug.
    pub slug: String,
    /// The circle's name.
    pub circle: String,
    /// The meeting.
    pub meeting: Meeting,
}

/// An announcement as the facilitator sent it to the members.
#[derive(Debug, Clone)]
pub struct SentAnnouncement {
    /// Subject and message.
    pub announcement: Announcement,
    /// When it was sent (RFC 3339).
    pub created_at: String,
}

/// A waiting invitation, after its link was checked.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// The circle.
    pub circle_id: i64,
    /// Who was invited.
    pub email: String,
}

/// An invitation to write with a proposed circle: address, question, token hash and mail.
pub struct NewInvitation {
    /// Who is invited.
    pub email: String,
    /// The question they asked.
    pub question_id: String,
    /// SHA-256 of the link's token.
    pub token_hash: String,
    /// The invitation mail.
    pub mail: OutgoingMail,
}

const COLUMNS: &str = "id, slug, titel, omschrijving, leervragen, doelgroepen, sectoren, vorm, ritme, \
     looptijd, begeleiding, toegang, themas, vraagstuk, status, reden, lacune, traject_id, voorgesteld, created_at";

fn circle(r: &sqlx::any::AnyRow) -> Result<LearningCircle, StoreError> {
    Ok(LearningCircle {
        id: r.col("id")?,
        slug: r.col("slug")?,
        titel: r.col("titel")?,
        omschrijving: r.col("omschrijving")?,
        leervragen: parse_list(r.col("leervragen")?)?,
        doelgroepen: parse_list(r.col("doelgroepen")?)?,
        sectoren: parse_list(r.col("sectoren")?)?,
        vorm: r.col("vorm")?,
        ritme: r.col("ritme")?,
        looptijd: r.col("looptijd")?,
        begeleiding: r.col("begeleiding")?,
        toegang: parsed(r, "toegang", Access::parse)?,
        themas: parse_list(r.col("themas")?)?,
        vraagstuk: r.col("vraagstuk")?,
        status: parsed(r, "status", CircleStatus::parse)?,
        reden: r.col("reden")?,
        lacune: r.col("lacune")?,
        traject: r.col("traject_id")?,
        voorgesteld: flag(r, "voorgesteld")?,
        created_at: r.col("created_at")?,
    })
}

fn meeting(r: &sqlx::any::AnyRow) -> Result<Meeting, StoreError> {
    let datum: String = r.col("datum")?;
    let tijd: Option<String> = r.col("tijd")?;
    Ok(Meeting {
        id: r.col("id")?,
        datum: NaiveDate::parse_from_str(&datum, "%Y-%m-%d")
            .map_err(|e| StoreError::Corrupt(format!("datum: {e}")))?,
        tijd: tijd
            .map(|t| NaiveTime::parse_from_str(&t, "%H:%M"))
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("tijd: {e}")))?,
        titel: r.col("titel")?,
        plaats: r.col("plaats")?,
    })
}

/// A free slug for `titel` inside `tx`: the title's slug, numbered when taken.
async fn free_slug(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    titel: &str,
) -> Result<String, StoreError> {
    let base: String = crate::domain::offering::slugify(titel)
        .chars()
        .take(60)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string();
    // "starten" is the route of the start form.
    let base = if base.is_empty() || base == "starten" {
        format!("leerkring-{base}")
            .trim_end_matches('-')
            .to_string()
    } else {
        base
    };
    let mut slug = base.clone();
    let mut n = 2;
    while sqlx::query("SELECT 1 FROM learning_circles WHERE slug = $1")
        .bind(&slug)
        .fetch_optional(&mut **tx)
        .await?
        .is_some()
    {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

/// Inserts `c` with `status` inside `tx`; returns its id and slug.
async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &LearningCircle,
    status: CircleStatus,
    ts: &str,
) -> Result<(i64, String), StoreError> {
    let slug = free_slug(tx, &c.titel).await?;
    let row = sqlx::query(
        "INSERT INTO learning_circles (slug, titel, omschrijving, leervragen, doelgroepen, sectoren, vorm, \
         ritme, looptijd, begeleiding, toegang, themas, vraagstuk, status, voorgesteld, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16) RETURNING id",
    )
    .bind(&slug);
    let row = bind_what(row, c)
        .bind(status.as_str())
        .bind(i64::from(c.voorgesteld))
        .bind(ts)
        .fetch_one(&mut **tx)
        .await?;
    Ok((row.col(0)?, slug))
}

/// A query with parameters bound.
type Bound<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds what the circle `c` is, the fields of the guided form (name to vraagstuk, in the order
/// of the table's columns), to the next twelve parameters of `q`.
fn bind_what<'q>(q: Bound<'q>, c: &'q LearningCircle) -> Bound<'q> {
    q.bind(&c.titel)
        .bind(&c.omschrijving)
        .bind(list_json(&c.leervragen))
        .bind(list_json(&c.doelgroepen))
        .bind(list_json(&c.sectoren))
        .bind(&c.vorm)
        .bind(&c.ritme)
        .bind(&c.looptijd)
        .bind(&c.begeleiding)
        .bind(c.toegang.as_str())
        .bind(list_json(&c.themas))
        .bind(c.vraagstuk.as_deref())
}

/// Adds (or updates) a membership inside `tx`, with what the member shows.
async fn put_member(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    circle_id: i64,
    participant_id: i64,
    rol: MemberRole,
    shown: &Shown,
    ts: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO circle_members (circle_id, participant_id, rol, naam, organisatie, zichtbaar, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (circle_id, participant_id) DO UPDATE SET \
         rol = excluded.rol, naam = excluded.naam, organisatie = excluded.organisatie, zichtbaar = excluded.zichtbaar",
    )
    .bind(circle_id)
    .bind(participant_id)
    .bind(rol.as_str())
    .bind(&shown.naam)
    .bind(&shown.organisatie)
    .bind(i64::from(shown.zichtbaar))
    .bind(ts)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What a member chose to show: a name, an organisation, and whether to be listed.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    /// Display name.
    pub naam: String,
    /// Organisation.
    pub organisatie: String,
    /// Consent to be listed.
    pub zichtbaar: bool,
}

impl Store {
    /// Stores a circle a participant started, waiting for moderation, with its starter as
    /// facilitator; returns its id and slug.
    pub async fn start_circle(
        &self,
        c: &LearningCircle,
        participant_id: i64,
        shown: &Shown,
    ) -> Result<(i64, String), StoreError> {
        let ts = self.now();
        let mut tx = self.write().await?;
        let (id, slug) = insert(&mut tx, c, CircleStatus::Ingediend, &ts).await?;
        put_member(
            &mut tx,
            id,
            participant_id,
            MemberRole::Begeleider,
            shown,
            &ts,
        )
        .await?;
        let change = Change::new("deelnemer", "gestart", "leerkring", id)
            .after(json!({"titel": c.titel, "slug": slug}));
        self.commit(tx, [change], None).await?;
        Ok((id, slug))
    }

    /// Stores a circle the coordination point proposes (active, by invitation, no facilitator
    /// yet) with its invitations and their mails, in one transaction; returns its id and slug.
    pub async fn propose_circle(
        &self,
        c: &LearningCircle,
        invitations: &[NewInvitation],
        now_at: DateTime<Utc>,
        actor: &str,
    ) -> Result<(i64, String), StoreError> {
        let ts = stamp(now_at);
        let expires = stamp(now_at + TimeDelta::days(INVITATION_DAYS));
        let mut tx = self.write().await?;
        let (id, slug) = insert(&mut tx, c, CircleStatus::Actief, &ts).await?;
        for inv in invitations {
            sqlx::query(
                "INSERT INTO circle_invitations (token_hash, circle_id, email, question_id, expires_at) \
                 VALUES ($1,$2,$3,$4,$5)",
            )
            .bind(&inv.token_hash)
            .bind(id)
            .bind(&inv.email)
            .bind(&inv.question_id)
            .bind(&expires)
            .execute(&mut *tx)
            .await?;
            enqueue(&mut tx, &inv.mail, &ts).await?;
        }
        let questions: Vec<&str> = invitations.iter().map(|i| i.question_id.as_str()).collect();
        let change = Change::new(actor, "voorgesteld", "leerkring", id)
            .after(json!({"titel": c.titel, "slug": slug, "vragen": questions}));
        self.commit(tx, [change], Some(Counter::Demand)).await?;
        Ok((id, slug))
    }

    /// Circles with one of `statuses`, newest first.
    pub async fn circles(
        &self,
        statuses: &[CircleStatus],
    ) -> Result<Vec<LearningCircle>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM learning_circles ORDER BY id DESC"
        ))
        .fetch_all(self.pool())
        .await?;
        let all: Vec<LearningCircle> = rows.iter().map(circle).collect::<Result<_, _>>()?;
        Ok(all
            .into_iter()
            .filter(|c| statuses.contains(&c.status))
            .collect())
    }

    /// One circle by id.
    pub async fn circle(&self, id: i64) -> Result<Option<LearningCircle>, StoreError> {
        self.row_by(
            &format!("SELECT {COLUMNS} FROM learning_circles WHERE id = $1"),
            id,
            circle,
        )
        .await
    }

    /// One circle by slug.
    pub async fn circle_by_slug(&self, slug: &str) -> Result<Option<LearningCircle>, StoreError> {
        self.row_by(
            &format!("SELECT {COLUMNS} FROM learning_circles WHERE slug = $1"),
            slug,
            circle,
        )
        .await
    }

    /// The circles that run (public, counted on the gaps).
    pub async fn active_circles(&self) -> Result<Vec<LearningCircle>, StoreError> {
        self.circles(&[CircleStatus::Actief]).await
    }
}
