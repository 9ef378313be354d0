//! Learning circles: the circle, its members (listed in public only with their consent), meetings,
//! shared links, announcements (mailed through the outbox in the same transaction), invitations
//! by signed link, moderation, and the results it proposes as offerings. A change that the gaps,
//! the learning agenda or `/agenda` show bumps the demand version, so their cached pages refresh.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde_json::{json, Value};

use super::audit::Change;
use super::outbox::{enqueue, OutgoingMail};
use super::{
    commit, flag, list_json, now, parse_list, parsed, stamp, Columns, Counter, Store, StoreError,
};
use crate::domain::circle::{
    Access, CircleLink, CircleStatus, LearningCircle, Meeting, MemberRole,
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
    .bind(&slug)
    .bind(&c.titel)
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
    .bind(status.as_str())
    .bind(i64::from(c.voorgesteld))
    .bind(ts)
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.col(0)?, slug))
}

/// Adds (or updates) a membership inside `tx`.
async fn put_member(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    circle_id: i64,
    participant_id: i64,
    rol: MemberRole,
    naam: &str,
    organisatie: &str,
    zichtbaar: bool,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO circle_members (circle_id, participant_id, rol, naam, organisatie, zichtbaar, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (circle_id, participant_id) DO UPDATE SET \
         rol = excluded.rol, naam = excluded.naam, organisatie = excluded.organisatie, zichtbaar = excluded.zichtbaar",
    )
    .bind(circle_id)
    .bind(participant_id)
    .bind(rol.as_str())
    .bind(naam)
    .bind(organisatie)
    .bind(i64::from(zichtbaar))
    .bind(now())
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
        let ts = now();
        let mut tx = self.write().await?;
        let (id, slug) = insert(&mut tx, c, CircleStatus::Ingediend, &ts).await?;
        put_member(
            &mut tx,
            id,
            participant_id,
            MemberRole::Begeleider,
            &shown.naam,
            &shown.organisatie,
            shown.zichtbaar,
        )
        .await?;
        let change = Change::new("deelnemer", "gestart", "leerkring", id)
            .after(json!({"titel": c.titel, "slug": slug}));
        commit(tx, [change], None).await?;
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
            enqueue(&mut tx, &inv.mail).await?;
        }
        let questions: Vec<&str> = invitations.iter().map(|i| i.question_id.as_str()).collect();
        let change = Change::new(actor, "voorgesteld", "leerkring", id)
            .after(json!({"titel": c.titel, "slug": slug, "vragen": questions}));
        commit(tx, [change], Some(Counter::Demand)).await?;
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
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM learning_circles WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(circle).transpose()
    }

    /// One circle by slug.
    pub async fn circle_by_slug(&self, slug: &str) -> Result<Option<LearningCircle>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM learning_circles WHERE slug = $1"
        ))
        .bind(slug)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(circle).transpose()
    }

    /// Approves a waiting circle, linked to a gap theme and/or a development track, with the
    /// mail to its facilitator; false when it was not waiting.
    pub async fn approve_circle(
        &self,
        id: i64,
        lacune: Option<&str>,
        traject: Option<i64>,
        mail: Option<&OutgoingMail>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE learning_circles SET status = $1, lacune = $2, traject_id = $3, updated_at = $4 \
             WHERE id = $5 AND status = $6",
        )
        .bind(CircleStatus::Actief.as_str())
        .bind(lacune)
        .bind(traject)
        .bind(now())
        .bind(id)
        .bind(CircleStatus::Ingediend.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        if let Some(m) = mail {
            enqueue(&mut tx, m).await?;
        }
        let change = Change::new(actor, "goedgekeurd", "leerkring", id)
            .after(json!({"lacune": lacune, "traject": traject}));
        commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(true)
    }

    /// Changes the gap and development track an active circle is linked to.
    pub async fn link_circle(
        &self,
        id: i64,
        lacune: Option<&str>,
        traject: Option<i64>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE learning_circles SET lacune = $1, traject_id = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(lacune)
        .bind(traject)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let change = Change::new(actor, "gekoppeld", "leerkring", id)
            .after(json!({"lacune": lacune, "traject": traject}));
        commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(done > 0)
    }

    /// Rejects a waiting circle with a reason and the mail to its facilitator; false when it was
    /// not waiting.
    pub async fn reject_circle(
        &self,
        id: i64,
        reden: &str,
        mail: Option<&OutgoingMail>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let done = sqlx::query(
            "UPDATE learning_circles SET status = $1, reden = $2, updated_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(CircleStatus::Afgewezen.as_str())
        .bind(reden)
        .bind(now())
        .bind(id)
        .bind(CircleStatus::Ingediend.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        if let Some(m) = mail {
            enqueue(&mut tx, m).await?;
        }
        let change =
            Change::new(actor, "afgewezen", "leerkring", id).after(json!({"reden": reden}));
        commit(tx, [change], None).await?;
        Ok(true)
    }

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
        let row = sqlx::query(
            "SELECT rol FROM circle_members WHERE circle_id = $1 AND participant_id = $2",
        )
        .bind(circle_id)
        .bind(participant_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref()
            .map(|r| parsed(r, "rol", MemberRole::parse))
            .transpose()
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
        let existing = sqlx::query(
            "SELECT rol FROM circle_members WHERE circle_id = $1 AND participant_id = $2",
        )
        .bind(circle_id)
        .bind(participant_id)
        .fetch_optional(&mut *tx)
        .await?;
        let rol = match existing
            .as_ref()
            .map(|r| parsed(r, "rol", MemberRole::parse))
            .transpose()?
        {
            Some(r) if r.is_member() => r,
            _ => rol,
        };
        put_member(
            &mut tx,
            circle_id,
            participant_id,
            rol,
            &shown.naam,
            &shown.organisatie,
            shown.zichtbaar,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Admits a request to join; false when there was none.
    pub async fn admit_member(
        &self,
        circle_id: i64,
        participant_id: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE circle_members SET rol = $1 WHERE circle_id = $2 AND participant_id = $3 AND rol = $4",
        )
        .bind(MemberRole::Lid.as_str())
        .bind(circle_id)
        .bind(participant_id)
        .bind(MemberRole::Aanvraag.as_str())
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(done > 0)
    }

    /// Leaves a circle (or withdraws a request); false when not a member.
    pub async fn leave_circle(
        &self,
        circle_id: i64,
        participant_id: i64,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM circle_members WHERE circle_id = $1 AND participant_id = $2")
                .bind(circle_id)
                .bind(participant_id)
                .execute(self.pool())
                .await?
                .rows_affected();
        Ok(done > 0)
    }

    /// Gives or withdraws consent to be listed, effective at once.
    pub async fn set_member_listed(
        &self,
        circle_id: i64,
        participant_id: i64,
        zichtbaar: bool,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE circle_members SET zichtbaar = $1 WHERE circle_id = $2 AND participant_id = $3",
        )
        .bind(i64::from(zichtbaar))
        .bind(circle_id)
        .bind(participant_id)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(done > 0)
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

    /// The meetings of a circle, in date order.
    pub async fn meetings(&self, circle_id: i64) -> Result<Vec<Meeting>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, datum, tijd, titel, plaats FROM circle_meetings WHERE circle_id = $1 \
             ORDER BY datum, tijd, id",
        )
        .bind(circle_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(meeting).collect()
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
        .bind(now())
        .execute(&mut *tx)
        .await?;
        commit(tx, None, Some(Counter::Demand)).await
    }

    /// Removes a meeting of the circle.
    pub async fn remove_meeting(&self, circle_id: i64, id: i64) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM circle_meetings WHERE id = $1 AND circle_id = $2")
            .bind(id)
            .bind(circle_id)
            .execute(&mut *tx)
            .await?;
        commit(tx, None, Some(Counter::Demand)).await
    }

    /// The links and documents shared in a circle, newest first.
    pub async fn circle_links(&self, circle_id: i64) -> Result<Vec<CircleLink>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, titel, url FROM circle_links WHERE circle_id = $1 ORDER BY id DESC",
        )
        .bind(circle_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CircleLink {
                    id: r.col("id")?,
                    titel: r.col("titel")?,
                    url: r.col("url")?,
                })
            })
            .collect()
    }

    /// Shares a link.
    pub async fn add_circle_link(&self, circle_id: i64, l: &CircleLink) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO circle_links (circle_id, titel, url, created_at) VALUES ($1,$2,$3,$4)",
        )
        .bind(circle_id)
        .bind(&l.titel)
        .bind(&l.url)
        .bind(now())
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
        .bind(now())
        .execute(&mut *tx)
        .await?;
        for m in mails {
            enqueue(&mut tx, m).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The announcements of a circle `(subject, text, when)`, newest first.
    pub async fn announcements(
        &self,
        circle_id: i64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT onderwerp, tekst, created_at FROM circle_announcements WHERE circle_id = $1 ORDER BY id DESC",
        )
        .bind(circle_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.col("onderwerp")?, r.col("tekst")?, r.col("created_at")?)))
            .collect()
    }

    /// Stores a result a circle proposes as an offering, for moderation; returns its number.
    pub async fn propose_result(
        &self,
        circle_id: i64,
        data: &Value,
        naam: Option<&str>,
        email: &str,
    ) -> Result<i64, StoreError> {
        let ts = now();
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "INSERT INTO offering_submissions (data, contact_naam, contact_email, leerkring_id, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$5) RETURNING id",
        )
        .bind(data.to_string())
        .bind(naam)
        .bind(email)
        .bind(circle_id)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.col(0)?;
        let change = Change::new("deelnemer", "resultaat voorgesteld", "leerkring", circle_id)
            .after(json!({"aanmelding": id}));
        commit(tx, [change], None).await?;
        Ok(id)
    }

    /// The circle a submission came from `(slug, name)`, if any.
    pub async fn submission_circle(
        &self,
        submission_id: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT c.slug, c.titel FROM offering_submissions s JOIN learning_circles c ON c.id = s.leerkring_id \
             WHERE s.id = $1",
        )
        .bind(submission_id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| Ok((r.col("slug")?, r.col("titel")?)))
            .transpose()
    }

    /// The offerings a circle produced (published ids), and its results still in moderation.
    pub async fn circle_results(&self, circle_id: i64) -> Result<(Vec<String>, usize), StoreError> {
        let rows = sqlx::query(
            "SELECT status, offering_id FROM offering_submissions WHERE leerkring_id = $1 ORDER BY id",
        )
        .bind(circle_id)
        .fetch_all(self.pool())
        .await?;
        let mut published = Vec::new();
        let mut waiting = 0;
        for r in &rows {
            let status: String = r.col("status")?;
            match (status.as_str(), r.col::<Option<String>, _>("offering_id")?) {
                ("goedgekeurd", Some(id)) => published.push(id),
                ("ingediend", _) => waiting += 1,
                _ => {}
            }
        }
        Ok((published, waiting))
    }

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
        put_member(
            &mut tx,
            circle_id,
            participant_id,
            rol,
            &shown.naam,
            &shown.organisatie,
            shown.zichtbaar,
        )
        .await?;
        let change = Change::new(
            "deelnemer",
            "uitnodiging aangenomen",
            "leerkring",
            circle_id,
        );
        commit(tx, [change], None).await?;
        Ok(Some((participant_id, rol)))
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

    /// The circles that run (public, counted on the gaps).
    pub async fn active_circles(&self) -> Result<Vec<LearningCircle>, StoreError> {
        self.circles(&[CircleStatus::Actief]).await
    }
}
