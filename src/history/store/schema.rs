//! The schema's version, and the one step that changes it.
//!
//! A shared deployment migrates once, as the database's owner (`medbetjening migrate`), and runs the service as a
//! role that may only read and write rows; so every other command checks that the schema is exactly the one this
//! program was built for and refuses, saying what to do, when it is older or newer. The embedded demo store and
//! tests migrate on open, since nobody else uses their files.

use sqlx::Row;
use sqlx::migrate::Migrator;

use super::{Store, StoreError, StoreKind, StoreResult};

static SQLITE: Migrator = sqlx::migrate!("src/history/store/migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("src/history/store/migrations/postgres");

/// What opening a store does about the schema.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SchemaPolicy {
    /// Bring the schema up to date (the embedded demo store, tests, `medbetjening migrate`).
    #[default]
    Migrate,
    /// Only check that it is this program's version; never change it (every command on a shared store).
    Require,
}

/// Why the schema does not fit this program. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "the database has no Medbetjening schema yet: run `medbetjening migrate --database …` once, as the \
         database's owner, before starting anything else"
    )]
    Missing,
    #[error(
        "the database schema is at version {database}, and this program needs version {program}: run \
         `medbetjening migrate --database …` (as the database's owner) before starting this version"
    )]
    Behind { database: i64, program: i64 },
    #[error(
        "the database schema is at version {database}, newer than this program knows ({program}): start the \
         newer program, or restore the database from before its upgrade"
    )]
    Ahead { database: i64, program: i64 },
}

fn migrator(kind: StoreKind) -> &'static Migrator {
    match kind {
        StoreKind::Sqlite => &SQLITE,
        StoreKind::Postgres => &POSTGRES,
    }
}

/// The newest schema version this program knows.
#[must_use]
pub fn program_version(kind: StoreKind) -> i64 {
    migrator(kind).iter().map(|m| m.version).max().unwrap_or_default()
}

impl Store {
    /// Applies the migrations this program has and the database lacks; returns the versions applied.
    pub(super) async fn migrate(&self) -> StoreResult<Vec<i64>> {
        let before = self.applied_versions().await?;
        migrator(self.kind).run(self.pool()).await?;
        let after = self.applied_versions().await?;
        Ok(after.into_iter().filter(|v| !before.contains(v)).collect())
    }

    /// Refuses a schema that is not exactly this program's.
    pub(super) async fn require_schema(&self) -> StoreResult<()> {
        let applied = self.applied_versions().await?;
        let program = program_version(self.kind);
        let database = applied.iter().copied().max();
        let known: Vec<i64> = migrator(self.kind).iter().map(|m| m.version).collect();
        match database {
            None => Err(SchemaError::Missing.into()),
            Some(database) if applied.iter().any(|v| !known.contains(v)) || database > program => {
                Err(SchemaError::Ahead { database, program }.into())
            }
            Some(database) if known.iter().any(|v| !applied.contains(v)) => {
                Err(SchemaError::Behind { database, program }.into())
            }
            Some(_) => Ok(()),
        }
    }

    /// The migrations applied to the database, oldest first; none where the table of them does not exist.
    async fn applied_versions(&self) -> StoreResult<Vec<i64>> {
        let exists = match self.kind {
            StoreKind::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            StoreKind::Postgres => "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = '_sqlx_migrations'",
        };
        let tables: i64 = sqlx::query(exists).fetch_one(self.pool()).await?.try_get(0)?;
        if tables == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|row| Ok(row.try_get::<i64, _>(0)?)).collect::<Result<_, StoreError>>()
    }
}

impl From<SchemaError> for StoreError {
    fn from(error: SchemaError) -> Self {
        Self::Schema(error)
    }
}

#[cfg(test)]
mod tests {
    /// sqlx checksums the raw bytes: a migration checked out with CRLF is "modified" to a database migrated from
    /// an LF checkout (`.gitattributes` keeps them LF).
    #[test]
    fn every_migration_file_has_lf_line_endings_only() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/history/store/migrations");
        let mut checked = 0;
        for kind in ["sqlite", "postgres"] {
            for entry in std::fs::read_dir(root.join(kind)).expect("migrations").flatten() {
                let bytes = std::fs::read(entry.path()).expect("read");
                assert!(!bytes.contains(&b'\r'), "{} has CR line endings", entry.path().display());
                checked += 1;
            }
        }
        assert!(checked >= 8, "found the migrations ({checked})");
    }
}
