//! Schema migrations, run when a store opens: one ordered list per backend (the SQL files under
//! `migrations/`), each applied once in its own transaction and recorded in
//! `salesmap_migrations`. On PostgreSQL an advisory lock makes instances that start together
//! take turns, so two app servers never apply the same migration twice.
//!
//! A database migrated by a newer salesmap (a version this build does not know) is refused
//! rather than used: the older code could misread it.

use sqlx::{AnyPool, Executor, Row};

use crate::error::StoreError;

/// A migration: its number, its name and its SQL for each backend.
struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "pipeline",
    sqlite: include_str!("../migrations/sqlite/0001_pipeline.sql"),
    postgres: include_str!("../migrations/postgres/0001_pipeline.sql"),
}];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// Any number, the same in every salesmap: the advisory lock key of migrations.
const MIGRATION_LOCK: i64 = 0x5a1e_5a1e;

/// Applies the migrations `pool` lacks; `postgres` picks the dialect (SQLite otherwise).
pub(crate) async fn run(pool: &AnyPool, postgres: bool, applied_at: i64) -> Result<(), StoreError> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS salesmap_migrations (version BIGINT PRIMARY KEY, \
         name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(pool)
    .await?;
    for migration in MIGRATIONS {
        // SQLite: take the write lock at once, so two processes starting together take turns.
        let mut tx = if postgres {
            pool.begin().await?
        } else {
            pool.begin_with("BEGIN IMMEDIATE").await?
        };
        if postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        let newest: Option<i64> = sqlx::query("SELECT MAX(version) AS v FROM salesmap_migrations")
            .fetch_one(&mut *tx)
            .await?
            .try_get("v")?;
        if let Some(newest) = newest
            && newest > SCHEMA_VERSION
        {
            return Err(StoreError::Unavailable(format!(
                "the database has schema version {newest}, newer than this salesmap knows \
                 ({SCHEMA_VERSION}): upgrade salesmap"
            )));
        }
        if newest.is_some_and(|n| n >= migration.version) {
            continue;
        }
        let sql = if postgres {
            migration.postgres
        } else {
            migration.sqlite
        };
        // Several statements: sent as one simple query, which both backends run in order.
        tx.execute(sql).await?;
        sqlx::query(
            "INSERT INTO salesmap_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(applied_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two dialects define the same tables and columns, in the same order.
    #[test]
    fn both_dialects_have_the_same_tables_and_columns() {
        fn shape(sql: &str) -> Vec<String> {
            let mut out = Vec::new();
            let mut table = None;
            for line in sql.lines() {
                let line = line.trim();
                if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                    table = rest.split_whitespace().next().map(str::to_string);
                } else if line.starts_with(')') {
                    table = None;
                } else if let Some(t) = &table {
                    let word = line.split_whitespace().next().unwrap_or("");
                    if !word.is_empty() && !matches!(word, "UNIQUE" | "--") {
                        out.push(format!("{t}.{word}"));
                    }
                }
            }
            out
        }
        for m in MIGRATIONS {
            let (a, b) = (shape(m.sqlite), shape(m.postgres));
            assert!(a.len() > 50, "{a:?}");
            assert_eq!(a, b, "migration {} differs between dialects", m.name);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
