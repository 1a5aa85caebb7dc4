//! What supervisors watch for misuse: reads the service refused (someone probing ids or roles), and the raw
//! material of the alert list — who looked citizens up when, and which contacts and sessions those citizens had.
//! The rules that turn these into alerts belong to the service.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::sql::{Param, Sql};
use super::{Store, StoreResult, from_micros, parse_uuid, to_micros};
use crate::domain::{CitizenId, StaffId};
use crate::history::api::Refusal;

/// One looked-up citizen (or a search that found nobody: `citizen` is `None`) of one audit row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupRow {
    pub audit_id: String,
    pub at: DateTime<Utc>,
    pub staff_id: StaffId,
    pub action: String,
    pub purpose: String,
    pub citizen: Option<CitizenId>,
}

/// Citizens per statement in an `IN` list: far below either database's limit on bound parameters.
const CHUNK: usize = 500;

impl Store {
    /// Records a read of citizen data that the service refused, by an authenticated caller.
    pub async fn record_refusal(
        &self,
        staff: StaffId,
        method: &str,
        route: &str,
        status: u16,
        code: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO refused_reads (id, at, staff_id, method, route, status, code) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(to_micros(now))
        .bind(staff.to_string())
        .bind(method)
        .bind(route)
        .bind(i64::from(status))
        .bind(code)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Refused reads in `[from, to)`, oldest first, at most `limit`.
    pub async fn refusals(&self, from: DateTime<Utc>, to: DateTime<Utc>, limit: u32) -> StoreResult<Vec<Refusal>> {
        let rows = sqlx::query(
            "SELECT r.at, r.staff_id, s.name, r.method, r.route, r.status, r.code FROM refused_reads r \
             JOIN staff s ON s.id = r.staff_id WHERE r.at >= $1 AND r.at < $2 ORDER BY r.at, r.id LIMIT $3",
        )
        .bind(to_micros(from))
        .bind(to_micros(to))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Refusal {
                    at: from_micros(row.try_get("at")?),
                    staff_id: parse_uuid(&row.try_get::<String, _>("staff_id")?, "staff id")?,
                    staff_name: row.try_get("name")?,
                    method: row.try_get("method")?,
                    route: row.try_get("route")?,
                    status: u16::try_from(row.try_get::<i64, _>("status")?).unwrap_or_default(),
                    code: row.try_get("code")?,
                })
            })
            .collect()
    }

    /// Audit rows of the given actions in `[from, to)`, one row per subject, oldest first; at most `limit` rows.
    pub async fn lookups(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        actions: &[&str],
        limit: u32,
    ) -> StoreResult<Vec<LookupRow>> {
        let mut sql = Sql::new(
            "SELECT a.id, a.at, a.staff_id, a.action, a.purpose, x.citizen_id FROM audit a \
             LEFT JOIN audit_subjects x ON x.audit_id = a.id WHERE a.at >= ",
        );
        sql.bind(Param::Int(to_micros(from))).push(" AND a.at < ").bind(Param::Int(to_micros(to)));
        sql.push(" AND a.action IN ").bind_list(actions.iter().map(|a| Param::Text((*a).to_owned())));
        sql.push(" ORDER BY a.at, a.id LIMIT ").bind(Param::Int(i64::from(limit)));
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| {
                Ok(LookupRow {
                    audit_id: row.try_get("id")?,
                    at: from_micros(row.try_get("at")?),
                    staff_id: parse_uuid(&row.try_get::<String, _>("staff_id")?, "staff id")?,
                    action: row.try_get("action")?,
                    purpose: row.try_get("purpose")?,
                    citizen: row
                        .try_get::<Option<String>, _>("citizen_id")?
                        .map(|id| parse_uuid(&id, "citizen id"))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// The (UTC) days in `[from, to)` on which each of `citizens` had a contact on any channel.
    pub async fn contact_days(
        &self,
        citizens: &[CitizenId],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<HashSet<(CitizenId, NaiveDate)>> {
        let mut days = HashSet::new();
        for chunk in citizens.chunks(CHUNK) {
            let mut sql = Sql::new("SELECT citizen_id, occurred_at FROM events WHERE citizen_id IN ");
            sql.bind_list(chunk.iter().map(|id| Param::Text(id.to_string())));
            sql.push(" AND occurred_at >= ").bind(Param::Int(to_micros(from)));
            sql.push(" AND occurred_at < ").bind(Param::Int(to_micros(to)));
            for row in sql.query().fetch_all(self.pool()).await? {
                let citizen = parse_uuid(&row.try_get::<String, _>("citizen_id")?, "citizen id")?;
                days.insert((citizen, from_micros(row.try_get("occurred_at")?).date_naive()));
            }
        }
        Ok(days)
    }

    /// The (UTC) days in `[from, to)` on which each staff member logged a session with each citizen.
    pub async fn session_days(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> StoreResult<HashSet<(StaffId, CitizenId, NaiveDate)>> {
        let rows = sqlx::query(
            "SELECT staff_id, citizen_id, started_at FROM sessions \
             WHERE started_at >= $1 AND started_at < $2 AND citizen_id IS NOT NULL",
        )
        .bind(to_micros(from))
        .bind(to_micros(to))
        .fetch_all(self.pool())
        .await?;
        let mut days = HashSet::with_capacity(rows.len());
        for row in &rows {
            let staff = parse_uuid(&row.try_get::<String, _>("staff_id")?, "staff id")?;
            let citizen = parse_uuid(&row.try_get::<String, _>("citizen_id")?, "citizen id")?;
            days.insert((staff, citizen, from_micros(row.try_get("started_at")?).date_naive()));
        }
        Ok(days)
    }
}
