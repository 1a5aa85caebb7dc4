//! SQLite's hot reads on plain connections, off sqlx's worker threads.
//!
//! sqlx runs each SQLite connection on a thread of its own and hands every row of a result across a channel,
//! waking the reading task for each; under load those wake-ups and the rows' conversion to `Any` values cost
//! more than the query. Here a read runs in tokio's blocking pool on a read-only connection and is decoded
//! straight from SQLite's row, in one hop. Writes stay with sqlx, behind the store's write gate, so there is one
//! write path; in WAL mode each read here sees every transaction committed before it began.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::types::{ToSql, ToSqlOutput};
use rusqlite::{Connection, OpenFlags, params_from_iter};
use tokio::sync::Semaphore;

use super::sql::{Columns, Param, Sql};
use super::{StoreError, StoreResult};

/// A reader's page cache, in KiB. SQLite empties it whenever another connection has written since the last read,
/// which under load is nearly every read, so a large one only costs the emptying. For the same reason these
/// connections read with system calls, not a memory map: SQLite unmaps the whole file on each such change.
const READER_CACHE_KIB: u32 = 2 * 1024;

/// Reads at once: a little more than the cores, so a long text search does not hold up the short reads.
const READERS: usize = 6;

/// Read-only connections to one SQLite file, opened as needed.
#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    busy_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl Readers {
    pub(crate) fn new(path: PathBuf, busy_timeout: Duration) -> Self {
        Self { path, busy_timeout, idle: Mutex::default(), permits: Arc::new(Semaphore::new(READERS)) }
    }

    /// Runs `sql` and decodes every row with `decode`.
    pub(crate) async fn rows<T: Send + 'static>(
        self: &Arc<Self>,
        sql: Sql,
        decode: fn(&dyn Columns) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let permit = Arc::clone(&self.permits).acquire_owned().await.map_err(|_| StoreError::Closed)?;
        let readers = Arc::clone(self);
        let read = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let connection = readers.take()?;
            let result = run(&connection, &sql, decode);
            let mut idle = readers.idle.lock().unwrap_or_else(PoisonError::into_inner);
            if !readers.permits.is_closed() {
                idle.push(connection);
            }
            result
        });
        read.await.map_err(|_| StoreError::Closed)?
    }

    /// Closes the idle connections and refuses further reads, as the pool does once closed.
    pub(crate) fn close(&self) {
        self.permits.close();
        self.idle.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    fn take(&self) -> StoreResult<Connection> {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        match idle {
            Some(connection) => Ok(connection),
            None => self.open(),
        }
    }

    fn open(&self) -> StoreResult<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.busy_timeout(self.busy_timeout)?;
        connection.execute_batch(&format!("PRAGMA mmap_size = 0; PRAGMA cache_size = -{READER_CACHE_KIB};"))?;
        Ok(connection)
    }
}

fn run<T>(connection: &Connection, sql: &Sql, decode: fn(&dyn Columns) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    let mut statement = connection.prepare_cached(sql.text())?;
    // rusqlite finds a column by name with a case-insensitive scan of SQLite's names on every get; the names are
    // looked up once here instead.
    let names: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
    let mut rows = statement.query(params_from_iter(sql.params()))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(&Named { row, names: &names })?);
    }
    Ok(out)
}

/// A row whose columns are found by exact name.
struct Named<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    names: &'a [String],
}

impl Named<'_, '_> {
    fn get<T: rusqlite::types::FromSql>(&self, name: &str) -> StoreResult<T> {
        let index = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| StoreError::Corrupt { what: "query result", detail: format!("no column {name}") })?;
        Ok(self.row.get(index)?)
    }
}

impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Self::Int(value) => value.to_sql(),
            Self::Text(value) => value.to_sql(),
            Self::OptText(value) => value.to_sql(),
        }
    }
}

impl Columns for Named<'_, '_> {
    fn text(&self, name: &str) -> StoreResult<String> {
        self.get(name)
    }

    fn opt_text(&self, name: &str) -> StoreResult<Option<String>> {
        self.get(name)
    }

    fn int(&self, name: &str) -> StoreResult<i64> {
        self.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::store::Store;

    #[tokio::test]
    async fn a_read_sees_what_the_pool_just_committed_with_numbered_parameters_in_order() {
        let dir = tempfile::tempdir().expect("a directory");
        let store = Store::open(&format!("sqlite:{}", dir.path().join("r.sqlite").display())).await.expect("store");
        sqlx::query("CREATE TABLE t (a INTEGER, b TEXT)").execute(store.pool()).await.expect("table");
        sqlx::query("INSERT INTO t VALUES (1, 'x'), (2, 'y'), (3, 'y')").execute(store.pool()).await.expect("rows");
        let mut sql = Sql::new("SELECT a, b FROM t WHERE b = ");
        sql.bind(Param::Text("y".into())).push(" AND a >= ").bind(Param::Int(3));
        let rows = store.read_rows(sql, |row| Ok((row.int("a")?, row.text("b")?))).await.expect("a read");
        assert_eq!(rows, vec![(3, "y".to_owned())]);
        let missing = store.read_rows(Sql::new("SELECT a FROM t"), |row| row.text("nope")).await;
        assert!(matches!(missing, Err(StoreError::Corrupt { .. })), "{missing:?}");
        store.close().await;
        let closed = store.read_rows(Sql::new("SELECT a FROM t"), |row| row.int("a")).await;
        assert!(matches!(closed, Err(StoreError::Closed)), "{closed:?}");
    }
}
