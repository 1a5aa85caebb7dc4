//! Pruning the audit log without losing the chain: rows older than a cutoff are deleted, and a checkpoint signed
//! with HMAC-SHA256, under a key kept outside the database, records where the chain continues. Verification starts
//! from the newest checkpoint, so someone who can write to the database cannot hide deleted rows behind a
//! checkpoint of their own without the key.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Months, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{AnyConnection, Row};

use super::audit_chain::{ChainBreak, field, lock_head};
use super::{Store, StoreError, StoreResult, from_micros, to_micros};

/// Names and versions the encoding a checkpoint's signature covers.
const CHECKPOINT_ENCODING: &str = "medbetjening audit checkpoint v1";

/// The size of a new checkpoint key, and the least a key file must hold.
pub const KEY_BYTES: usize = 32;

/// Where the chain continues after a prune, signed so it cannot be forged without the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The last pruned row.
    pub seq: i64,
    /// That row's hash: the `prev_hash` of the first row kept.
    pub hash: String,
    /// How many rows this prune deleted.
    pub pruned: i64,
    /// Rows older than this were pruned (UTC, whole microseconds).
    pub cutoff: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// HMAC-SHA256 over the canonical encoding of the fields above, lowercase hex.
    pub signature: String,
}

impl Checkpoint {
    /// The canonical encoding (version 1): tag, seq, hash, pruned, cutoff and `created_at` (UTC microseconds).
    fn message(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(160);
        field(&mut out, CHECKPOINT_ENCODING);
        field(&mut out, &self.seq.to_string());
        field(&mut out, &self.hash);
        field(&mut out, &self.pruned.to_string());
        field(&mut out, &to_micros(self.cutoff).to_string());
        field(&mut out, &to_micros(self.created_at).to_string());
        out
    }

    fn signed(
        seq: i64,
        hash: String,
        pruned: i64,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
        key: &CheckpointKey,
    ) -> Self {
        // Times as they will be stored, so the signature covers exactly what is read back.
        let (cutoff, created_at) = (from_micros(to_micros(cutoff)), from_micros(to_micros(now)));
        let mut checkpoint = Self { seq, hash, pruned, cutoff, created_at, signature: String::new() };
        let mut mac = key.mac();
        mac.update(&checkpoint.message());
        checkpoint.signature = hex::encode(mac.finalize().into_bytes());
        checkpoint
    }

    /// Whether the signature is this checkpoint's under `key` (compared in constant time).
    #[must_use]
    pub fn signature_matches(&self, key: &CheckpointKey) -> bool {
        let Ok(signature) = hex::decode(&self.signature) else { return false };
        let mut mac = key.mac();
        mac.update(&self.message());
        mac.verify_slice(&signature).is_ok()
    }
}

/// The newest checkpoint, where verification starts.
pub(crate) async fn newest_checkpoint(conn: &mut AnyConnection) -> StoreResult<Option<Checkpoint>> {
    let row = sqlx::query(
        "SELECT seq, hash, pruned, cutoff, created_at, signature FROM audit_checkpoints ORDER BY seq DESC LIMIT 1",
    )
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Checkpoint {
            seq: row.try_get("seq")?,
            hash: row.try_get("hash")?,
            pruned: row.try_get("pruned")?,
            cutoff: from_micros(row.try_get("cutoff")?),
            created_at: from_micros(row.try_get("created_at")?),
            signature: row.try_get("signature")?,
        })
    })
    .transpose()
}

/// The secret checkpoints are signed with. Kept outside the database, so write access to it is not enough to
/// forge a checkpoint.
pub struct CheckpointKey(Vec<u8>);

impl fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CheckpointKey(…)")
    }
}

/// A key file that cannot be used. The messages follow the file's name.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("could not be read: {0}")]
    Read(std::io::Error),
    #[error("could not be created: {0}")]
    Create(std::io::Error),
    #[error("holds {0} bytes; a checkpoint key has at least {KEY_BYTES}")]
    TooShort(usize),
    #[error("the operating system gave no random bytes: {0}")]
    Random(String),
}

impl CheckpointKey {
    /// A key from its bytes (at least [`KEY_BYTES`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyFileError> {
        if bytes.len() < KEY_BYTES {
            return Err(KeyFileError::TooShort(bytes.len()));
        }
        Ok(Self(bytes.to_vec()))
    }

    /// Reads the key file: its bytes are the key.
    pub fn read(path: &Path) -> Result<Self, KeyFileError> {
        Self::from_bytes(&std::fs::read(path).map_err(KeyFileError::Read)?)
    }

    /// Reads the key file, or creates it with [`KEY_BYTES`] random bytes, readable by its owner only. The flag
    /// says whether it was created.
    pub fn read_or_create(path: &Path) -> Result<(Self, bool), KeyFileError> {
        let mut bytes = [0u8; KEY_BYTES];
        getrandom::fill(&mut bytes).map_err(|e| KeyFileError::Random(e.to_string()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        // `create_new` rather than a check first: two prunes starting at once must not each write a key.
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(KeyFileError::Create)?;
                crate::platform::restrict_to_owner(path);
                Ok((Self(bytes.to_vec()), true))
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok((Self::read(path)?, false)),
            Err(error) => Err(KeyFileError::Create(error)),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length")
    }
}

/// How old audit rows must be to be pruned: a whole number and a unit, e.g. `180d`, `26w`, `6months` or `1y`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAge {
    Days(u32),
    /// Calendar months (a year is 12).
    Months(u32),
}

/// Text that is not an [`AuditAge`].
#[derive(Debug, thiserror::Error)]
#[error(
    "'{0}' is not an age: give a whole number above zero and a unit, e.g. 180d, 26w, 6months or 1y (at most 100 years)"
)]
pub struct AgeError(String);

impl FromStr for AuditAge {
    type Err = AgeError;

    fn from_str(text: &str) -> Result<Self, AgeError> {
        let invalid = || AgeError(text.to_owned());
        let trimmed = text.trim();
        let (number, unit) = trimmed.split_at(trimmed.find(|c: char| !c.is_ascii_digit()).unwrap_or(trimmed.len()));
        let number: u32 = number.parse().map_err(|_| invalid())?;
        let age = match unit.trim().to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => Self::Days(number),
            "w" | "week" | "weeks" => Self::Days(number.checked_mul(7).ok_or_else(invalid)?),
            "mo" | "month" | "months" => Self::Months(number),
            "y" | "year" | "years" => Self::Months(number.checked_mul(12).ok_or_else(invalid)?),
            _ => return Err(invalid()),
        };
        let sensible = match age {
            Self::Days(days) => (1..=36_525).contains(&days),
            Self::Months(months) => (1..=1_200).contains(&months),
        };
        if sensible { Ok(age) } else { Err(invalid()) }
    }
}

impl AuditAge {
    /// The cutoff: `now` minus this age (months on the calendar).
    #[must_use]
    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Self::Days(days) => now - TimeDelta::days(i64::from(days)),
            Self::Months(months) => now.checked_sub_months(Months::new(months)).unwrap_or(DateTime::<Utc>::MIN_UTC),
        }
    }
}

impl fmt::Display for AuditAge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Days(days) => write!(f, "{days} days"),
            Self::Months(months) => write!(f, "{months} months"),
        }
    }
}

/// What [`Store::prune_audit`] did.
#[derive(Clone, Debug)]
pub enum PruneOutcome {
    /// Rows were deleted and this checkpoint written.
    Pruned(Checkpoint),
    /// The chain does not start with a row older than the cutoff; nothing was deleted.
    NothingOlder,
    /// The chain is broken here; nothing was deleted, so the evidence stays for whoever investigates.
    Refused(ChainBreak),
}

impl Store {
    /// Deletes the audit rows older than `cutoff` from the start of the chain (the longest run of them, so the
    /// rest stays one chain) and writes a checkpoint signed with `key`. Refuses while the chain is broken.
    pub async fn prune_audit(
        &self,
        cutoff: DateTime<Utc>,
        key: &CheckpointKey,
        now: DateTime<Utc>,
    ) -> StoreResult<PruneOutcome> {
        // Deleting rows of a broken chain would destroy the evidence of what broke it.
        if let Some(broken) = self.verify_audit(Some(key)).await?.broken {
            return Ok(PruneOutcome::Refused(broken));
        }
        let mut tx = self.begin_write().await?;
        // The appends' lock, so no row is added to the chain while its start is cut off.
        lock_head(&mut tx).await?;
        let start = newest_checkpoint(&mut tx).await?.map_or(0, |c| c.seq);
        let first_kept: Option<i64> = sqlx::query_scalar("SELECT MIN(seq) FROM audit WHERE seq > $1 AND at >= $2")
            .bind(start)
            .bind(to_micros(cutoff))
            .fetch_one(&mut *tx)
            .await?;
        let last = match first_kept {
            Some(seq) => seq - 1,
            None => sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM audit WHERE seq > $1")
                .bind(start)
                .fetch_one(&mut *tx)
                .await?
                .unwrap_or(start),
        };
        if last <= start {
            tx.rollback().await?;
            return Ok(PruneOutcome::NothingOlder);
        }
        let hash: Option<String> = sqlx::query_scalar("SELECT hash FROM audit WHERE seq = $1")
            .bind(last)
            .fetch_optional(&mut *tx)
            .await?
            .flatten();
        let hash = hash.ok_or_else(|| StoreError::Corrupt { what: "audit chain", detail: format!("row {last}") })?;
        let pruned: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit WHERE seq > $1 AND seq <= $2")
            .bind(start)
            .bind(last)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM audit_subjects WHERE audit_id IN (SELECT id FROM audit WHERE seq <= $1)")
            .bind(last)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM audit WHERE seq <= $1").bind(last).execute(&mut *tx).await?;
        let checkpoint = Checkpoint::signed(last, hash, pruned, cutoff, now, key);
        sqlx::query(
            "INSERT INTO audit_checkpoints (seq, hash, pruned, cutoff, created_at, signature) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(checkpoint.seq)
        .bind(&checkpoint.hash)
        .bind(checkpoint.pruned)
        .bind(to_micros(checkpoint.cutoff))
        .bind(to_micros(checkpoint.created_at))
        .bind(&checkpoint.signature)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(PruneOutcome::Pruned(checkpoint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_parse_and_nonsense_is_refused() {
        let ok = [
            ("6months", AuditAge::Months(6)),
            ("180d", AuditAge::Days(180)),
            ("1y", AuditAge::Months(12)),
            (" 26 weeks ", AuditAge::Days(182)),
            ("2 Years", AuditAge::Months(24)),
            ("1mo", AuditAge::Months(1)),
        ];
        for (text, age) in ok {
            assert_eq!(text.parse::<AuditAge>().expect(text), age, "{text}");
        }
        for text in ["", "6", "months", "0d", "-1y", "6 parsecs", "1.5y", "6m", "101y", "99999999999d", "1y2d"] {
            let error = text.parse::<AuditAge>().expect_err(text).to_string();
            assert!(error.contains("180d, 26w, 6months or 1y"), "{text}: {error}");
        }
    }

    #[test]
    fn cutoffs_count_calendar_months() {
        let now = DateTime::parse_from_rfc3339("2026-08-31T12:00:00Z").expect("time").to_utc();
        assert_eq!(AuditAge::Months(6).cutoff(now).to_rfc3339(), "2026-02-28T12:00:00+00:00");
        assert_eq!(AuditAge::Days(1).cutoff(now).to_rfc3339(), "2026-08-30T12:00:00+00:00");
    }

    #[test]
    fn a_signature_holds_only_for_its_key_and_content() {
        let key = CheckpointKey::from_bytes(&[1; KEY_BYTES]).expect("key");
        let now = Utc::now();
        let checkpoint = Checkpoint::signed(5, "ab".repeat(32), 5, now, now, &key);
        assert!(checkpoint.signature_matches(&key));
        assert!(!checkpoint.signature_matches(&CheckpointKey::from_bytes(&[2; KEY_BYTES]).expect("key")));
        let moved = Checkpoint { seq: 6, ..checkpoint.clone() };
        assert!(!moved.signature_matches(&key));
        assert!(matches!(CheckpointKey::from_bytes(&[1; 16]), Err(KeyFileError::TooShort(16))));
    }

    #[test]
    fn a_new_key_file_is_private_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("audit.key");
        let (key, created) = CheckpointKey::read_or_create(&path).expect("created");
        assert!(created);
        assert_eq!(std::fs::read(&path).expect("read").len(), KEY_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
        }
        let (again, created) = CheckpointKey::read_or_create(&path).expect("read");
        assert!(!created);
        assert_eq!(again.0, key.0);
    }
}
