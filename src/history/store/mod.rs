//! The contact history's storage: one `Store` over SQLite (embedded default) or PostgreSQL (shared deployment).
//!
//! Both databases run the same SQL through sqlx's `Any` driver: numbered placeholders (`$1`), BIGINT times in
//! UTC microseconds, text UUIDs, JSON in TEXT columns. Only the migrations differ per database. The store
//! knows nothing of HTTP, roles or audit policy; the service decides those.

mod audit;
mod citizens;
mod events;
mod sessions;
mod sql;
mod staff;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

pub use audit::{AuditFilter, NewAudit};
pub use citizens::{CitizenLookup, UpsertOutcome};
pub use events::{Cursor, EventWriteOutcome, TimelineQuery, status_after};
pub use sessions::{SessionFilter, SessionPutOutcome};
pub use staff::NewToken;

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

impl StoreKind {
    /// `sqlite` or `postgres`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// Store failures. Messages name the table or the problem, never the data.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrating the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL: use sqlite:PATH or postgres://…")]
    UnsupportedUrl,
    #[error("stored {what} could not be read: {detail}")]
    Corrupt { what: &'static str, detail: String },
}

/// Store result.
pub type StoreResult<T> = Result<T, StoreError>;

/// Connection settings beyond the URL.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self { max_connections: 8, acquire_timeout: Duration::from_secs(10) }
    }
}

/// The contact history's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    kind: StoreKind,
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        Self::open_with(url, &StoreOptions::default()).await
    }

    /// [`Store::open`] with explicit pool settings.
    pub async fn open_with(url: &str, options: &StoreOptions) -> StoreResult<Self> {
        install_default_drivers();
        let (kind, url) = normalise_url(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if kind == StoreKind::Sqlite {
                        // WAL lets readers run beside the writer; NORMAL is durable across application crashes.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let store = Self { pool, kind };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> StoreResult<()> {
        // The two sets are the same SQL today, kept apart so each database's schema can grow its own indexes.
        #[allow(clippy::match_same_arms)]
        match self.kind {
            StoreKind::Sqlite => sqlx::migrate!("src/history/store/migrations/sqlite").run(&self.pool).await?,
            StoreKind::Postgres => sqlx::migrate!("src/history/store/migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    /// Which database this is.
    #[must_use]
    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Closes every connection (so a SQLite file can be checkpointed and copied).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Accepts `sqlite:PATH`, `sqlite://PATH` and `postgres://…`; a SQLite file is created when missing.
fn normalise_url(url: &str) -> StoreResult<(StoreKind, String)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((StoreKind::Postgres, url.to_owned()));
    }
    let path =
        url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).ok_or(StoreError::UnsupportedUrl)?;
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mode = if query.contains("mode=") { String::new() } else { "mode=rwc".to_owned() };
    let params = [query, &mode].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("&");
    Ok((StoreKind::Sqlite, format!("sqlite://{path}?{params}")))
}

/// A UTC time as stored: microseconds since the epoch.
pub(crate) fn to_micros(time: DateTime<Utc>) -> i64 {
    time.timestamp_micros()
}

/// A stored time back as UTC.
pub(crate) fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// Parses a stored UUID column.
pub(crate) fn parse_uuid(text: &str, what: &'static str) -> StoreResult<uuid::Uuid> {
    uuid::Uuid::from_str(text).map_err(|e| StoreError::Corrupt { what, detail: e.to_string() })
}

/// Parses a stored JSON column.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(text: &str, what: &'static str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt { what, detail: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_normalise() {
        assert_eq!(normalise_url("sqlite:/tmp/a.db").expect("ok").1, "sqlite:///tmp/a.db?mode=rwc");
        assert_eq!(normalise_url("sqlite://data.db?mode=ro").expect("ok").1, "sqlite://data.db?mode=ro");
        assert_eq!(normalise_url("postgres://u@h/db").expect("ok").0, StoreKind::Postgres);
        assert!(normalise_url("mysql://x").is_err());
    }
}
