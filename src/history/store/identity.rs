//! One person, two records: merging them, undoing the merge, and following a merged record to the one it went to.
//!
//! A merge moves the `from` record's events, sessions, cases and identifiers to the `into` record and marks `from`
//! as merged into it. `from` is kept, not deleted, and the merge writes down exactly which rows it moved
//! (`merge_rows`, `merge_identifiers`, `merge_cases`), so an undo moves exactly those back and `from` is a record
//! of its own again. Contacts that arrive for the person after the merge stay with `into` on undo: they were
//! addressed to the merged person, and nothing says which of the two records they belong to.
//!
//! Every write for a citizen goes through [`live_citizen_on`], which locks the citizen's row and follows a merge.
//! So a write racing a merge either finishes before the merge moves rows (and is moved with them) or sees the
//! merge and lands on the target, on both databases.

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use uuid::Uuid;

use super::events::{EVENT_COLUMNS, event_from_row, update_case};
use super::{Store, StoreError, StoreResult, from_micros, parse_uuid, to_micros};
use crate::domain::{CitizenId, StaffId};
use crate::history::api::MergeCounts;

/// How many merges a record id is followed through, at most (a merged record's target may itself be merged).
const MAX_MERGE_HOPS: usize = 16;

/// Why a merge is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeRefusal {
    SameRecord,
    FromUnknown,
    IntoMerged,
    FromMerged,
    FictitiousWithReal,
}

impl MergeRefusal {
    /// The reason in words, without any personal data.
    #[must_use]
    pub fn message(self) -> &'static str {
        match self {
            Self::SameRecord => "a record cannot be merged into itself",
            Self::FromUnknown => "from: no such citizen",
            Self::IntoMerged => "the target record has itself been merged into another; merge into that one",
            Self::FromMerged => "from: that record has already been merged into another",
            Self::FictitiousWithReal => "a fictitious record cannot be merged with a real one",
        }
    }
}

/// Whether `from` may be merged into `into`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeCheck {
    Allowed,
    /// `into` does not exist.
    IntoUnknown,
    /// Every reason that applies.
    Refused(Vec<MergeRefusal>),
}

/// What a merge did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeOutcome {
    Merged(MergeCounts),
    /// Nothing was changed.
    NotAllowed(MergeCheck),
}

/// A merge as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeRecord {
    pub id: Uuid,
    pub into: CitizenId,
    pub from: CitizenId,
    pub merged_at: DateTime<Utc>,
    pub undone_at: Option<DateTime<Utc>>,
    /// The target has since been merged into yet another record: that merge must be undone first.
    pub into_merged: bool,
}

/// What an undo did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UndoOutcome {
    Undone(MergeCounts),
    Unknown,
    AlreadyUndone,
    /// See [`MergeRecord::into_merged`]. Nothing was changed.
    IntoMerged,
}

/// A `cases` row, column for column.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CaseRow {
    authority: String,
    case_ref: String,
    status: String,
    kle: Option<String>,
    owner: Option<String>,
    summary: String,
    opened_at: i64,
    last_contact_at: i64,
    last_event_id: String,
}

const CASE_COLUMNS: &str =
    "authority, case_ref, status, kle, owner, summary, opened_at, last_contact_at, last_event_id";

impl CaseRow {
    fn from_row(row: &AnyRow) -> StoreResult<Self> {
        Ok(Self {
            authority: row.try_get("authority")?,
            case_ref: row.try_get("case_ref")?,
            status: row.try_get("status")?,
            kle: row.try_get("kle")?,
            owner: row.try_get("owner")?,
            summary: row.try_get("summary")?,
            opened_at: row.try_get("opened_at")?,
            last_contact_at: row.try_get("last_contact_at")?,
            last_event_id: row.try_get("last_event_id")?,
        })
    }

    fn same_case(&self, other: &Self) -> bool {
        self.authority == other.authority && self.case_ref == other.case_ref
    }

    /// One case known under both records, as the events of both would have left it: the newest contact's state,
    /// its topic and owner unless it had none, and the earliest opening.
    fn combine(&self, other: &Self) -> Self {
        let (newer, older) =
            if (self.last_contact_at, &self.last_event_id) >= (other.last_contact_at, &other.last_event_id) {
                (self, other)
            } else {
                (other, self)
            };
        Self {
            kle: newer.kle.clone().or_else(|| older.kle.clone()),
            owner: newer.owner.clone().or_else(|| older.owner.clone()),
            opened_at: newer.opened_at.min(older.opened_at),
            ..newer.clone()
        }
    }

    /// Binds the case columns, in `CASE_COLUMNS` order, after whatever the query bound before them.
    fn bind_columns<'q>(
        &'q self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        query
            .bind(&self.authority)
            .bind(&self.case_ref)
            .bind(&self.status)
            .bind(self.kle.clone())
            .bind(self.owner.clone())
            .bind(&self.summary)
            .bind(self.opened_at)
            .bind(self.last_contact_at)
            .bind(&self.last_event_id)
    }

    /// Writes the row as `citizen`'s case.
    async fn insert(&self, conn: &mut AnyConnection, citizen: &str) -> StoreResult<()> {
        let sql =
            format!("INSERT INTO cases (citizen_id, {CASE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        self.bind_columns(sqlx::query(&sql).bind(citizen)).execute(&mut *conn).await?;
        Ok(())
    }

    /// Keeps the row in the merge's record under `side` (`from`, `into` or `after`).
    async fn keep(&self, conn: &mut AnyConnection, merge: &str, side: &str) -> StoreResult<()> {
        let sql = format!(
            "INSERT INTO merge_cases (merge_id, side, {CASE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        );
        self.bind_columns(sqlx::query(&sql).bind(merge).bind(side)).execute(&mut *conn).await?;
        Ok(())
    }
}

async fn cases_of(conn: &mut AnyConnection, citizen: &str) -> StoreResult<Vec<CaseRow>> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE citizen_id = $1 ORDER BY authority, case_ref");
    sqlx::query(&sql).bind(citizen).fetch_all(&mut *conn).await?.iter().map(CaseRow::from_row).collect()
}

async fn delete_case(conn: &mut AnyConnection, citizen: &str, case: &CaseRow) -> StoreResult<()> {
    sqlx::query("DELETE FROM cases WHERE citizen_id = $1 AND authority = $2 AND case_ref = $3")
        .bind(citizen)
        .bind(&case.authority)
        .bind(&case.case_ref)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rebuilds `citizen`'s row for one case from their events, oldest first, the way the events would have built it.
async fn rebuild_case(conn: &mut AnyConnection, citizen: &str, case: &CaseRow) -> StoreResult<()> {
    delete_case(conn, citizen, case).await?;
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE citizen_id = $1 AND authority = $2 AND case_ref = $3 \
         ORDER BY occurred_at, id"
    );
    let rows = sqlx::query(&sql).bind(citizen).bind(&case.authority).bind(&case.case_ref).fetch_all(&mut *conn).await?;
    for row in &rows {
        update_case(conn, &event_from_row(row)?, &case.case_ref).await?;
    }
    Ok(())
}

/// Locks a citizen's row for the rest of the transaction (and, in SQLite, takes the write lock first); `false` if
/// there is no such row. Writes the row unchanged: a plain read would not wait for a merge in progress.
async fn lock_citizen(conn: &mut AnyConnection, id: &str) -> StoreResult<bool> {
    let touched =
        sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1").bind(id).execute(&mut *conn).await?;
    Ok(touched.rows_affected() > 0)
}

/// `Some((merged_into, fictitious))` for an existing record.
async fn state_of(conn: &mut AnyConnection, id: &str) -> StoreResult<Option<(Option<String>, bool)>> {
    let row = sqlx::query("SELECT merged_into, fictitious FROM citizens WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| Ok((row.try_get("merged_into")?, row.try_get::<i64, _>("fictitious")? != 0))).transpose()
}

async fn check_on(conn: &mut AnyConnection, into: CitizenId, from: CitizenId) -> StoreResult<MergeCheck> {
    let Some((into_merged, into_fictitious)) = state_of(conn, &into.to_string()).await? else {
        return Ok(MergeCheck::IntoUnknown);
    };
    let mut refusals = Vec::new();
    if into == from {
        refusals.push(MergeRefusal::SameRecord);
    }
    if into_merged.is_some() {
        refusals.push(MergeRefusal::IntoMerged);
    }
    match state_of(conn, &from.to_string()).await? {
        None => refusals.push(MergeRefusal::FromUnknown),
        Some((from_merged, from_fictitious)) => {
            if from_merged.is_some() && into != from {
                refusals.push(MergeRefusal::FromMerged);
            }
            if from_fictitious != into_fictitious {
                refusals.push(MergeRefusal::FictitiousWithReal);
            }
        }
    }
    Ok(if refusals.is_empty() { MergeCheck::Allowed } else { MergeCheck::Refused(refusals) })
}

/// The citizen a write for `id` belongs to: `id`, or the record it was merged into (followed through later merges).
/// Locks that citizen's row until the transaction ends, so a merge beside the write waits for it, or the write for
/// the merge. An unknown `id` comes back unchanged, for the write's own checks to refuse.
pub(super) async fn live_citizen_on(conn: &mut AnyConnection, id: CitizenId) -> StoreResult<CitizenId> {
    let mut current = id;
    for _ in 0..MAX_MERGE_HOPS {
        let touched = sqlx::query("UPDATE citizens SET updated_at = updated_at WHERE id = $1 AND merged_into IS NULL")
            .bind(current.to_string())
            .execute(&mut *conn)
            .await?;
        if touched.rows_affected() > 0 {
            return Ok(current);
        }
        match state_of(conn, &current.to_string()).await? {
            Some((Some(target), _)) => current = parse_uuid(&target, "citizen id")?,
            _ => return Ok(current),
        }
    }
    Ok(current)
}

fn counts(events: u64, cases: usize, sessions: u64, identifiers: u64) -> MergeCounts {
    MergeCounts { events, cases: cases as u64, sessions, identifiers }
}

impl Store {
    /// Where a merged record went, followed through later merges: `Some((target, fictitious))`; `None` when `id`
    /// is not a merged record.
    pub async fn merged_into(&self, id: CitizenId) -> StoreResult<Option<(CitizenId, bool)>> {
        let mut conn = self.pool().acquire().await?;
        let mut found = None;
        let mut current = id.to_string();
        for _ in 0..MAX_MERGE_HOPS {
            match state_of(&mut conn, &current).await? {
                Some((Some(target), _)) => {
                    found = Some(parse_uuid(&target, "citizen id")?);
                    current = target;
                }
                Some((None, fictitious)) => return Ok(found.map(|target| (target, fictitious))),
                None => return Ok(None),
            }
        }
        Ok(None)
    }

    /// A citizen by id, following a merged record to the one it was merged into.
    pub async fn live_citizen(&self, id: CitizenId) -> StoreResult<Option<crate::domain::Citizen>> {
        match self.merged_into(id).await? {
            Some((target, _)) => self.citizen(target).await,
            None => self.citizen(id).await,
        }
    }

    /// Whether `from` may be merged into `into` now (the merge checks again when it runs).
    pub async fn check_merge(&self, into: CitizenId, from: CitizenId) -> StoreResult<MergeCheck> {
        let mut conn = self.pool().acquire().await?;
        check_on(&mut conn, into, from).await
    }

    /// Merges `from` into `into` in one transaction, as merge `id` by `staff`.
    pub async fn merge_citizens(
        &self,
        id: Uuid,
        into: CitizenId,
        from: CitizenId,
        staff: StaffId,
        now: DateTime<Utc>,
    ) -> StoreResult<MergeOutcome> {
        let (merge, into_text, from_text) = (id.to_string(), into.to_string(), from.to_string());
        let mut tx = self.begin_write().await?;
        // Both rows locked in one order, so two merges of the same pair cannot deadlock.
        let mut ids = [into_text.as_str(), from_text.as_str()];
        ids.sort_unstable();
        for id in ids {
            lock_citizen(&mut tx, id).await?;
        }
        let check = check_on(&mut tx, into, from).await?;
        if check != MergeCheck::Allowed {
            return Ok(MergeOutcome::NotAllowed(check));
        }
        sqlx::query("INSERT INTO merges (id, into_id, from_id, staff_id, merged_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&merge)
            .bind(&into_text)
            .bind(&from_text)
            .bind(staff.to_string())
            .bind(to_micros(now))
            .execute(&mut *tx)
            .await?;
        let mut moved = [0; 2];
        for (slot, (kind, table)) in [("event", "events"), ("session", "sessions")].into_iter().enumerate() {
            let sql = format!(
                "INSERT INTO merge_rows (merge_id, kind, row_id) \
                 SELECT $1, '{kind}', id FROM {table} WHERE citizen_id = $2"
            );
            moved[slot] = sqlx::query(&sql).bind(&merge).bind(&from_text).execute(&mut *tx).await?.rows_affected();
            sqlx::query(&format!("UPDATE {table} SET citizen_id = $1 WHERE citizen_id = $2"))
                .bind(&into_text)
                .bind(&from_text)
                .execute(&mut *tx)
                .await?;
        }
        let cases = move_cases(&mut tx, &merge, &into_text, &from_text).await?;
        let identifiers = sqlx::query(
            "INSERT INTO merge_identifiers (merge_id, kind, value, earlier_merge) \
             SELECT $1, kind, value, merge_id FROM citizen_identifiers WHERE citizen_id = $2",
        )
        .bind(&merge)
        .bind(&from_text)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // An identifier both records had stays the target's own; the rest arrive marked with this merge.
        sqlx::query(
            "INSERT INTO citizen_identifiers (kind, value, citizen_id, merge_id) \
             SELECT kind, value, $1, $2 FROM citizen_identifiers WHERE citizen_id = $3 ON CONFLICT DO NOTHING",
        )
        .bind(&into_text)
        .bind(&merge)
        .bind(&from_text)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM citizen_identifiers WHERE citizen_id = $1").bind(&from_text).execute(&mut *tx).await?;
        sqlx::query("UPDATE citizens SET merged_into = $1 WHERE id = $2")
            .bind(&into_text)
            .bind(&from_text)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(MergeOutcome::Merged(counts(moved[0], cases, moved[1], identifiers)))
    }

    /// A merge by id.
    pub async fn merge_record(&self, id: Uuid) -> StoreResult<Option<MergeRecord>> {
        let row = sqlx::query(
            "SELECT m.into_id, m.from_id, m.merged_at, m.undone_at, c.merged_into FROM merges m \
             JOIN citizens c ON c.id = m.into_id WHERE m.id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(MergeRecord {
                id,
                into: parse_uuid(&row.try_get::<String, _>("into_id")?, "citizen id")?,
                from: parse_uuid(&row.try_get::<String, _>("from_id")?, "citizen id")?,
                merged_at: from_micros(row.try_get("merged_at")?),
                undone_at: row.try_get::<Option<i64>, _>("undone_at")?.map(from_micros),
                into_merged: row.try_get::<Option<String>, _>("merged_into")?.is_some(),
            })
        })
        .transpose()
    }

    /// Undoes merge `id` in one transaction: moves back exactly the rows it moved and makes `from` a record again.
    pub async fn undo_merge(&self, id: Uuid, staff: StaffId, now: DateTime<Utc>) -> StoreResult<UndoOutcome> {
        let merge = id.to_string();
        let mut tx = self.begin_write().await?;
        // Claiming the merge first serialises two undos of it: the second finds it undone.
        let claimed =
            sqlx::query("UPDATE merges SET undone_at = $2, undone_by = $3 WHERE id = $1 AND undone_at IS NULL")
                .bind(&merge)
                .bind(to_micros(now))
                .bind(staff.to_string())
                .execute(&mut *tx)
                .await?;
        let row = sqlx::query("SELECT into_id, from_id FROM merges WHERE id = $1")
            .bind(&merge)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(UndoOutcome::Unknown) };
        if claimed.rows_affected() == 0 {
            return Ok(UndoOutcome::AlreadyUndone);
        }
        let (into, from): (String, String) = (row.try_get("into_id")?, row.try_get("from_id")?);
        let mut ids = [into.as_str(), from.as_str()];
        ids.sort_unstable();
        for id in ids {
            lock_citizen(&mut tx, id).await?;
        }
        match (state_of(&mut tx, &into).await?, state_of(&mut tx, &from).await?) {
            (Some((None, _)), Some((Some(target), _))) if target == into => {}
            (Some((Some(_), _)), _) => return Ok(UndoOutcome::IntoMerged),
            _ => return Err(StoreError::Corrupt { what: "merge", detail: format!("{merge}: records out of step") }),
        }
        let mut moved = [0; 2];
        for (slot, (kind, table)) in [("event", "events"), ("session", "sessions")].into_iter().enumerate() {
            let sql = format!(
                "UPDATE {table} SET citizen_id = $1 WHERE citizen_id = $2 \
                 AND id IN (SELECT row_id FROM merge_rows WHERE merge_id = $3 AND kind = '{kind}')"
            );
            moved[slot] =
                sqlx::query(&sql).bind(&from).bind(&into).bind(&merge).execute(&mut *tx).await?.rows_affected();
        }
        let cases = restore_cases(&mut tx, &merge, &into, &from).await?;
        let identifiers = restore_identifiers(&mut tx, &merge, &into, &from).await?;
        sqlx::query("UPDATE citizens SET merged_into = NULL WHERE id = $1").bind(&from).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(UndoOutcome::Undone(counts(moved[0], cases, moved[1], identifiers)))
    }
}

/// Moves `from`'s cases to `into`, combining a case both had; keeps every row involved in `merge_cases`.
async fn move_cases(conn: &mut AnyConnection, merge: &str, into: &str, from: &str) -> StoreResult<usize> {
    let theirs = cases_of(conn, from).await?;
    let ours = cases_of(conn, into).await?;
    for case in &theirs {
        case.keep(conn, merge, "from").await?;
        delete_case(conn, from, case).await?;
        let after = match ours.iter().find(|c| c.same_case(case)) {
            Some(own) => {
                own.keep(conn, merge, "into").await?;
                delete_case(conn, into, own).await?;
                own.combine(case)
            }
            None => case.clone(),
        };
        after.insert(conn, into).await?;
        after.keep(conn, merge, "after").await?;
    }
    Ok(theirs.len())
}

/// Gives `from` its cases back as they were, and `into` its own: as they were when nothing touched them since the
/// merge, otherwise rebuilt from the events `into` keeps.
async fn restore_cases(conn: &mut AnyConnection, merge: &str, into: &str, from: &str) -> StoreResult<usize> {
    let sql = format!("SELECT side, {CASE_COLUMNS} FROM merge_cases WHERE merge_id = $1 ORDER BY authority, case_ref");
    let rows = sqlx::query(&sql).bind(merge).fetch_all(&mut *conn).await?;
    let mut kept: Vec<(String, CaseRow)> = Vec::with_capacity(rows.len());
    for row in &rows {
        kept.push((row.try_get("side")?, CaseRow::from_row(row)?));
    }
    let side = |name: &str, case: &CaseRow| kept.iter().find(|(s, c)| s == name && c.same_case(case)).map(|(_, c)| c);
    let current = cases_of(conn, into).await?;
    let mut restored = 0;
    for (_, theirs) in kept.iter().filter(|(s, _)| s == "from") {
        let now = current.iter().find(|c| c.same_case(theirs));
        if now.is_some() && now == side("after", theirs) {
            delete_case(conn, into, theirs).await?;
            if let Some(own) = side("into", theirs) {
                own.insert(conn, into).await?;
            }
        } else {
            rebuild_case(conn, into, theirs).await?;
        }
        theirs.insert(conn, from).await?;
        restored += 1;
    }
    Ok(restored)
}

/// Takes away from `into` the identifiers this merge brought (unless another merge into it still stands that
/// brought the same one) and gives `from` back its own. Returns how many `from` got back.
async fn restore_identifiers(conn: &mut AnyConnection, merge: &str, into: &str, from: &str) -> StoreResult<u64> {
    const ALSO_BROUGHT_BY: &str = "FROM merge_identifiers mi JOIN merges m ON m.id = mi.merge_id \
         WHERE m.into_id = $1 AND m.undone_at IS NULL AND m.id <> $2 \
         AND mi.kind = citizen_identifiers.kind AND mi.value = citizen_identifiers.value";
    sqlx::query(&format!(
        "UPDATE citizen_identifiers SET merge_id = (SELECT MIN(mi.merge_id) {ALSO_BROUGHT_BY}) \
         WHERE citizen_id = $1 AND merge_id = $2 AND EXISTS (SELECT 1 {ALSO_BROUGHT_BY})"
    ))
    .bind(into)
    .bind(merge)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM citizen_identifiers WHERE citizen_id = $1 AND merge_id = $2")
        .bind(into)
        .bind(merge)
        .execute(&mut *conn)
        .await?;
    let restored = sqlx::query(
        "INSERT INTO citizen_identifiers (kind, value, citizen_id, merge_id) \
         SELECT kind, value, $1, earlier_merge FROM merge_identifiers WHERE merge_id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(from)
    .bind(merge)
    .execute(&mut *conn)
    .await?;
    Ok(restored.rows_affected())
}
