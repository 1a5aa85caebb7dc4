//! The audit log: every use of a citizen's personal data, with who, when, what, why and about whom.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit_chain::{self, ChainRow};
use super::sql::{Param, Sql};
use super::{Store, StoreError, StoreResult, from_micros, parse_uuid, to_micros};
use crate::domain::{CitizenId, Purpose, StaffId};
use crate::history::api::{AuditAction, AuditEntry, LookupRecord};

/// One audit row to write.
#[derive(Clone, Debug)]
pub struct NewAudit {
    pub staff_id: StaffId,
    pub action: AuditAction,
    pub purpose: Purpose,
    pub criterion: Option<String>,
    pub citizen_ids: Vec<CitizenId>,
}

/// Which audit rows to list.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub citizen: Option<CitizenId>,
    pub staff: Option<StaffId>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: u32,
}

fn action_of(row: &AnyRow) -> StoreResult<AuditAction> {
    let code: String = row.try_get("action")?;
    AuditAction::from_code(&code).ok_or(StoreError::Corrupt { what: "audit action", detail: code })
}

fn purpose_of(row: &AnyRow) -> StoreResult<Purpose> {
    let code: String = row.try_get("purpose")?;
    Purpose::from_code(&code).ok_or(StoreError::Corrupt { what: "audit purpose", detail: code })
}

impl Store {
    /// Writes one audit row and its subjects in one transaction, as the next link of the audit chain.
    pub async fn record_audit(&self, entry: &NewAudit, now: DateTime<Utc>) -> StoreResult<uuid::Uuid> {
        let ids = self.record_audits(std::slice::from_ref(&(entry.clone(), now))).await?;
        Ok(ids[0])
    }

    /// Writes several audit rows in one transaction, as consecutive links of the chain, in the order given. One
    /// commit for many rows is what lets a busy service audit every read without queueing on the chain's lock.
    pub async fn record_audits(&self, entries: &[(NewAudit, DateTime<Utc>)]) -> StoreResult<Vec<uuid::Uuid>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        // First, before reading anything: the chain's lock, which serialises appends across service instances.
        let count = i64::try_from(entries.len()).unwrap_or(i64::MAX);
        let (last_seq, mut prev_hash) = audit_chain::claim_many(&mut tx, count).await?;
        let mut ids = Vec::with_capacity(entries.len());
        let mut rows = Vec::with_capacity(entries.len());
        for (offset, (entry, now)) in (0..count).rev().zip(entries) {
            let id = uuid::Uuid::now_v7();
            let row = ChainRow {
                seq: last_seq - offset,
                id: id.to_string(),
                at: to_micros(*now),
                staff_id: entry.staff_id.to_string(),
                action: entry.action.code().to_owned(),
                purpose: entry.purpose.code().to_owned(),
                criterion: entry.criterion.clone(),
                subjects: audit_chain::canonical_subjects(entry.citizen_ids.iter().map(ToString::to_string)),
                prev_hash,
            };
            prev_hash = row.hash();
            rows.push((row, prev_hash.clone()));
            ids.push(id);
        }
        insert_rows(&mut tx, &rows).await?;
        audit_chain::set_head_hash(&mut tx, &prev_hash).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Audit rows, newest first, with the staff member's name and every subject.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut sql = Sql::new(
            "SELECT a.id, a.at, a.staff_id, s.name AS staff_name, a.action, a.purpose, a.criterion \
             FROM audit a JOIN staff s ON s.id = a.staff_id WHERE 1 = 1",
        );
        if let Some(citizen) = filter.citizen {
            sql.push(" AND a.id IN (SELECT audit_id FROM audit_subjects WHERE citizen_id = ")
                .bind(Param::Text(citizen.to_string()))
                .push(")");
        }
        if let Some(staff) = filter.staff {
            sql.push(" AND a.staff_id = ").bind(Param::Text(staff.to_string()));
        }
        if let Some(from) = filter.from {
            sql.push(" AND a.at >= ").bind(Param::Int(to_micros(from)));
        }
        if let Some(to) = filter.to {
            sql.push(" AND a.at < ").bind(Param::Int(to_micros(to)));
        }
        sql.push(" ORDER BY a.at DESC, a.id DESC LIMIT ").bind(Param::Int(i64::from(filter.limit)));
        let rows = sql.query().fetch_all(self.pool()).await?;
        // Every row's subjects in one query, not one query per row.
        let mut subjects: HashMap<String, Vec<CitizenId>> = HashMap::new();
        if !rows.is_empty() {
            let ids =
                rows.iter().map(|r| r.try_get::<String, _>("id").map(Param::Text)).collect::<Result<Vec<_>, _>>()?;
            let mut sql = Sql::new("SELECT audit_id, citizen_id FROM audit_subjects WHERE audit_id IN ");
            sql.bind_list(ids).push(" ORDER BY citizen_id");
            for row in sql.query().fetch_all(self.pool()).await? {
                let citizen = parse_uuid(&row.try_get::<String, _>("citizen_id")?, "citizen id")?;
                subjects.entry(row.try_get("audit_id")?).or_default().push(citizen);
            }
        }
        let mut entries = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            let citizen_ids = subjects.remove(&id).unwrap_or_default();
            entries.push(AuditEntry {
                id: parse_uuid(&id, "audit id")?,
                at: from_micros(row.try_get("at")?),
                staff_id: parse_uuid(&row.try_get::<String, _>("staff_id")?, "staff id")?,
                staff_name: row.try_get("staff_name")?,
                action: action_of(row)?,
                purpose: purpose_of(row)?,
                criterion: row.try_get("criterion")?,
                citizen_ids,
            });
        }
        Ok(entries)
    }

    /// When and why the citizen's data was used, oldest first, without staff identities (for the citizen).
    pub async fn lookups_of(&self, citizen: CitizenId) -> StoreResult<Vec<LookupRecord>> {
        let rows = sqlx::query(
            "SELECT a.at, a.action, a.purpose FROM audit_subjects x JOIN audit a ON a.id = x.audit_id \
             WHERE x.citizen_id = $1 ORDER BY a.at, a.id",
        )
        .bind(citizen.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(LookupRecord {
                    at: from_micros(row.try_get("at")?),
                    action: action_of(row)?,
                    purpose: purpose_of(row)?,
                })
            })
            .collect()
    }
}

/// Rows per multi-row `INSERT`: far below either database's limit on bound parameters (32,766 and 65,535).
const ROWS_PER_INSERT: usize = 256;

/// Chained rows with their hashes and subjects, inside the appending transaction: a few multi-row statements
/// instead of one per row and subject, since each statement is a round trip to the database.
async fn insert_rows(conn: &mut sqlx::AnyConnection, rows: &[(ChainRow, String)]) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql =
            Sql::new("INSERT INTO audit (id, at, staff_id, action, purpose, criterion, seq, prev_hash, hash) VALUES ");
        for (index, (row, hash)) in chunk.iter().enumerate() {
            sql.push(if index == 0 { "" } else { ", " }).bind_list([
                Param::Text(row.id.clone()),
                Param::Int(row.at),
                Param::Text(row.staff_id.clone()),
                Param::Text(row.action.clone()),
                Param::Text(row.purpose.clone()),
                Param::OptText(row.criterion.clone()),
                Param::Int(row.seq),
                Param::Text(row.prev_hash.clone()),
                Param::Text(hash.clone()),
            ]);
        }
        sql.query().execute(&mut *conn).await?;
    }
    let subjects: Vec<(&String, &String)> =
        rows.iter().flat_map(|(row, _)| row.subjects.iter().map(move |citizen| (citizen, &row.id))).collect();
    for chunk in subjects.chunks(ROWS_PER_INSERT * 4) {
        let mut sql = Sql::new("INSERT INTO audit_subjects (citizen_id, audit_id) VALUES ");
        for (index, (citizen, audit)) in chunk.iter().enumerate() {
            sql.push(if index == 0 { "" } else { ", " })
                .bind_list([Param::Text((*citizen).clone()), Param::Text((*audit).clone())]);
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}
