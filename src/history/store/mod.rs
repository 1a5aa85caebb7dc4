//! The contact history's storage: one `Store` over SQLite (embedded default) or PostgreSQL (shared deployment).
//!
//! Both databases run the same SQL through sqlx's `Any` driver: numbered placeholders (`$1`), BIGINT times in
//! UTC microseconds, text UUIDs, JSON in TEXT columns. Only the migrations differ per database. On SQLite the
//! hot reads (token, citizen, timeline, lookups) run the same SQL on plain connections instead (`readers`). The
//! store knows nothing of HTTP, roles or audit policy; the service decides those.

mod audit;
mod audit_chain;
mod audit_prune;
mod citizens;
mod events;
mod identity;
mod insights;
mod readers;
mod schema;
mod sessions;
mod sql;
mod staff;
pub mod target;
mod unmatched;
mod watch;

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use sql::{Columns, Sql};

pub use audit::{AuditFilter, NewAudit};
pub use audit_chain::{AuditVerification, ChainBreak, ChainProblem, SignatureCheck};
pub use audit_prune::{AgeError, AuditAge, Checkpoint, CheckpointKey, KEY_BYTES, KeyFileError, PruneOutcome};
pub use citizens::{CitizenLookup, RecordWriter, UpsertOutcome};
pub use events::{Cursor, EventWriteOutcome, TimelineQuery};
pub use identity::{MergeCheck, MergeOutcome, MergeRecord, MergeRefusal, UndoOutcome};
pub use insights::{ContactGroup, Drill, FailureGroup, InsightQuery, Period, RebuildReport};
pub use schema::{SchemaError, SchemaPolicy, program_version};
pub use sessions::{SessionCorrectOutcome, SessionFilter, SessionPutOutcome};
pub use staff::NewToken;
pub use unmatched::{NewUnmatched, QueueOutcome};
pub use watch::LookupRow;

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

/// Store failures. Messages name the table or the problem, never the data. The driver's error is part of the
/// message and not a `source` as well, so a chain of causes does not print it twice.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("database: {0}")]
    Sqlite(rusqlite::Error),
    #[error("the store is closed")]
    Closed,
    #[error("migrating the database: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// The database could not be reached at all: nothing was read or written.
    #[error("cannot reach the database at {target}: {reason}")]
    Unreachable { target: String, reason: String },
    #[error("{0}")]
    Schema(SchemaError),
    #[error("no database file at {}: create it with `medbetjening migrate --database sqlite:…`", .0.display())]
    NoSqliteFile(PathBuf),
    #[error("unsupported database URL: use sqlite:PATH or postgres://…")]
    UnsupportedUrl,
    #[error("stored {what} could not be read: {detail}")]
    Corrupt { what: &'static str, detail: String },
}

/// Store result.
pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Migrate(error)
    }
}

/// Connection settings beyond the URL.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// Longest one statement may run. PostgreSQL cancels it (`statement_timeout`); SQLite cannot stop a running
    /// statement, so there it bounds only the wait for a lock (`busy_timeout`, 10 s when unset). Migrations run
    /// without it.
    pub statement_timeout: Option<Duration>,
    /// Whether opening migrates the schema or only checks it.
    pub schema: SchemaPolicy,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: None,
            schema: SchemaPolicy::Migrate,
        }
    }
}

/// How long [`Store::ping`] waits: a health check must answer even when the database does not.
pub const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// SQLite's wait for a lock when no statement timeout is set, in milliseconds.
const DEFAULT_BUSY_TIMEOUT_MS: u64 = 10_000;

/// SQLite reads the file through a memory map of up to this size instead of a system call per page: with a
/// history of millions of contacts, those calls were most of a timeline read's time.
const SQLITE_MMAP_BYTES: u64 = 4 << 30;

/// Each SQLite connection's own page cache, in KiB.
const SQLITE_CACHE_KIB: u32 = 32 * 1024;

/// How often the write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Copies SQLite's write-ahead log into the database file in the background until the pool closes. Left to
/// itself SQLite does this inside whichever commit crosses the log's limit, and that request then waits for the
/// copy and its flush to disk. A passive checkpoint never blocks readers or writers.
async fn checkpoint_wal(pool: AnyPool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::warn!(%error, "checkpointing the write-ahead log failed; trying again");
        }
    }
}

/// What every new connection runs first.
fn connection_setup(kind: StoreKind, statement_timeout: Option<Duration>) -> Option<String> {
    let millis = statement_timeout.map(|t| t.as_millis().max(1));
    match kind {
        // WAL lets readers run beside the writer; NORMAL is durable across application crashes.
        StoreKind::Sqlite => Some(format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}; \
             PRAGMA mmap_size = {SQLITE_MMAP_BYTES}; PRAGMA cache_size = -{SQLITE_CACHE_KIB}; \
             PRAGMA wal_autocheckpoint = 0;",
            millis.unwrap_or(u128::from(DEFAULT_BUSY_TIMEOUT_MS))
        )),
        StoreKind::Postgres => millis.map(|ms| format!("SET statement_timeout = {ms}")),
    }
}

/// The contact history's database.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    kind: StoreKind,
    /// SQLite has one writer. Writers of this process queue here, in order, instead of meeting at the file lock,
    /// where a loser sleeps in SQLite's busy handler for up to tens of milliseconds before it tries again.
    write_gate: Arc<tokio::sync::Mutex<()>>,
    /// SQLite's reads off sqlx's worker threads; `None` on PostgreSQL.
    readers: Option<Arc<readers::Readers>>,
    /// The database URL as normalised, for a migration's connection of its own. It may hold a password: it is
    /// never printed.
    url: Arc<str>,
    /// Whether session writes keep the insight rollups; off only to measure what keeping them costs.
    insights: bool,
}

impl std::fmt::Debug for Store {
    /// Without the URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("kind", &self.kind).finish_non_exhaustive()
    }
}

/// A write transaction; on SQLite it also holds the process's write gate until it ends.
pub(crate) struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn rollback(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`.
    pub async fn open(url: &str) -> StoreResult<Self> {
        Self::open_with(url, &StoreOptions::default()).await
    }

    /// The same store, but session writes leave the insight rollups alone: for a benchmark to measure what keeping
    /// them costs. The rollups are then out of date until `insights rebuild`.
    #[must_use]
    pub fn without_insights(&self) -> Self {
        Self { insights: false, ..self.clone() }
    }

    /// Copies SQLite's write-ahead log into the database file and empties it (nothing on PostgreSQL). A bulk load
    /// calls it between batches: its writes come faster than the background checkpoints copy them, and the log
    /// would otherwise grow to many times the database.
    pub async fn checkpoint(&self) -> StoreResult<()> {
        if self.kind == StoreKind::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// [`Store::open`] with explicit pool settings and schema policy.
    pub async fn open_with(url: &str, options: &StoreOptions) -> StoreResult<Self> {
        let store = Self::connect(url, options).await?;
        match options.schema {
            SchemaPolicy::Migrate => {
                store.migrate_and_chain(options).await?;
            }
            SchemaPolicy::Require => store.require_schema().await?,
        }
        Ok(store)
    }

    /// Opens the database as its owner and brings the schema up to date: `medbetjening migrate`. Returns the
    /// store and the migration versions it applied.
    pub async fn migrate_url(url: &str, options: &StoreOptions) -> StoreResult<(Self, Vec<i64>)> {
        let store = Self::connect(url, &StoreOptions { schema: SchemaPolicy::Migrate, ..options.clone() }).await?;
        let applied = store.migrate_and_chain(options).await?;
        Ok((store, applied))
    }

    /// A pool over the database at `url`, with no schema work. A new SQLite file is made readable by its owner
    /// only, and only where the policy may create one.
    async fn connect(url: &str, options: &StoreOptions) -> StoreResult<Self> {
        install_default_drivers();
        let (kind, url) = normalise_url(url)?;
        match kind {
            StoreKind::Sqlite => prepare_sqlite_file(&sqlite_path(&url), options.schema)?,
            StoreKind::Postgres => {
                target::check_transport(&url, std::env::var("PGSSLMODE").ok().as_deref())?;
                target::probe(&url).await?;
            }
        }
        let on_connect = Arc::new(connection_setup(kind, options.statement_timeout));
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .after_connect(move |conn, _meta| {
                let on_connect = Arc::clone(&on_connect);
                Box::pin(async move {
                    if let Some(sql) = on_connect.as_deref() {
                        conn.execute(sql).await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let readers = match kind {
            StoreKind::Sqlite => {
                let busy = options.statement_timeout.unwrap_or(Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS));
                Some(Arc::new(readers::Readers::new(sqlite_path(&url), busy)))
            }
            StoreKind::Postgres => None,
        };
        let store =
            Self { pool, kind, write_gate: Arc::default(), readers, url: Arc::from(url.as_str()), insights: true };
        if kind == StoreKind::Sqlite {
            tokio::spawn(checkpoint_wal(store.pool.clone()));
        }
        Ok(store)
    }

    /// Migrates, then chains audit rows from before the chain existed. Both may rewrite whole tables: under a
    /// statement limit meant for requests they get a connection of their own without it.
    async fn migrate_and_chain(&self, options: &StoreOptions) -> StoreResult<Vec<i64>> {
        let unlimited = match (self.kind, options.statement_timeout) {
            (StoreKind::Postgres, Some(_)) => Some(Self {
                pool: AnyPoolOptions::new().max_connections(1).connect(&self.url).await?,
                kind: self.kind,
                write_gate: Arc::default(),
                readers: None,
                url: Arc::clone(&self.url),
                insights: true,
            }),
            _ => None,
        };
        let setup = unlimited.as_ref().unwrap_or(self);
        let applied = setup.migrate().await?;
        setup.chain_legacy_audit().await?;
        if let Some(unlimited) = unlimited {
            unlimited.close().await;
        }
        Ok(applied)
    }

    /// Which database this is.
    #[must_use]
    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    /// Whether the database answers a trivial query within [`PING_TIMEOUT`] (a stopped or unreachable database
    /// can otherwise hold the caller until the pool's acquire timeout, or longer).
    pub async fn ping(&self) -> bool {
        matches!(tokio::time::timeout(PING_TIMEOUT, sqlx::query("SELECT 1").execute(&self.pool)).await, Ok(Ok(_)))
    }

    /// Closes every connection (so a SQLite file can be checkpointed and copied).
    pub async fn close(&self) {
        if let Some(readers) = &self.readers {
            readers.close();
        }
        self.pool.close().await;
    }

    /// The connection pool. Within the crate for the store's own modules; public only so integration tests can
    /// tamper with rows the way an intruder with database access would.
    #[doc(hidden)]
    #[must_use]
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs a read and decodes each row: on SQLite through [`readers`], on PostgreSQL through the pool.
    pub(crate) async fn read_rows<T: Send + 'static>(
        &self,
        sql: Sql,
        decode: fn(&dyn Columns) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        match &self.readers {
            Some(readers) => readers.rows(sql, decode).await,
            None => sql.query().fetch_all(&self.pool).await?.iter().map(|row| decode(row)).collect(),
        }
    }

    /// Begins a transaction that will write. Every writing transaction starts here (see `write_gate`).
    pub(crate) async fn begin_write(&self) -> StoreResult<WriteTx> {
        let gate = match self.kind {
            StoreKind::Sqlite => Some(Arc::clone(&self.write_gate).lock_owned().await),
            StoreKind::Postgres => None,
        };
        Ok(WriteTx { tx: self.pool.begin().await?, _gate: gate })
    }
}

/// Accepts `sqlite:PATH` and `sqlite://PATH` (a path as it is written on this platform, `C:\…` on Windows) and
/// `postgres://…`; a SQLite file is created when missing.
fn normalise_url(url: &str) -> StoreResult<(StoreKind, String)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((StoreKind::Postgres, url.to_owned()));
    }
    let path =
        url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).ok_or(StoreError::UnsupportedUrl)?;
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mode = if query.contains("mode=") { String::new() } else { "mode=rwc".to_owned() };
    let params = [query, &mode].iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("&");
    Ok((StoreKind::Sqlite, format!("{}?{params}", crate::platform::sqlite_url(std::path::Path::new(path)))))
}

/// Makes sure a SQLite file may be opened under `policy`: created empty and owner-only when it may be created,
/// refused with instructions when it must already exist.
fn prepare_sqlite_file(path: &std::path::Path, policy: SchemaPolicy) -> StoreResult<()> {
    if path.exists() || path.as_os_str().is_empty() || path.as_os_str() == ":memory:" {
        return Ok(());
    }
    if policy == SchemaPolicy::Require {
        return Err(StoreError::NoSqliteFile(path.to_owned()));
    }
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    match file.open(path) {
        Ok(_) => {
            crate::platform::restrict_to_owner(path);
            Ok(())
        }
        // Another process made it first; what SQLite does next decides.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(StoreError::Database(sqlx::Error::Io(error))),
    }
}

/// The file behind a URL [`normalise_url`] made.
fn sqlite_path(url: &str) -> PathBuf {
    crate::platform::sqlite_path(url)
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
        assert_eq!(normalise_url("sqlite:/tmp/a.db").expect("ok").1, "sqlite:/tmp/a.db?mode=rwc");
        assert_eq!(normalise_url("sqlite://data.db?mode=ro").expect("ok").1, "sqlite:data.db?mode=ro");
        // A path as typed on Windows keeps its drive and reaches SQLite whole, wherever the URL is made.
        let windows = crate::platform::sqlite_url_from(r"C:\Users\Åse\h 1.sqlite", true);
        assert_eq!(windows, "sqlite:C:/Users/Åse/h%201.sqlite");
        assert_eq!(normalise_url("postgres://u@h/db").expect("ok").0, StoreKind::Postgres);
        assert!(normalise_url("mysql://x").is_err());
    }
}
