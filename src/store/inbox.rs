//! The work of the coordination point: the question inbox and its matches, contributed
//! offerings in moderation, contact messages, offering edits, and privacy (retention, export,
//! erasure). Every change is audited and commits together with the mail it causes.

use std::collections::HashSet;

use serde_json::{json, Value};
use sqlx::Row;

use super::audit::record;
use super::outbox::{enqueue, OutgoingMail};
use super::{bump, bump_version, now, parse_list, upsert_offering, Store, StoreError};
use crate::domain::offering::Offering;

/// A learning question as the inbox shows it.
#[derive(Debug, Clone)]
pub struct InboxItem {
    /// Id.
    pub id: String,
    /// The question.
    pub vraag: String,
    /// Target group slug.
    pub doelgroep: Option<String>,
    /// Sector slug.
    pub sector: Option<String>,
    /// Municipality.
    pub gemeente: Option<String>,
    /// Theme slugs.
    pub themas: Vec<String>,
    /// When asked.
    pub datum: String,
    /// `site` or `import`.
    pub bron: String,
    /// Workflow status.
    pub status: String,
    /// E-mail for an answer.
    pub email: Option<String>,
    /// The engine's verdict.
    pub passend: Option<bool>,
    /// The coordinator's answer.
    pub antwoord: Option<String>,
    /// True when the themes were filled in by the matching engine.
    pub themas_automatisch: bool,
}

/// Filters of the inbox; `None` means all.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Status.
    pub status: Option<String>,
    /// Theme slug.
    pub thema: Option<String>,
    /// Target group slug.
    pub doelgroep: Option<String>,
    /// Source.
    pub bron: Option<String>,
    /// Whether the themes were chosen by the engine (`Some(true)`) or by a person.
    pub themas_automatisch: Option<bool>,
}

/// A match of a question to an offering.
#[derive(Debug, Clone)]
pub struct QuestionMatch {
    /// Offering id.
    pub offering_id: String,
    /// Engine score (0 for matches a coordinator added).
    pub score: f64,
    /// Reasons.
    pub waarom: Vec<String>,
    /// `voorgesteld`, `bevestigd` or `verwijderd`.
    pub status: String,
}

/// An offering contributed with the public form.
#[derive(Debug, Clone)]
pub struct Submission {
    /// Row number.
    pub id: i64,
    /// The submitted fields (an offering record, possibly edited by a moderator).
    pub data: Value,
    /// Contact name.
    pub contact_naam: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// `ingediend`, `goedgekeurd` or `afgewezen`.
    pub status: String,
    /// Reason of a rejection.
    pub reden: Option<String>,
    /// The published offering, once approved.
    pub offering_id: Option<String>,
    /// When submitted.
    pub created_at: String,
}

/// The question statuses, in workflow order, with their Dutch labels.
pub const QUESTION_STATUSES: [(&str, &str); 5] = [
    ("nieuw", "Nieuw"),
    ("in-behandeling", "In behandeling"),
    ("beantwoord", "Beantwoord"),
    ("lacune", "Lacune (geen passend aanbod)"),
    ("doorverwezen", "Doorverwezen"),
];

/// Whether a status closes the question (starts the retention period).
pub fn is_closed(status: &str) -> bool {
    matches!(status, "beantwoord" | "lacune" | "doorverwezen")
}

fn item(r: &sqlx::any::AnyRow) -> Result<InboxItem, StoreError> {
    Ok(InboxItem {
        id: r.get("id"),
        vraag: r.get("vraag"),
        doelgroep: r.get("doelgroep"),
        sector: r.get("sector"),
        gemeente: r.get("gemeente"),
        themas: parse_list(r.get("themas"))?,
        datum: r.get("datum"),
        bron: r.get("bron"),
        status: r.get("status"),
        email: r.get("email"),
        passend: super::opt_flag(r, "passend"),
        antwoord: r.get("antwoord"),
        themas_automatisch: super::flag(r, "themas_automatisch"),
    })
}

const Q_COLUMNS: &str =
    "id, vraag, doelgroep, sector, gemeente, themas, datum, bron, status, email, \
                         passend, antwoord, themas_automatisch";

fn submission(r: &sqlx::any::AnyRow) -> Result<Submission, StoreError> {
    let data: String = r.get("data");
    Ok(Submission {
        id: r.get("id"),
        data: serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        contact_naam: r.get("contact_naam"),
        contact_email: r.get("contact_email"),
        status: r.get("status"),
        reden: r.get("reden"),
        offering_id: r.get("offering_id"),
        created_at: r.get("created_at"),
    })
}

const S_COLUMNS: &str =
    "id, data, contact_naam, contact_email, status, reden, offering_id, created_at";

/// Counts for the dashboard.
#[derive(Debug, Clone, Copy, Default)]
pub struct DashboardCounts {
    /// Questions with status `nieuw` asked on the site.
    pub new_questions: i64,
    /// Questions in progress.
    pub open_questions: i64,
    /// Submissions waiting for moderation.
    pub submissions: i64,
    /// Unhandled contact messages.
    pub messages: i64,
}

impl Store {
    /// The inbox: questions matching `filter`, newest first, at most `limit`.
    pub async fn inbox(
        &self,
        filter: &InboxFilter,
        limit: i64,
    ) -> Result<Vec<InboxItem>, StoreError> {
        let has_theme = self.backend().json_list_contains("themas", "$2");
        let rows = sqlx::query(&format!(
            "SELECT {Q_COLUMNS} FROM learning_questions WHERE ($1 IS NULL OR status = $1) \
             AND ($2 IS NULL OR {has_theme}) \
             AND ($3 IS NULL OR doelgroep = $3) AND ($4 IS NULL OR bron = $4) \
             AND ($5 IS NULL OR themas_automatisch = $5) \
             ORDER BY datum DESC, seq DESC LIMIT $6"
        ))
        .bind(&filter.status)
        .bind(&filter.thema)
        .bind(&filter.doelgroep)
        .bind(&filter.bron)
        .bind(filter.themas_automatisch.map(i64::from))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item).collect()
    }

    /// One question.
    pub async fn inbox_item(&self, id: &str) -> Result<Option<InboxItem>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {Q_COLUMNS} FROM learning_questions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(item).transpose()
    }

    /// When the answer to a question was mailed, oldest first (from the audit log).
    pub async fn answer_mailed_at(&self, question_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT at FROM audit_log WHERE entity = 'leervraag' AND entity_id = $1 AND action = 'beantwoord en gemaild' ORDER BY id",
        )
        .bind(question_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(|r| r.get::<String, _>(0)).collect())
    }

    /// All matches of a question (including removed ones), in order.
    pub async fn matches_of(&self, question_id: &str) -> Result<Vec<QuestionMatch>, StoreError> {
        let rows = sqlx::query(
            "SELECT offering_id, score, waarom, status FROM question_matches WHERE question_id = $1 ORDER BY position",
        )
        .bind(question_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(QuestionMatch {
                    offering_id: r.get("offering_id"),
                    score: r.get("score"),
                    waarom: parse_list(r.get("waarom"))?,
                    status: r.get("status"),
                })
            })
            .collect()
    }

    /// Confirms, removes or (with `add`) adds a match of a question; false when there is no
    /// such question.
    pub async fn set_match(
        &self,
        question_id: &str,
        offering_id: &str,
        status: &str,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let exists = sqlx::query("SELECT 1 FROM learning_questions WHERE id = $1")
            .bind(question_id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if !exists {
            return Ok(false);
        }
        let before: Option<String> = sqlx::query(
            "SELECT status FROM question_matches WHERE question_id = $1 AND offering_id = $2",
        )
        .bind(question_id)
        .bind(offering_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.get(0));
        sqlx::query(
            "INSERT INTO question_matches (question_id, offering_id, position, score, waarom, status, created_at) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM question_matches WHERE question_id = $3), \
             0, '[\"Toegevoegd door het coördinatiepunt\"]', $4, $5) \
             ON CONFLICT (question_id, offering_id) DO UPDATE SET status = excluded.status",
        )
        .bind(question_id)
        .bind(offering_id)
        .bind(question_id)
        .bind(status)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE learning_questions SET status = 'in-behandeling', updated_at = $1 WHERE id = $2 AND status = 'nieuw'",
        )
        .bind(now())
        .bind(question_id)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            actor,
            "koppeling",
            "leervraag",
            question_id,
            Some(&json!({"aanbod": offering_id, "status": before})),
            Some(&json!({"aanbod": offering_id, "status": status})),
        )
        .await?;
        bump(&mut tx, "demand_version").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets the status and answer of a question, with the answer mail when given, in one
    /// transaction; false when there is no such question.
    pub async fn update_question(
        &self,
        id: &str,
        status: &str,
        antwoord: Option<&str>,
        mail: Option<&OutgoingMail>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let Some(before) =
            sqlx::query("SELECT status, antwoord FROM learning_questions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(false);
        };
        let (old_status, old_answer): (String, Option<String>) = (before.get(0), before.get(1));
        let ts = now();
        sqlx::query(
            "UPDATE learning_questions SET status = $1, antwoord = $2, updated_at = $3, \
             closed_at = CASE WHEN $4 THEN COALESCE(closed_at, $5) ELSE NULL END WHERE id = $6",
        )
        .bind(status)
        .bind(antwoord)
        .bind(&ts)
        .bind(is_closed(status))
        .bind(&ts)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let Some(m) = mail {
            enqueue(&mut tx, m).await?;
        }
        record(
            &mut tx,
            actor,
            if mail.is_some() {
                "beantwoord en gemaild"
            } else {
                "bijgewerkt"
            },
            "leervraag",
            id,
            Some(&json!({"status": old_status, "antwoord": old_answer})),
            Some(
                &json!({"status": status, "antwoord": antwoord, "mail_naar": mail.map(|m| &m.to)}),
            ),
        )
        .await?;
        bump(&mut tx, "demand_version").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets a question's themes as a coordinator gave them (they then count in the gap analysis
    /// and teach the matcher); false when there is no such question.
    pub async fn set_question_themes(
        &self,
        id: &str,
        themas: &[String],
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let Some(before) =
            sqlx::query("SELECT themas, themas_automatisch FROM learning_questions WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Ok(false);
        };
        let old: Vec<String> = parse_list(before.get(0))?;
        let automatic = before.get::<i64, _>(1) != 0;
        sqlx::query(
            "UPDATE learning_questions SET themas = $1, themas_automatisch = 0, updated_at = $2 WHERE id = $3",
        )
        .bind(super::list_json(themas))
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            actor,
            "thema's gezet",
            "leervraag",
            id,
            Some(&json!({"themas": old, "themas_automatisch": automatic})),
            Some(&json!({"themas": themas, "themas_automatisch": false})),
        )
        .await?;
        bump(&mut tx, "demand_version").await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Stores a contributed offering for moderation; returns its number.
    /// [`StoreError::AlreadySent`] when the shown form `once` was stored before.
    pub async fn insert_submission(
        &self,
        data: &Value,
        naam: Option<&str>,
        email: Option<&str>,
        once: &str,
    ) -> Result<i64, StoreError> {
        let ts = now();
        let mut tx = self.write().await?;
        super::accept_once(&mut tx, once).await?;
        let row = sqlx::query(
            "INSERT INTO offering_submissions (data, contact_naam, contact_email, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5) RETURNING id",
        )
        .bind(data.to_string())
        .bind(naam)
        .bind(email)
        .bind(&ts)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(row.get(0))
    }

    /// Submissions with `status`, oldest first.
    pub async fn submissions(&self, status: &str) -> Result<Vec<Submission>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {S_COLUMNS} FROM offering_submissions WHERE status = $1 ORDER BY id"
        ))
        .bind(status)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(submission).collect()
    }

    /// One submission.
    pub async fn submission(&self, id: i64) -> Result<Option<Submission>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {S_COLUMNS} FROM offering_submissions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(submission).transpose()
    }

    /// Saves a moderator's edit of a waiting submission.
    pub async fn edit_submission(
        &self,
        id: i64,
        data: &Value,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let Some(before) = sqlx::query(
            "SELECT data FROM offering_submissions WHERE id = $1 AND status = 'ingediend'",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Ok(false);
        };
        let before: Value = serde_json::from_str(before.get::<&str, _>(0)).unwrap_or(Value::Null);
        sqlx::query("UPDATE offering_submissions SET data = $1, updated_at = $2 WHERE id = $3")
            .bind(data.to_string())
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            actor,
            "bewerkt",
            "aanmelding",
            &id.to_string(),
            Some(&before),
            Some(data),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Approves a waiting submission: publishes `offering`, closes the submission and writes
    /// the mail, in one transaction. False when the submission is not waiting.
    pub async fn approve_submission(
        &self,
        id: i64,
        offering: &Offering,
        mail: Option<&OutgoingMail>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = now();
        let done = sqlx::query(
            "UPDATE offering_submissions SET status = 'goedgekeurd', offering_id = $1, data = $2, \
             updated_at = $3, closed_at = $4 WHERE id = $5 AND status = 'ingediend'",
        )
        .bind(&offering.id)
        .bind(serde_json::to_string(offering).unwrap_or_default())
        .bind(&ts)
        .bind(&ts)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if !done {
            return Ok(false);
        }
        let taken = sqlx::query("SELECT 1 FROM offerings WHERE id = $1")
            .bind(&offering.id)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if taken {
            return Err(StoreError::Conflict(format!("aanbod {}", offering.id)));
        }
        upsert_offering(&mut tx, offering, &ts).await?;
        if let Some(m) = mail {
            enqueue(&mut tx, m).await?;
        }
        let after = serde_json::to_value(offering).unwrap_or(Value::Null);
        record(
            &mut tx,
            actor,
            "goedgekeurd",
            "aanmelding",
            &id.to_string(),
            None,
            Some(&json!({"aanbod": offering.id})),
        )
        .await?;
        record(
            &mut tx,
            actor,
            "gepubliceerd",
            "aanbod",
            &offering.id,
            None,
            Some(&after),
        )
        .await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Rejects a waiting submission with a reason, with the mail, in one transaction.
    pub async fn reject_submission(
        &self,
        id: i64,
        reden: &str,
        mail: Option<&OutgoingMail>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = now();
        let done = sqlx::query(
            "UPDATE offering_submissions SET status = 'afgewezen', reden = $1, updated_at = $2, closed_at = $3 \
             WHERE id = $4 AND status = 'ingediend'",
        )
        .bind(reden)
        .bind(&ts)
        .bind(&ts)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if !done {
            return Ok(false);
        }
        if let Some(m) = mail {
            enqueue(&mut tx, m).await?;
        }
        record(
            &mut tx,
            actor,
            "afgewezen",
            "aanmelding",
            &id.to_string(),
            None,
            Some(&json!({"reden": reden})),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every offering, published or not: `(offering, published)`, by title.
    pub async fn all_offerings(&self) -> Result<Vec<(String, String, String, bool)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, titel, aanbieder, gepubliceerd FROM offerings ORDER BY lower(titel), titel",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get::<i64, _>(3) != 0))
            .collect())
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
            v[f] = Value::String(r.get(f));
        }
        for f in [
            "partners",
            "themas",
            "doelgroepen",
            "sectoren",
            "trefwoorden",
        ] {
            v[f] = Value::from(parse_list(r.get(f))?);
        }
        for f in ["startdatum", "einddatum"] {
            v[f] = r
                .get::<Option<String>, _>(f)
                .map_or(Value::Null, Value::String);
        }
        Ok(Some((v, r.get::<i64, _>("gepubliceerd") != 0)))
    }

    /// Creates or edits an offering from the back office, audited with before and after.
    pub async fn save_offering(&self, o: &Offering, actor: &str) -> Result<(), StoreError> {
        let before = self.offering_record(&o.id).await?.map(|(v, _)| v);
        let mut tx = self.write().await?;
        upsert_offering(&mut tx, o, &now()).await?;
        let after = serde_json::to_value(o).unwrap_or(Value::Null);
        record(
            &mut tx,
            actor,
            if before.is_some() {
                "bewerkt"
            } else {
                "aangemaakt"
            },
            "aanbod",
            &o.id,
            before.as_ref(),
            Some(&after),
        )
        .await?;
        bump_version(&mut tx).await?;
        tx.commit().await?;
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
                .bind(now())
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
        if done {
            record(
                &mut tx,
                actor,
                if published {
                    "gepubliceerd"
                } else {
                    "niet meer gepubliceerd"
                },
                "aanbod",
                id,
                Some(&json!({"gepubliceerd": !published})),
                Some(&json!({"gepubliceerd": published})),
            )
            .await?;
            bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Marks a contact message handled (starts its retention period).
    pub async fn close_contact(&self, id: i64, actor: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let ts = now();
        let done = sqlx::query(
            "UPDATE contact_messages SET status = 'afgehandeld', closed_at = $1 WHERE id = $2 AND status = 'nieuw'",
        )
        .bind(&ts)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if done {
            record(
                &mut tx,
                actor,
                "afgehandeld",
                "bericht",
                &id.to_string(),
                None,
                None,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    /// True when the contact message `id` exists (open or closed).
    pub async fn contact_exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM contact_messages WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .is_some())
    }

    /// Contact messages, newest first: `(id, soort, bericht, email, status, created_at)`.
    pub async fn contact_inbox(
        &self,
    ) -> Result<Vec<(i64, String, String, Option<String>, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, soort, bericht, email, status, created_at FROM contact_messages ORDER BY id DESC LIMIT 500",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
            .collect())
    }

    /// Counts for the dashboard.
    pub async fn dashboard_counts(&self) -> Result<DashboardCounts, StoreError> {
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM learning_questions WHERE status = 'nieuw' AND bron = 'site'), \
             (SELECT COUNT(*) FROM learning_questions WHERE status = 'in-behandeling'), \
             (SELECT COUNT(*) FROM offering_submissions WHERE status = 'ingediend'), \
             (SELECT COUNT(*) FROM contact_messages WHERE status = 'nieuw')",
        )
        .fetch_one(self.pool())
        .await?;
        Ok(DashboardCounts {
            new_questions: r.get(0),
            open_questions: r.get(1),
            submissions: r.get(2),
            messages: r.get(3),
        })
    }

    /// Erases personal data (e-mail, name) of questions, submissions and messages closed before
    /// `cutoff` (RFC 3339); the question texts stay. Returns the number of records changed.
    pub async fn erase_expired(&self, cutoff: &str) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let expiring: Vec<String> = sqlx::query(
            "SELECT email FROM learning_questions WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1 \
             UNION SELECT contact_email FROM offering_submissions WHERE contact_email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1 \
             UNION SELECT email FROM contact_messages WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1",
        )
        .bind(cutoff)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
        let mut n = sqlx::query(
            "UPDATE learning_questions SET email = NULL WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(
            "UPDATE offering_submissions SET contact_email = NULL, contact_naam = NULL \
             WHERE (contact_email IS NOT NULL OR contact_naam IS NOT NULL) AND closed_at IS NOT NULL AND closed_at < $1",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(
            "UPDATE contact_messages SET email = NULL WHERE email IS NOT NULL AND closed_at IS NOT NULL AND closed_at < $1",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Mail to a person whose last record just lost its address goes too.
        let mut gone = HashSet::new();
        for email in expiring {
            let still: i64 = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM learning_questions WHERE lower(email) = lower($1)) \
                 + (SELECT COUNT(*) FROM offering_submissions WHERE lower(contact_email) = lower($1)) \
                 + (SELECT COUNT(*) FROM contact_messages WHERE lower(email) = lower($1))",
            )
            .bind(&email)
            .fetch_one(&mut *tx)
            .await?
            .get(0);
            if still == 0 {
                gone.insert(email.to_lowercase());
            }
        }
        n += forget_mail(&mut tx, &gone).await?;
        if n > 0 {
            record(
                &mut tx,
                "systeem",
                "bewaartermijn verlopen",
                "persoonsgegevens",
                cutoff,
                None,
                Some(&json!({"records": n})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Everything stored about one e-mail address, as JSON (a person's access request).
    pub async fn personal_data(&self, email: &str) -> Result<Value, StoreError> {
        let questions = sqlx::query(
            "SELECT id, vraag, gemeente, datum, status, antwoord, consent_at FROM learning_questions WHERE lower(email) = lower($1)",
        )
        .bind(email)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| json!({"id": r.get::<String, _>(0), "vraag": r.get::<String, _>(1), "gemeente": r.get::<Option<String>, _>(2), "datum": r.get::<String, _>(3), "status": r.get::<String, _>(4), "antwoord": r.get::<Option<String>, _>(5), "toestemming": r.get::<Option<String>, _>(6)}))
        .collect::<Vec<_>>();
        let submissions = sqlx::query(
            "SELECT id, data, contact_naam, status, created_at FROM offering_submissions WHERE lower(contact_email) = lower($1)",
        )
        .bind(email)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| json!({"id": r.get::<i64, _>(0), "aanbod": serde_json::from_str::<Value>(r.get::<&str, _>(1)).unwrap_or(Value::Null), "naam": r.get::<Option<String>, _>(2), "status": r.get::<String, _>(3), "ingediend": r.get::<String, _>(4)}))
        .collect::<Vec<_>>();
        let messages = sqlx::query(
            "SELECT id, soort, bericht, created_at FROM contact_messages WHERE lower(email) = lower($1)",
        )
        .bind(email)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| json!({"id": r.get::<i64, _>(0), "soort": r.get::<String, _>(1), "bericht": r.get::<String, _>(2), "ontvangen": r.get::<String, _>(3)}))
        .collect::<Vec<_>>();
        Ok(
            json!({"email": email, "leervragen": questions, "aanmeldingen": submissions, "berichten": messages}),
        )
    }

    /// Erases one person's e-mail address and name everywhere; returns the records changed.
    pub async fn erase_person(&self, email: &str, actor: &str) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let mut n = sqlx::query(
            "UPDATE learning_questions SET email = NULL WHERE lower(email) = lower($1)",
        )
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(
            "UPDATE offering_submissions SET contact_email = NULL, contact_naam = NULL WHERE lower(contact_email) = lower($1)",
        )
        .bind(email)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query("UPDATE contact_messages SET email = NULL WHERE lower(email) = lower($1)")
            .bind(email)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        n += forget_mail(&mut tx, &HashSet::from([email.to_lowercase()])).await?;
        record(
            &mut tx,
            actor,
            "persoonsgegevens gewist",
            "persoonsgegevens",
            "op verzoek",
            None,
            Some(&json!({"records": n})),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }
}

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
        let ts = now();
        let mut changed = Vec::new();
        for r in rows {
            let id: String = r.get(0);
            let aanbieder: String = r.get(1);
            let partners = parse_list(r.get(2))?;
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
            .bind(super::list_json(&partners))
            .bind(&ts)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
            changed.push(id);
        }
        if !changed.is_empty() {
            record(
                &mut tx,
                actor,
                "hernoemd",
                "aanbieder",
                old,
                Some(&json!({"naam": old})),
                Some(&json!({"naam": new, "aanbod": changed})),
            )
            .await?;
            bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Takes all offerings of a provider off the site, audited; returns how many.
    pub async fn unpublish_provider(&self, name: &str, actor: &str) -> Result<u64, StoreError> {
        let mut tx = self.write().await?;
        let n = sqlx::query(
            "UPDATE offerings SET gepubliceerd = 0, updated_at = $1 WHERE aanbieder = $2 AND gepubliceerd = 1",
        )
        .bind(now())
        .bind(name)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            record(
                &mut tx,
                actor,
                "niet meer gepubliceerd",
                "aanbieder",
                name,
                None,
                Some(&json!({"aanbod": n})),
            )
            .await?;
            bump_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(n)
    }
}

/// Erases the mail to these (lower-case) addresses: the outbox rows (a mail still waiting is not
/// sent) and the address in the audit records of sent mail. Returns the outbox rows changed.
async fn forget_mail(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    addresses: &HashSet<String>,
) -> Result<u64, StoreError> {
    let mut n = 0;
    for email in addresses {
        n += sqlx::query(
            "UPDATE outbox SET recipient = '(gewist)', body_text = '(gewist)', body_html = '(gewist)', \
             status = CASE WHEN status = 'wachtend' THEN 'mislukt' ELSE status END, \
             last_error = CASE WHEN status = 'wachtend' THEN 'gewist op verzoek' ELSE last_error END \
             WHERE lower(recipient) = $1",
        )
        .bind(email)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    if addresses.is_empty() {
        return Ok(n);
    }
    // Audit records of mails: the address is compared and replaced in the JSON, here in Rust.
    let candidates = sqlx::query(
        "SELECT id, after FROM audit_log WHERE after IS NOT NULL AND after LIKE '%\"mail\\_naar\"%' ESCAPE '\\'",
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in &candidates {
        let Ok(mut after) = serde_json::from_str::<Value>(r.get::<&str, _>(1)) else {
            continue;
        };
        let to_person = after
            .get("mail_naar")
            .and_then(Value::as_str)
            .is_some_and(|m| addresses.contains(&m.to_lowercase()));
        if let (true, Some(obj)) = (to_person, after.as_object_mut()) {
            obj.insert("mail_naar".into(), Value::from("(gewist)"));
            sqlx::query("UPDATE audit_log SET after = $1 WHERE id = $2")
                .bind(after.to_string())
                .bind(r.get::<i64, _>(0))
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(n)
}
