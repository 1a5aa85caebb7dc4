//! The audit log as a hash chain. Each row's hash covers a canonical encoding of its content and the hash of the
//! row before it, so a row changed, deleted or slipped in after the fact shows up when [`Store::verify_audit`]
//! recomputes the chain.
//!
//! Appends are serialised on the single `audit_chain_head` row, which every appending transaction updates before it
//! reads anything: in PostgreSQL the row lock makes a second instance wait until the first has committed; in
//! SQLite the first statement being a write takes the database's writer lock at once (what `BEGIN IMMEDIATE`
//! does), so no append ever works from a stale head. The same SQL on both.
//!
//! Rows written before the chain existed carry no `seq`; the store chains them, oldest first, the first time an
//! upgraded database is opened (the migration counts them in `legacy_rows`). From then on a row without a place
//! in the chain can only have been written around the store, and verification reports it.

use std::fmt;

use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use super::audit_prune::{Checkpoint, CheckpointKey, newest_checkpoint};
use super::sql::{Param, Sql};
use super::{Store, StoreKind, StoreResult, parse_uuid};

/// The `prev_hash` of the first row ever written.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Names and versions the encoding a row's hash covers. A new encoding gets a new tag, never a changed meaning.
const ROW_ENCODING: &str = "medbetjening audit row v1";

/// Rows read per query while walking the chain, so memory stays flat however long the log is.
const PAGE: i64 = 1_000;

const SELECT_ROWS: &str = "SELECT id, seq, at, staff_id, action, purpose, criterion, prev_hash, hash FROM audit WHERE ";

/// An audit row's content as stored: what its hash covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChainRow {
    pub seq: i64,
    pub id: String,
    /// UTC microseconds.
    pub at: i64,
    pub staff_id: String,
    pub action: String,
    pub purpose: String,
    pub criterion: Option<String>,
    /// The subjects' ids, sorted and without duplicates.
    pub subjects: Vec<String>,
    pub prev_hash: String,
}

/// Appends `text` as a netstring (`LEN:TEXT,`), so no field's content can run into the next one.
pub(crate) fn field(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.len().to_string().as_bytes());
    out.push(b':');
    out.extend_from_slice(text.as_bytes());
    out.push(b',');
}

impl ChainRow {
    /// The canonical encoding (version 1): tag, seq, id, at, staff, action, purpose, criterion (`-` when absent,
    /// `+` and the text when present), the number of subjects and each subject, `prev_hash`; each a netstring.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        field(&mut out, ROW_ENCODING);
        field(&mut out, &self.seq.to_string());
        field(&mut out, &self.id);
        field(&mut out, &self.at.to_string());
        field(&mut out, &self.staff_id);
        field(&mut out, &self.action);
        field(&mut out, &self.purpose);
        match &self.criterion {
            None => out.push(b'-'),
            Some(criterion) => {
                out.push(b'+');
                field(&mut out, criterion);
            }
        }
        field(&mut out, &self.subjects.len().to_string());
        for subject in &self.subjects {
            field(&mut out, subject);
        }
        field(&mut out, &self.prev_hash);
        out
    }

    /// SHA-256 of the canonical encoding, lowercase hex.
    pub(crate) fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.encode()))
    }
}

/// Subject ids in the chain's fixed order: sorted text, duplicates dropped (the table keeps each once).
pub(crate) fn canonical_subjects(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut ids: Vec<String> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Takes the chain's lock and the next `count` places in it, returning the last of those seqs and the hash the
/// first must link to. Must be the first statement of the transaction (see the module documentation).
pub(crate) async fn claim_many(conn: &mut AnyConnection, count: i64) -> StoreResult<(i64, String)> {
    let row = sqlx::query("UPDATE audit_chain_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
        .bind(count)
        .fetch_one(conn)
        .await?;
    Ok((row.try_get("seq")?, row.try_get("hash")?))
}

/// Takes the chain's lock without moving it: `(seq, hash, legacy_rows)`. The first statement of the transaction.
pub(crate) async fn lock_head(conn: &mut AnyConnection) -> StoreResult<(i64, String, i64)> {
    let row = sqlx::query("UPDATE audit_chain_head SET seq = seq WHERE id = 1 RETURNING seq, hash, legacy_rows")
        .fetch_one(conn)
        .await?;
    Ok((row.try_get("seq")?, row.try_get("hash")?, row.try_get("legacy_rows")?))
}

/// Records the newest row's hash in the head, inside the appending transaction.
pub(crate) async fn set_head_hash(conn: &mut AnyConnection, hash: &str) -> StoreResult<()> {
    sqlx::query("UPDATE audit_chain_head SET hash = $1 WHERE id = 1").bind(hash).execute(conn).await?;
    Ok(())
}

/// A stored row: its content, and the hash stored with it (absent on a row outside the chain).
struct StoredRow {
    row: ChainRow,
    hash: Option<String>,
}

/// Loads the rows `sql` selects (built on [`SELECT_ROWS`]) with their subjects, in the order it asks for.
async fn load_rows(conn: &mut AnyConnection, sql: &Sql) -> StoreResult<Vec<StoredRow>> {
    let rows = sql.query().fetch_all(&mut *conn).await?;
    let mut loaded = Vec::with_capacity(rows.len());
    for row in &rows {
        loaded.push(StoredRow {
            row: ChainRow {
                seq: row.try_get::<Option<i64>, _>("seq")?.unwrap_or(0),
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                staff_id: row.try_get("staff_id")?,
                action: row.try_get("action")?,
                purpose: row.try_get("purpose")?,
                criterion: row.try_get("criterion")?,
                subjects: Vec::new(),
                prev_hash: row.try_get::<Option<String>, _>("prev_hash")?.unwrap_or_default(),
            },
            hash: row.try_get("hash")?,
        });
    }
    if loaded.is_empty() {
        return Ok(loaded);
    }
    let mut subjects = Sql::new("SELECT audit_id, citizen_id FROM audit_subjects WHERE audit_id IN ");
    subjects.bind_list(loaded.iter().map(|s| Param::Text(s.row.id.clone())));
    let mut by_row: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for row in subjects.query().fetch_all(&mut *conn).await? {
        by_row.entry(row.try_get("audit_id")?).or_default().push(row.try_get("citizen_id")?);
    }
    for stored in &mut loaded {
        stored.row.subjects = canonical_subjects(by_row.remove(&stored.row.id).unwrap_or_default());
    }
    Ok(loaded)
}

/// Why the chain is broken where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainProblem {
    /// The row's content, or the hash stored with it, no longer matches: it was changed after it was written.
    ContentChanged,
    /// The row's `prev_hash` is not the hash of the row before it: that row was rewritten, or this link was.
    LinkBroken,
    /// This row and the `count - 1` after it are gone.
    Missing { count: i64 },
    /// The newest checkpoint's signature does not match under the key given: forged, altered, or another key.
    CheckpointForged,
    /// The chain head (the newest row's seq and hash, kept apart) disagrees with the newest row: rows at the end
    /// were removed and the head wound back, or the newest row was rewritten with a fresh hash.
    HeadMismatch,
    /// A row with no place in the chain, or with a place a checkpoint says was pruned: written around the store.
    OutsideChain,
}

/// The first place the chain is broken: the row's seq (when it has one), its id (when it still exists) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: Option<i64>,
    pub id: Option<uuid::Uuid>,
    pub problem: ChainProblem,
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seq = self.seq.unwrap_or_default();
        let id = self.id.map(|id| format!(" (id {id})")).unwrap_or_default();
        match self.problem {
            ChainProblem::ContentChanged => write!(f, "row {seq}{id}: its content was changed after it was written"),
            ChainProblem::LinkBroken => write!(
                f,
                "row {seq}{id}: it does not link to the row before it (that row, or this link, was rewritten)"
            ),
            ChainProblem::Missing { count: 1 } => write!(f, "row {seq} is missing: it was deleted"),
            ChainProblem::Missing { count } => {
                write!(f, "rows {seq} to {} are missing: they were deleted", seq + count - 1)
            }
            ChainProblem::CheckpointForged => write!(
                f,
                "the checkpoint at row {seq}: its signature does not match the key (forged, altered, or another key)"
            ),
            ChainProblem::HeadMismatch => write!(
                f,
                "row {seq}{id}: the chain head disagrees with this newest row (rows at the end were removed, or the \
                 row was rewritten)"
            ),
            ChainProblem::OutsideChain => {
                write!(f, "a row{id} outside the chain: written around the service, or after a pruned range")
            }
        }
    }
}

/// Whether the newest checkpoint's signature was checked, and how that went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// No key was given.
    NotChecked,
    Invalid,
}

/// What [`Store::verify_audit`] found.
#[derive(Clone, Debug)]
pub struct AuditVerification {
    /// Rows recomputed and found in order, before the first break (all of them when the chain is intact).
    pub rows: u64,
    /// The chain head as stored: the newest row's seq and hash. Kept elsewhere (a job log, a ticket), it lets a
    /// later check see whether the chain up to it was rewritten as a whole.
    pub head: (i64, String),
    /// The newest checkpoint, where verification started, and its signature check.
    pub checkpoint: Option<(Checkpoint, SignatureCheck)>,
    /// The first break; `None` when the chain is intact.
    pub broken: Option<ChainBreak>,
}

impl AuditVerification {
    /// Whether the chain is intact.
    #[must_use]
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

fn break_at(seq: i64, id: Option<&str>, problem: ChainProblem) -> StoreResult<Option<ChainBreak>> {
    let id = id.map(|id| parse_uuid(id, "audit id")).transpose()?;
    Ok(Some(ChainBreak { seq: Some(seq), id, problem }))
}

/// Walks the chain from the newest checkpoint (or the start) to the head; see [`Store::verify_audit`].
async fn walk(conn: &mut AnyConnection, key: Option<&CheckpointKey>) -> StoreResult<AuditVerification> {
    let head = sqlx::query("SELECT seq, hash FROM audit_chain_head WHERE id = 1").fetch_one(&mut *conn).await?;
    let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    let mut report = AuditVerification { rows: 0, head: (head_seq, head_hash.clone()), checkpoint: None, broken: None };
    let (mut expected_seq, mut expected_prev) = (1, GENESIS.to_owned());
    if let Some(checkpoint) = newest_checkpoint(conn).await? {
        let signature = match key {
            None => SignatureCheck::NotChecked,
            Some(key) if checkpoint.signature_matches(key) => SignatureCheck::Valid,
            Some(_) => SignatureCheck::Invalid,
        };
        (expected_seq, expected_prev) = (checkpoint.seq + 1, checkpoint.hash.clone());
        let seq = checkpoint.seq;
        report.checkpoint = Some((checkpoint, signature));
        if signature == SignatureCheck::Invalid {
            report.broken = break_at(seq, None, ChainProblem::CheckpointForged)?;
            return Ok(report);
        }
    }
    let start = expected_seq - 1;
    let mut last_id = None;
    loop {
        let mut sql = Sql::new(SELECT_ROWS);
        sql.push("seq >= ").bind(Param::Int(expected_seq)).push(" ORDER BY seq LIMIT ").bind(Param::Int(PAGE));
        let page = load_rows(conn, &sql).await?;
        if page.is_empty() {
            break;
        }
        for StoredRow { row, hash } in page {
            let problem = if row.seq != expected_seq {
                report.broken = break_at(expected_seq, None, ChainProblem::Missing { count: row.seq - expected_seq })?;
                return Ok(report);
            } else if hash.as_deref() != Some(row.hash().as_str()) {
                ChainProblem::ContentChanged
            } else if row.prev_hash != expected_prev {
                ChainProblem::LinkBroken
            } else {
                (expected_seq, expected_prev) = (row.seq + 1, hash.unwrap_or_default());
                report.rows += 1;
                last_id = Some(row.id);
                continue;
            };
            report.broken = break_at(row.seq, Some(&row.id), problem)?;
            return Ok(report);
        }
    }
    let last_seq = expected_seq - 1;
    if head_seq > last_seq {
        report.broken = break_at(last_seq + 1, None, ChainProblem::Missing { count: head_seq - last_seq })?;
    } else if head_seq < last_seq || head_hash != expected_prev {
        report.broken = break_at(last_seq, last_id.as_deref(), ChainProblem::HeadMismatch)?;
    } else if let Some(stray) =
        sqlx::query("SELECT id FROM audit WHERE seq IS NULL OR seq <= $1 ORDER BY at, id LIMIT 1")
            .bind(start)
            .fetch_optional(&mut *conn)
            .await?
    {
        let id = parse_uuid(&stray.try_get::<String, _>("id")?, "audit id")?;
        report.broken = Some(ChainBreak { seq: None, id: Some(id), problem: ChainProblem::OutsideChain });
    }
    Ok(report)
}

impl Store {
    /// Recomputes the audit chain from the newest checkpoint (or the first row) to the head and reports the first
    /// break. With `key`, the checkpoint's signature is checked; without it, the report says it was not.
    ///
    /// Runs in one read transaction (repeatable read in PostgreSQL), so appends and prunes beside it cannot look
    /// like breaks.
    pub async fn verify_audit(&self, key: Option<&CheckpointKey>) -> StoreResult<AuditVerification> {
        let mut tx = self.pool().begin().await?;
        if self.kind() == StoreKind::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        }
        let report = walk(&mut tx, key).await;
        tx.rollback().await?;
        report
    }

    /// Chains rows written before the chain existed, oldest first, after the current head. Runs when the store
    /// opens and does nothing once they are chained.
    pub(crate) async fn chain_legacy_audit(&self) -> StoreResult<()> {
        let pending: i64 =
            sqlx::query_scalar("SELECT legacy_rows FROM audit_chain_head WHERE id = 1").fetch_one(self.pool()).await?;
        if pending == 0 {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let (mut seq, mut prev_hash, pending) = lock_head(&mut tx).await?;
        if pending == 0 {
            // Another instance chained them while this one waited for the lock.
            return tx.rollback().await;
        }
        let mut sql = Sql::new(SELECT_ROWS);
        sql.push("seq IS NULL ORDER BY at, id LIMIT ").bind(Param::Int(PAGE));
        loop {
            let page = load_rows(&mut tx, &sql).await?;
            if page.is_empty() {
                break;
            }
            for StoredRow { mut row, .. } in page {
                seq += 1;
                row.seq = seq;
                row.prev_hash = prev_hash;
                let hash = row.hash();
                sqlx::query("UPDATE audit SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
                    .bind(seq)
                    .bind(&row.prev_hash)
                    .bind(&hash)
                    .bind(&row.id)
                    .execute(&mut *tx)
                    .await?;
                prev_hash = hash;
            }
        }
        sqlx::query("UPDATE audit_chain_head SET seq = $1, hash = $2, legacy_rows = 0 WHERE id = 1")
            .bind(seq)
            .bind(&prev_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> ChainRow {
        ChainRow {
            seq: 7,
            id: "0190a1b2-0000-7000-8000-000000000001".into(),
            at: 1_767_254_400_000_000,
            staff_id: "6f1c2d3e-0000-4000-8000-000000000002".into(),
            action: "search".into(),
            purpose: "counter_visit".into(),
            criterion: Some("name:Ab".into()),
            subjects: canonical_subjects(["b".to_owned(), "a".to_owned(), "b".to_owned()]),
            prev_hash: GENESIS.into(),
        }
    }

    #[test]
    fn the_encoding_is_pinned() {
        // Changing the encoding would break every stored chain: a new encoding needs a new version tag.
        assert_eq!(row().hash(), "be5a0412e4993a3fd62769532881e6ce511f202a7450321db67fed9c6ba843e9");
    }

    #[test]
    fn every_field_counts_and_fields_cannot_run_together() {
        let base = row().hash();
        let edits: [fn(&mut ChainRow); 10] = [
            |r| r.seq += 1,
            |r| r.id.push('0'),
            |r| r.staff_id.push('0'),
            |r| r.at += 1,
            |r| r.action = "export".into(),
            |r| r.purpose = "training".into(),
            |r| r.criterion = None,
            |r| r.criterion = Some(String::new()),
            |r| r.subjects.truncate(1),
            |r| r.prev_hash = "1".repeat(64),
        ];
        for edit in edits {
            let mut edited = row();
            edit(&mut edited);
            assert_ne!(edited.hash(), base);
        }
        // A criterion that ends where the next field begins does not collide with a shorter one.
        let (mut a, mut b) = (row(), row());
        a.criterion = Some("x,1:".into());
        b.criterion = Some("x".into());
        assert_ne!(a.hash(), b.hash());
        assert_eq!(row().subjects, vec!["a".to_owned(), "b".to_owned()]);
    }
}
