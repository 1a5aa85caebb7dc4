//! Logged assisted sessions, stored exactly once per client-generated id.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::events::insert_event_kept;
use super::identity::live_citizen_on;
use super::insights::{count_session, refresh_citizen, refresh_returns, session_population, tried_online_first};
use super::sql::{Param, Sql};
use super::{Store, StoreResult, parse_json, parse_uuid, to_micros};
use uuid::Uuid;

use crate::domain::{AssistedSession, CitizenId, ContactEvent, StaffId};
use crate::history::api::ReadinessAssessment;

/// What a session write did.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionPutOutcome {
    Created,
    /// The same session was already stored: a retry, answered with what is stored.
    Same(Box<AssistedSession>),
    /// A different session is stored under this id; nothing was changed.
    Conflict,
}

/// What a correction did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionCorrectOutcome {
    Corrected,
    /// The stored session already reads so.
    Same,
    NotFound,
    /// Another staff member logged it.
    NotYours,
    /// The correction names another citizen or group: that is another session, not a correction.
    OtherCitizen,
}

/// The session's own rows in timelines follow what it now says.
async fn move_timeline_row(conn: &mut sqlx::AnyConnection, session: &AssistedSession) -> StoreResult<()> {
    sqlx::query(
        "UPDATE events SET occurred_at = $2, channel = $3, kle = $4, status = $5, summary = $6          WHERE source = $1 AND (source_id = $7 OR source_id LIKE $8)",
    )
    .bind(crate::history::api::SESSION_SOURCE)
    .bind(to_micros(session.started_at))
    .bind(session.channel.code())
    .bind(session.kle.as_ref().map(|k| k.as_str().to_owned()))
    .bind(session.outcome.case_status().code())
    .bind(&session.summary)
    .bind(session.id.to_string())
    .bind(format!("{}/%", session.id))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Which sessions to list.
#[derive(Clone, Debug, Default)]
pub struct SessionFilter {
    pub citizen: Option<CitizenId>,
    pub staff: Option<StaffId>,
    /// Inclusive, on the start time.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive, on the start time.
    pub to: Option<DateTime<Utc>>,
    /// Only sessions with fictitious citizens (for trainers).
    pub fictitious_only: bool,
    pub limit: u32,
}

/// A stored session, as the console sent it but with the citizen it belongs to now (a merge may have moved it).
fn session_from_row(row: &AnyRow) -> StoreResult<AssistedSession> {
    let mut session: AssistedSession = parse_json(&row.try_get::<String, _>("body")?, "session")?;
    session.citizen_id =
        row.try_get::<Option<String>, _>("citizen_id")?.map(|id| parse_uuid(&id, "citizen id")).transpose()?;
    Ok(session)
}

impl Store {
    /// Stores a session and its rows in timelines (its citizen's, or each identified participant's of a group
    /// session) — all or nothing. Rows already stored under their `(source, source_id)` are left as they are.
    pub async fn put_session(
        &self,
        session: &AssistedSession,
        timeline_events: &[ContactEvent],
        now: DateTime<Utc>,
    ) -> StoreResult<SessionPutOutcome> {
        let body = serde_json::to_string(session).unwrap_or_default();
        let hash = format!("{:x}", Sha256::digest(body.as_bytes()));
        let mut tx = self.begin_write().await?;
        // The body stays as the console sent it, so a retry still compares equal; the column says whose it is now.
        let citizen = match session.citizen_id {
            Some(id) => Some(live_citizen_on(&mut tx, id).await?),
            None => None,
        };
        let inserted = sqlx::query(
            "INSERT INTO sessions (id, citizen_id, staff_id, started_at, body, body_hash, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(session.id.to_string())
        .bind(citizen.map(|id| id.to_string()))
        .bind(session.staff_id.to_string())
        .bind(to_micros(session.started_at))
        .bind(&body)
        .bind(&hash)
        .bind(to_micros(now))
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            let row = sqlx::query("SELECT body, body_hash, citizen_id FROM sessions WHERE id = $1")
                .bind(session.id.to_string())
                .fetch_one(&mut *tx)
                .await?;
            if row.try_get::<String, _>("body_hash")? != hash {
                return Ok(SessionPutOutcome::Conflict);
            }
            return Ok(SessionPutOutcome::Same(Box::new(session_from_row(&row)?)));
        }
        for event in timeline_events {
            insert_event_kept(&mut tx, event, None, now, self.insights).await?;
        }
        if self.insights {
            if let Some(population) = session_population(&mut tx, session).await? {
                let tried = tried_online_first(&mut tx, citizen, session, now).await?;
                count_session(&mut tx, session, population, (1, tried)).await?;
            }
            if let Some(citizen) = citizen {
                refresh_citizen(&mut tx, citizen).await?;
            }
        }
        tx.commit().await?;
        Ok(SessionPutOutcome::Created)
    }

    /// Replaces a stored session with a corrected body from the staff member who logged it, moving its counts
    /// and its row in the citizen's timeline. Who it is about (citizen, group) cannot be corrected.
    pub async fn correct_session(&self, session: &AssistedSession) -> StoreResult<SessionCorrectOutcome> {
        let body = serde_json::to_string(session).unwrap_or_default();
        let hash = format!("{:x}", Sha256::digest(body.as_bytes()));
        let mut tx = self.begin_write().await?;
        let Some(row) = sqlx::query("SELECT body, body_hash, citizen_id, received_at FROM sessions WHERE id = $1")
            .bind(session.id.to_string())
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(SessionCorrectOutcome::NotFound);
        };
        if row.try_get::<String, _>("body_hash")? == hash {
            return Ok(SessionCorrectOutcome::Same);
        }
        let old: AssistedSession = parse_json(&row.try_get::<String, _>("body")?, "session")?;
        if old.staff_id != session.staff_id {
            return Ok(SessionCorrectOutcome::NotYours);
        }
        if old.citizen_id != session.citizen_id || old.group != session.group {
            return Ok(SessionCorrectOutcome::OtherCitizen);
        }
        let citizen =
            row.try_get::<Option<String>, _>("citizen_id")?.map(|id| parse_uuid(&id, "citizen id")).transpose()?;
        let received = super::from_micros(row.try_get("received_at")?);
        if let Some(population) = session_population(&mut tx, &old).await? {
            let tried = tried_online_first(&mut tx, citizen, &old, received).await?;
            count_session(&mut tx, &old, population, (-1, tried)).await?;
        }
        sqlx::query("UPDATE sessions SET body = $2, body_hash = $3, started_at = $4 WHERE id = $1")
            .bind(session.id.to_string())
            .bind(&body)
            .bind(&hash)
            .bind(to_micros(session.started_at))
            .execute(&mut *tx)
            .await?;
        move_timeline_row(&mut tx, session).await?;
        if let Some(citizen) = citizen {
            for version in [&old, session] {
                if let Some(kle) = &version.kle {
                    let at = version.started_at;
                    refresh_returns(&mut tx, citizen, kle.group(), (at, at)).await?;
                }
            }
            refresh_citizen(&mut tx, citizen).await?;
        }
        if let Some(population) = session_population(&mut tx, session).await? {
            let tried = tried_online_first(&mut tx, citizen, session, received).await?;
            count_session(&mut tx, session, population, (1, tried)).await?;
        }
        tx.commit().await?;
        Ok(SessionCorrectOutcome::Corrected)
    }

    /// One session by its id.
    pub async fn session(&self, id: Uuid) -> StoreResult<Option<AssistedSession>> {
        let row = sqlx::query("SELECT body, citizen_id FROM sessions WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(session_from_row).transpose()
    }

    /// The digital-readiness assessments made in a citizen's sessions, newest first (at most 50).
    pub async fn readiness_history(&self, citizen: CitizenId) -> StoreResult<Vec<ReadinessAssessment>> {
        let rows =
            sqlx::query("SELECT body FROM sessions WHERE citizen_id = $1 ORDER BY started_at DESC, id DESC LIMIT 200")
                .bind(citizen.to_string())
                .fetch_all(self.pool())
                .await?;
        let mut history = Vec::new();
        for row in &rows {
            let session: AssistedSession = parse_json(&row.try_get::<String, _>("body")?, "session")?;
            if let Some(readiness) = session.digital_readiness_after {
                history.push(ReadinessAssessment { at: session.ended_at, readiness, session: session.id });
            }
        }
        history.truncate(50);
        Ok(history)
    }

    /// Sessions started in `[from, to)`, oldest first, each with whether it was training: logged by a trainer or
    /// for a fictitious citizen. At most `limit`.
    pub async fn sessions_for_stats(
        &self,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        limit: u32,
    ) -> StoreResult<Vec<(AssistedSession, bool)>> {
        let mut sql = Sql::new(
            "SELECT s.body, s.citizen_id, st.role, c.fictitious FROM sessions s \
             LEFT JOIN staff st ON st.id = s.staff_id LEFT JOIN citizens c ON c.id = s.citizen_id WHERE 1 = 1",
        );
        if let Some(from) = from {
            sql.push(" AND s.started_at >= ").bind(Param::Int(to_micros(from)));
        }
        if let Some(to) = to {
            sql.push(" AND s.started_at < ").bind(Param::Int(to_micros(to)));
        }
        sql.push(" ORDER BY s.started_at, s.id LIMIT ").bind(Param::Int(i64::from(limit)));
        let rows = sql.query().fetch_all(self.pool()).await?;
        let mut sessions = rows
            .iter()
            .map(|row| {
                let session = session_from_row(row)?;
                let by_trainer = row.try_get::<Option<String>, _>("role")?.as_deref() == Some("trainer");
                let fictitious = row.try_get::<Option<i64>, _>("fictitious")?.is_some_and(|f| f != 0);
                Ok((session, by_trainer || fictitious))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        // A group session has no citizen of its own: it is training when it names a fictitious participant.
        let linked: BTreeSet<CitizenId> =
            sessions.iter().flat_map(|(s, _)| s.group.iter().flat_map(|g| g.linked.iter().copied())).collect();
        if !linked.is_empty() {
            let fictitious = self.fictitious_among(&linked).await?;
            for (session, training) in &mut sessions {
                *training |= session.group.as_ref().is_some_and(|g| g.linked.iter().any(|id| fictitious.contains(id)));
            }
        }
        Ok(sessions)
    }

    /// Which of these citizens are fictitious.
    async fn fictitious_among(&self, ids: &BTreeSet<CitizenId>) -> StoreResult<BTreeSet<CitizenId>> {
        let ids: Vec<CitizenId> = ids.iter().copied().collect();
        let mut fictitious = BTreeSet::new();
        // Bounded lists keep every statement within what both databases accept as parameters.
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new("SELECT id FROM citizens WHERE fictitious = 1 AND id IN ");
            sql.bind_list(chunk.iter().map(|id| Param::Text(id.to_string())));
            for row in sql.query().fetch_all(self.pool()).await? {
                fictitious.insert(parse_uuid(&row.try_get::<String, _>("id")?, "citizen id")?);
            }
        }
        Ok(fictitious)
    }

    /// Sessions matching the filter, newest first.
    pub async fn sessions(&self, filter: &SessionFilter) -> StoreResult<Vec<AssistedSession>> {
        let mut sql = Sql::new("SELECT body, citizen_id FROM sessions WHERE 1 = 1");
        if let Some(citizen) = filter.citizen {
            sql.push(" AND citizen_id = ").bind(Param::Text(citizen.to_string()));
        }
        if let Some(staff) = filter.staff {
            sql.push(" AND staff_id = ").bind(Param::Text(staff.to_string()));
        }
        if let Some(from) = filter.from {
            sql.push(" AND started_at >= ").bind(Param::Int(to_micros(from)));
        }
        if let Some(to) = filter.to {
            sql.push(" AND started_at < ").bind(Param::Int(to_micros(to)));
        }
        if filter.fictitious_only {
            sql.push(" AND citizen_id IN (SELECT id FROM citizens WHERE fictitious = 1)");
        }
        sql.push(" ORDER BY started_at DESC, id DESC LIMIT ").bind(Param::Int(i64::from(filter.limit)));
        let rows = sql.query().fetch_all(self.pool()).await?;
        rows.iter().map(session_from_row).collect()
    }
}
