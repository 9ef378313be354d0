//! The counts on the back-office dashboard.

use sqlx::Row;

use super::{Store, StoreError};

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
}
