//! Learning questions: the inventory import, questions asked on the site with their suggested
//! matches, the demand the gap analysis reads, and the coordinator's inbox (status, answer, themes).

use serde_json::json;

use super::audit::Change;
use super::outbox::{enqueue, OutgoingMail};
use super::{
    accept_once, flag, list_json, opt_flag, parse_date, parse_list, parsed, Columns, Counter,
    Store, StoreError,
};
use crate::domain::matching::{Fit, LabelledQuestion};
use crate::domain::question::LearningQuestion;
use crate::domain::status::QuestionStatus;

/// A learning question as the inbox shows it.
#[derive(Debug, Clone)]
pub struct InboxItem {
    /// The question as asked.
    pub question: LearningQuestion,
    /// `site` or `import`.
    pub bron: String,
    /// Workflow status.
    pub status: QuestionStatus,
    /// E-mail for an answer.
    pub email: Option<String>,
    /// The engine's verdict.
    pub passend: Option<bool>,
    /// The engine's three-way answer, once matched.
    pub fit: Option<Fit>,
    /// The coordinator's answer.
    pub antwoord: Option<String>,
    /// True when the themes were filled in by the matching engine.
    pub themas_automatisch: bool,
}

/// Filters of the inbox; `None` means all.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Status.
    pub status: Option<QuestionStatus>,
    /// Theme slug.
    pub thema: Option<String>,
    /// Target group slug.
    pub doelgroep: Option<String>,
    /// Source.
    pub bron: Option<String>,
    /// Whether the themes were chosen by the engine (`Some(true)`) or by a person.
    pub themas_automatisch: Option<bool>,
}

/// The stored status in column `status` of a question row.
fn status(r: &sqlx::any::AnyRow) -> Result<QuestionStatus, StoreError> {
    parsed(r, "status", QuestionStatus::parse)
}

/// A learning question from its row.
pub(super) fn question(r: &sqlx::any::AnyRow) -> Result<LearningQuestion, StoreError> {
    Ok(LearningQuestion {
        id: r.col("id")?,
        vraag: r.col("vraag")?,
        doelgroep: r.col("doelgroep")?,
        sector: r.col("sector")?,
        gemeente: r.col("gemeente")?,
        themas: parse_list(r.col("themas")?)?,
        datum: parse_date(Some(r.col("datum")?))?
            .ok_or_else(|| StoreError::Corrupt("datum".into()))?,
    })
}

/// `query` with the seven columns of `q` bound, `$1` to `$7` in the order of
/// [`crate::domain::question::FIELDS`].
fn bind_question<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    q: &'q LearningQuestion,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
        .bind(&q.id)
        .bind(&q.vraag)
        .bind(&q.doelgroep)
        .bind(&q.sector)
        .bind(&q.gemeente)
        .bind(list_json(&q.themas))
        .bind(q.datum.to_string())
}

/// The stored three-way answer in column `fit`, `None` when not matched yet.
fn fit(r: &sqlx::any::AnyRow) -> Result<Option<Fit>, StoreError> {
    r.col::<Option<String>, _>("fit")?
        .map(|text| Fit::parse(&text).ok_or_else(|| StoreError::Corrupt(format!("fit '{text}'"))))
        .transpose()
}

fn item(r: &sqlx::any::AnyRow) -> Result<InboxItem, StoreError> {
    Ok(InboxItem {
        question: question(r)?,
        bron: r.col("bron")?,
        status: status(r)?,
        email: r.col("email")?,
        passend: opt_flag(r, "passend")?,
        fit: fit(r)?,
        antwoord: r.col("antwoord")?,
        themas_automatisch: flag(r, "themas_automatisch")?,
    })
}

const Q_COLUMNS: &str =
    "id, vraag, doelgroep, sector, gemeente, themas, datum, bron, status, email, \
                         passend, fit, antwoord, themas_automatisch";

/// Status, e-mail address and the engine's verdict of a stored question.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionState {
    /// Workflow status.
    pub status: QuestionStatus,
    /// E-mail address for an answer, if given.
    pub email: Option<String>,
    /// The engine's verdict, once matched.
    pub passend: Option<bool>,
    /// The engine's three-way answer, once matched.
    pub fit: Option<Fit>,
    /// The fit model's probability, once matched.
    pub kans: Option<f64>,
}

/// A learning question asked on the site, with what the matching engine suggested.
pub struct SiteQuestion<'a> {
    /// The question.
    pub question: &'a LearningQuestion,
    /// E-mail address for an answer, if given (with consent).
    pub email: Option<&'a str>,
    /// The engine's three-way answer (`passend` is stored as `fit` is `passend`).
    pub fit: Fit,
    /// The fit model's probability that a good answer exists.
    pub kans: f64,
    /// Suggested matches `(offering id, score, reasons)`, best first.
    pub matches: Vec<(&'a str, f64, &'a [String])>,
    /// The receipt mailed to the asker (with an e-mail address), written with the question.
    pub receipt: Option<OutgoingMail>,
    /// Consent to be introduced to others with the same question, with what is shared.
    pub peer: Option<&'a super::PeerShare>,
}

/// The engine's answer for a question that was not matched yet.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchedQuestion {
    /// Question id.
    pub id: String,
    /// The three-way answer.
    pub fit: Fit,
    /// The fit model's probability that a good answer exists.
    pub kans: f64,
    /// The themes of the best offering, stored when the question has none.
    pub themas: Vec<String>,
}

/// A learning question as the agenda and the gap analysis see it.
#[derive(Debug, Clone)]
pub struct DemandRow {
    /// The question itself.
    pub question: LearningQuestion,
    /// Workflow status.
    pub status: QuestionStatus,
    /// The engine's verdict, once matched.
    pub passend: Option<bool>,
    /// The engine's three-way answer, once matched.
    pub fit: Option<Fit>,
    /// True when the themes were filled in by the engine rather than given by the inventory or a
    /// coordinator.
    pub themas_automatisch: bool,
}

impl DemandRow {
    /// The question as an example for the matcher, when a person gave its themes.
    pub fn labelled(&self) -> Option<LabelledQuestion> {
        if self.themas_automatisch {
            return None;
        }
        LabelledQuestion::new(&self.question.vraag, &self.question.themas)
    }
}

impl Store {
    /// Every learning question, ordered by id.
    pub async fn questions(&self) -> Result<Vec<LearningQuestion>, StoreError> {
        self.rows(
            "SELECT id, vraag, doelgroep, sector, gemeente, themas, datum FROM learning_questions ORDER BY id",
            question,
        )
        .await
    }

    /// Inserts or updates learning questions by id, all in one transaction.
    pub async fn upsert_questions(&self, questions: &[LearningQuestion]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        let ts = self.now();
        for q in questions {
            bind_question(sqlx::query(
                "INSERT INTO learning_questions (id, vraag, doelgroep, sector, gemeente, themas, datum, \
                 created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) \
                 ON CONFLICT (id) DO UPDATE SET vraag = excluded.vraag, doelgroep = excluded.doelgroep, \
                 sector = excluded.sector, gemeente = excluded.gemeente, themas = excluded.themas, \
                 datum = excluded.datum, updated_at = excluded.updated_at, themas_automatisch = 0, \
                 passend = CASE WHEN learning_questions.vraag = excluded.vraag \
                 AND learning_questions.doelgroep IS NOT DISTINCT FROM excluded.doelgroep THEN learning_questions.passend ELSE NULL END, \
                 fit = CASE WHEN learning_questions.vraag = excluded.vraag \
                 AND learning_questions.doelgroep IS NOT DISTINCT FROM excluded.doelgroep THEN learning_questions.fit ELSE NULL END, \
                 kans = CASE WHEN learning_questions.vraag = excluded.vraag \
                 AND learning_questions.doelgroep IS NOT DISTINCT FROM excluded.doelgroep THEN learning_questions.kans ELSE NULL END",
            ), q)
            .bind(&ts)
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx, None, Some(Counter::Demand)).await?;
        Ok(())
    }

    /// Stores a question from the site and its suggested matches in one transaction.
    /// [`StoreError::AlreadySent`] when the shown form `once` was stored before.
    pub async fn insert_site_question(
        &self,
        sq: &SiteQuestion<'_>,
        once: &str,
    ) -> Result<(), StoreError> {
        let q = sq.question;
        let ts = self.now();
        let mut tx = self.write().await?;
        accept_once(&mut tx, once, self.clock().now()).await?;
        bind_question(
            sqlx::query(
            "INSERT INTO learning_questions (id, vraag, doelgroep, sector, gemeente, themas, datum, bron, \
             status, email, passend, fit, kans, consent_at, created_at, updated_at, themas_automatisch, \
             peer_consent, peer_naam, peer_organisatie, peer_rol, peer_gemeente) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,'site',$8,$9,$10,$11,$12,$13,$14,$15,1,$16,$17,$18,$19,$20)",
            ),
            q,
        )
        .bind(QuestionStatus::Nieuw.as_str())
        .bind(sq.email)
        .bind(i64::from(sq.fit == Fit::Passend))
        .bind(sq.fit.as_str())
        .bind(sq.kans)
        .bind(sq.email.map(|_| ts.clone()))
        .bind(&ts)
        .bind(&ts)
        .bind(i64::from(sq.peer.is_some()))
        .bind(sq.peer.and_then(|p| p.naam.clone()))
        .bind(sq.peer.and_then(|p| p.organisatie.clone()))
        .bind(i64::from(sq.peer.is_some_and(|p| p.rol)))
        .bind(i64::from(sq.peer.is_some_and(|p| p.gemeente)))
        .execute(&mut *tx)
        .await?;
        for (position, (offering, score, waarom)) in sq.matches.iter().enumerate() {
            sqlx::query(
                "INSERT INTO question_matches (question_id, offering_id, position, score, waarom, created_at) \
                 VALUES ($1,$2,$3,$4,$5,$6)",
            )
            .bind(&q.id)
            .bind(*offering)
            .bind(position as i64)
            .bind(*score)
            .bind(list_json(waarom))
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(mail) = &sq.receipt {
            enqueue(&mut tx, mail, &ts).await?;
        }
        self.commit(tx, None, Some(Counter::Demand)).await?;
        Ok(())
    }

    /// The demand version: it changes on every committed change to learning questions.
    pub async fn demand_version(&self) -> Result<i64, StoreError> {
        self.counter(Counter::Demand).await
    }

    /// What the gap analysis needs of every learning question.
    pub async fn demand(&self) -> Result<Vec<DemandRow>, StoreError> {
        let rows = sqlx::query("SELECT id, vraag, doelgroep, sector, gemeente, themas, datum, status, passend, fit, themas_automatisch FROM learning_questions ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DemandRow {
                    question: question(r)?,
                    status: status(r)?,
                    passend: opt_flag(r, "passend")?,
                    fit: fit(r)?,
                    themas_automatisch: flag(r, "themas_automatisch")?,
                })
            })
            .collect()
    }

    /// Records the engine's answer (`fit` with its `kans`, and `passend`) and, when the question
    /// had none, inferred themes, for questions that were not matched yet.
    pub async fn set_passend(&self, results: &[MatchedQuestion]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        for MatchedQuestion {
            id,
            fit,
            kans,
            themas,
        } in results
        {
            sqlx::query(
                "UPDATE learning_questions SET passend = $1, fit = $2, kans = $3, \
                 themas_automatisch = CASE WHEN themas = '[]' THEN 1 ELSE themas_automatisch END, \
                 themas = CASE WHEN themas = '[]' THEN $4 ELSE themas END WHERE id = $5 AND passend IS NULL",
            )
            .bind(i64::from(*fit == Fit::Passend))
            .bind(fit.as_str())
            .bind(*kans)
            .bind(list_json(themas))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        self.commit(tx, None, Some(Counter::Demand)).await?;
        Ok(())
    }

    /// Status, e-mail and `passend` of a stored question.
    pub async fn question_status(&self, id: &str) -> Result<Option<QuestionState>, StoreError> {
        let row = sqlx::query(
            "SELECT status, email, passend, fit, kans FROM learning_questions WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(QuestionState {
                status: status(&r)?,
                email: r.col("email")?,
                passend: opt_flag(&r, "passend")?,
                fit: fit(&r)?,
                kans: r.col("kans")?,
            })
        })
        .transpose()
    }

    /// The inbox: questions matching `filter`, at most `limit`; first those the engine answered
    /// `mogelijk` (where a coordinator's look changes most), then `geen`, then `passend`, then
    /// those not matched yet, each newest first.
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
             ORDER BY CASE fit WHEN 'mogelijk' THEN 0 WHEN 'geen' THEN 1 WHEN 'passend' THEN 2 ELSE 3 END, \
             datum DESC, seq DESC LIMIT $6"
        ))
        .bind(filter.status.map(QuestionStatus::as_str))
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
        self.row_by(
            &format!("SELECT {Q_COLUMNS} FROM learning_questions WHERE id = $1"),
            id,
            item,
        )
        .await
    }

    /// When the answer to a question was mailed, oldest first (from the audit log).
    pub async fn answer_mailed_at(&self, question_id: &str) -> Result<Vec<String>, StoreError> {
        self.rows_by(
            "SELECT at FROM audit_log WHERE entity = 'leervraag' AND entity_id = $1 AND action = 'beantwoord en gemaild' ORDER BY id",
            Some(question_id),
            |r| r.col::<String, _>(0),
        )
        .await
    }

    /// Sets the status and answer of a question, with the answer mail when given, in one
    /// transaction; false when there is no such question.
    pub async fn update_question(
        &self,
        id: &str,
        status: QuestionStatus,
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
        let (old_status, old_answer): (String, Option<String>) = (before.col(0)?, before.col(1)?);
        let ts = self.now();
        sqlx::query(
            "UPDATE learning_questions SET status = $1, antwoord = $2, updated_at = $3, \
             closed_at = CASE WHEN $4 THEN COALESCE(closed_at, $5) ELSE NULL END WHERE id = $6",
        )
        .bind(status.as_str())
        .bind(antwoord)
        .bind(&ts)
        .bind(status.is_closed())
        .bind(&ts)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let Some(m) = mail {
            enqueue(&mut tx, m, &ts).await?;
        }
        let change = Change::new(
            actor,
            if mail.is_some() {
                "beantwoord en gemaild"
            } else {
                "bijgewerkt"
            },
            "leervraag",
            id,
        )
        .before(json!({"status": old_status, "antwoord": old_answer}))
        .after(json!({"status": status.as_str(), "antwoord": antwoord, "mail_naar": mail.map(|m| &m.to)}));
        self.commit(tx, [change], Some(Counter::Demand)).await?;
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
        let old: Vec<String> = parse_list(before.col(0)?)?;
        let automatic = before.col::<i64, _>(1)? != 0;
        sqlx::query(
            "UPDATE learning_questions SET themas = $1, themas_automatisch = 0, updated_at = $2 WHERE id = $3",
        )
        .bind(list_json(themas))
        .bind(self.now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let change = Change::new(actor, "thema's gezet", "leervraag", id)
            .before(json!({"themas": old, "themas_automatisch": automatic}))
            .after(json!({"themas": themas, "themas_automatisch": false}));
        self.commit(tx, [change], Some(Counter::Demand)).await?;
        Ok(true)
    }
}
