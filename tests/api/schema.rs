//! The migrations of SQLite and PostgreSQL leave the same schema: the same tables, columns, kind
//! of column, NOT NULL and created indexes, read from the two databases themselves. Runs where a
//! PostgreSQL server is given (the PostgreSQL run of the suite); the unit test in `store` compares
//! the migration texts in every run.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Connection;
use wijkwijzer::store::Store;

use super::helpers::{postgres_server, test_db};

/// Tables whose `email` is unique regardless of case, spelled apart: SQLite declares the column
/// `UNIQUE COLLATE NOCASE`, PostgreSQL has a unique index `{table}_email` on `lower(email)`.
const CASELESS_EMAIL: [&str; 2] = ["users", "participants"];

/// Per table: column → (kind, NOT NULL); and the created indexes as (table, index).
#[derive(Debug, PartialEq, Eq)]
struct Schema {
    columns: BTreeMap<String, BTreeMap<String, (&'static str, bool)>>,
    indexes: BTreeSet<(String, String)>,
}

/// The kind of a declared column type, as both databases spell it.
fn kind(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") {
        "real"
    } else if t.contains("blob") || t.contains("bytea") {
        "blob"
    } else {
        "other"
    }
}

/// Tables of the platform (not the migration bookkeeping).
fn ours(table: &str) -> bool {
    !table.starts_with("_sqlx") && !table.starts_with("sqlite_")
}

impl Schema {
    /// The schema from its columns `(table, column, declared type, NOT NULL)` and its created
    /// indexes `(table, index)`, the migration bookkeeping left out.
    fn of(columns: Vec<(String, String, String, i64)>, indexes: Vec<(String, String)>) -> Schema {
        let mut tables: BTreeMap<String, BTreeMap<String, (&'static str, bool)>> = BTreeMap::new();
        for (table, column, declared, not_null) in columns.into_iter().filter(|c| ours(&c.0)) {
            tables
                .entry(table)
                .or_default()
                .insert(column, (kind(&declared), not_null != 0));
        }
        Schema {
            columns: tables,
            indexes: indexes.into_iter().filter(|(t, _)| ours(t)).collect(),
        }
    }
}

async fn sqlite_schema(db: &mut sqlx::SqliteConnection) -> Schema {
    // An INTEGER PRIMARY KEY is never NULL, whatever `notnull` says.
    let columns = sqlx::query_as(
        "SELECT m.name, p.name, p.type, CASE WHEN p.\"notnull\" OR p.pk THEN 1 ELSE 0 END \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    let indexes = sqlx::query_as(
        "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    Schema::of(columns, indexes)
}

async fn postgres_schema(db: &mut sqlx::PgConnection) -> Schema {
    let columns = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, \
         CASE WHEN c.is_nullable = 'NO' THEN 1::int8 ELSE 0::int8 END FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    // Indexes made by CREATE INDEX, not those behind a primary key or UNIQUE constraint.
    let indexes = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .fetch_all(&mut *db)
    .await
    .unwrap();
    Schema::of(columns, indexes)
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_leave_the_same_schema() {
    if postgres_server().is_none() {
        eprintln!("overgeslagen: geen PostgreSQL (WIJKWIJZER_TEST_POSTGRES)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("schema.db");
    drop(Store::open(&sqlite).await.unwrap());
    let postgres = test_db(dir.path()).await;
    drop(Store::open(&postgres).await.unwrap());
    let mut sqlite_db = sqlx::SqliteConnection::connect(&format!("sqlite://{}", sqlite.display()))
        .await
        .unwrap();
    let mut pg_db = sqlx::PgConnection::connect(postgres.to_str().unwrap())
        .await
        .unwrap();
    let lite = sqlite_schema(&mut sqlite_db).await;
    let post = postgres_schema(&mut pg_db).await;
    assert!(lite.columns.len() >= 15, "{lite:#?}");
    for (table, cols) in &lite.columns {
        assert_eq!(
            Some(cols),
            post.columns.get(table),
            "table {table}: SQLite left, PostgreSQL right"
        );
    }
    assert_eq!(
        lite.columns.keys().collect::<Vec<_>>(),
        post.columns.keys().collect::<Vec<_>>()
    );
    let mut post_indexes = post.indexes.clone();
    for table in CASELESS_EMAIL {
        let index = format!("{table}_email");
        assert!(post_indexes.remove(&(table.to_string(), index.clone())));
        let definition: String = sqlx::query_scalar(
            "SELECT indexdef::text FROM pg_indexes WHERE schemaname = current_schema() AND indexname = $1",
        )
        .bind(&index)
        .fetch_one(&mut pg_db)
        .await
        .unwrap();
        assert!(
            definition.starts_with("CREATE UNIQUE INDEX") && definition.contains("lower(email)"),
            "{definition}"
        );
        let declared: String =
            sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?")
                .bind(table)
                .fetch_one(&mut sqlite_db)
                .await
                .unwrap();
        assert!(
            declared.contains("email TEXT NOT NULL UNIQUE COLLATE NOCASE"),
            "{declared}"
        );
    }
    assert_eq!(lite.indexes, post_indexes);
}
