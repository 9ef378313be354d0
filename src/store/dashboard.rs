//! The counts on the back-office dashboard.

use super::{Columns, Store, StoreError};
use crate::domain::status::{MessageStatus, QuestionStatus, SubmissionStatus};

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
    /// Counts for the dashboard.
    pub async fn dashboard_counts(&self) -> Result<DashboardCounts, StoreError> {
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM learning_questions WHERE status = $1 AND bron = 'site'), \
             (SELECT COUNT(*) FROM learning_questions WHERE status = $2), \
             (SELECT COUNT(*) FROM offering_submissions WHERE status = $3), \
             (SELECT COUNT(*) FROM contact_messages WHERE status = $4)",
        )
        .bind(QuestionStatus::Nieuw.as_str())
        .bind(QuestionStatus::InBehandeling.as_str())
        .bind(SubmissionStatus::Ingediend.as_str())
        .bind(MessageStatus::Nieuw.as_str())
        .fetch_one(self.pool())
        .await?;
        Ok(DashboardCounts {
            new_questions: r.col(0)?,
            open_questions: r.col(1)?,
            submissions: r.col(2)?,
            messages: r.col(3)?,
        })
    }
}
