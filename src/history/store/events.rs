//! Contact events (the timeline) and the case states they update.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::identity::live_citizen_on;
use super::insights::{citizen_population, count_event, count_events, refresh_returns};
use super::sql::{Columns, Param, Sql, contains_pattern, escape_like};
use super::{Store, StoreError, StoreResult, from_micros, parse_uuid, to_micros};
use crate::domain::citizen::fold_name;
use crate::domain::insight::Population;
use crate::domain::{AuthorityId, Case, Channel, CitizenId, ContactEvent, KleTopic};
use crate::history::api::SESSION_SOURCE;

pub(super) const EVENT_COLUMNS: &str = "id, citizen_id, occurred_at, channel, direction, authority, kle, case_ref, status, summary, \
                             source, source_id, staff, abandoned, failure_demand";

/// A position in a timeline: the last event of the previous page. Opaque to clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    occurred_at: i64,
    id: String,
}

impl Cursor {
    /// The text form clients pass back.
    #[must_use]
    pub fn encode(&self) -> String {
        format!("{}_{}", self.occurred_at, self.id)
    }

    /// Parses a cursor a client sent; `None` if it was not made by [`Cursor::encode`].
    #[must_use]
    pub fn decode(text: &str) -> Option<Self> {
        let (micros, id) = text.split_once('_')?;
        let id = uuid::Uuid::parse_str(id).ok()?;
        Some(Self { occurred_at: micros.parse().ok()?, id: id.to_string() })
    }
}

/// Filters and position for one timeline page.
#[derive(Clone, Debug, Default)]
pub struct TimelineQuery {
    /// Empty means every channel.
    pub channels: Vec<Channel>,
    /// Empty means every authority.
    pub authorities: Vec<String>,
    /// Inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub to: Option<DateTime<Utc>>,
    /// Every word must occur in the summary, case reference, source or staff.
    pub words: Vec<String>,
    /// KLE numbers or prefixes (`23.05` matches `23.05.10`); empty means every topic.
    pub kle: Vec<String>,
    pub cursor: Option<Cursor>,
    pub limit: u32,
}

/// What an event write did.
#[derive(Clone, Debug, PartialEq)]
pub enum EventWriteOutcome {
    Created(ContactEvent),
    /// `(source, source_id)` was already stored: here is the stored event, unchanged.
    Existing(ContactEvent),
}

fn parse_code<T: serde::de::DeserializeOwned>(code: String, what: &'static str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(code.clone()))
        .map_err(|_| StoreError::Corrupt { what, detail: code })
}

fn code_of<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => String::new(),
    }
}

pub(super) fn event_from_row(row: &dyn Columns) -> StoreResult<ContactEvent> {
    Ok(ContactEvent {
        id: parse_uuid(&row.text("id")?, "event id")?,
        citizen_id: parse_uuid(&row.text("citizen_id")?, "citizen id")?,
        occurred_at: from_micros(row.int("occurred_at")?),
        channel: parse_code(row.text("channel")?, "channel")?,
        direction: parse_code(row.text("direction")?, "direction")?,
        authority: AuthorityId(row.text("authority")?),
        kle: row.opt_text("kle")?.map(parse_kle).transpose()?,
        case_ref: row.opt_text("case_ref")?,
        status: parse_code(row.text("status")?, "case status")?,
        summary: row.text("summary")?,
        source: row.text("source")?,
        source_id: row.text("source_id")?,
        staff: row.opt_text("staff")?,
        abandoned: row.int("abandoned")? != 0,
        failure_demand: row.opt_text("failure_demand")?.map(|code| parse_code(code, "failure reason")).transpose()?,
    })
}

fn parse_kle(text: String) -> StoreResult<KleTopic> {
    parse_code(text, "KLE topic")
}

fn case_from_row(row: &AnyRow) -> StoreResult<Case> {
    Ok(Case {
        authority: AuthorityId(row.try_get("authority")?),
        case_ref: row.try_get("case_ref")?,
        status: parse_code(row.try_get("status")?, "case status")?,
        kle: row.try_get::<Option<String>, _>("kle")?.map(parse_kle).transpose()?,
        owner: row.try_get("owner")?,
        summary: row.try_get("summary")?,
        opened_at: from_micros(row.try_get("opened_at")?),
        last_contact_at: from_micros(row.try_get("last_contact_at")?),
    })
}

fn search_text(event: &ContactEvent) -> String {
    let parts = [Some(event.summary.as_str()), event.case_ref.as_deref(), Some(&event.source), event.staff.as_deref()];
    fold_name(&parts.into_iter().flatten().collect::<Vec<_>>().join(" "))
}

/// Stores one event for its citizen, or for the record that citizen was merged into (see
/// [`super::identity::live_citizen_on`]); removes a queued copy of it from the unmatched queue. `digest` is that
/// of the contact as a channel system sent it, if one did.
pub(super) async fn insert_event_on(
    conn: &mut AnyConnection,
    event: &ContactEvent,
    digest: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<EventWriteOutcome> {
    insert_event_kept(conn, event, digest, now, true).await
}

/// [`insert_event_on`], keeping the insight rollups or (`insights` false, to measure what they cost) not.
pub(super) async fn insert_event_kept(
    conn: &mut AnyConnection,
    event: &ContactEvent,
    digest: Option<&str>,
    now: DateTime<Utc>,
    insights: bool,
) -> StoreResult<EventWriteOutcome> {
    let citizen = live_citizen_on(conn, event.citizen_id).await?;
    let population = if insights { Some(citizen_population(conn, citizen).await?) } else { None };
    insert_event_for(conn, event, (citizen, population), digest, now).await
}

/// [`insert_event_on`] for a citizen already made sure of with [`super::identity::live_citizen_on`].
async fn insert_event_for(
    conn: &mut AnyConnection,
    event: &ContactEvent,
    (citizen, population): (CitizenId, Option<Population>),
    digest: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<EventWriteOutcome> {
    let redirected;
    let event = if citizen == event.citizen_id {
        event
    } else {
        redirected = ContactEvent { citizen_id: citizen, ..event.clone() };
        &redirected
    };
    let inserted = sqlx::query(
        "INSERT INTO events (id, citizen_id, occurred_at, channel, direction, authority, kle, case_ref, status, summary, \
         search_text, source, source_id, staff, abandoned, recorded_at, input_digest, failure_demand) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
         ON CONFLICT (source, source_id) DO NOTHING",
    )
    .bind(event.id.to_string())
    .bind(event.citizen_id.to_string())
    .bind(to_micros(event.occurred_at))
    .bind(event.channel.code())
    .bind(code_of(&event.direction))
    .bind(event.authority.as_str())
    .bind(event.kle.as_ref().map(|k| k.as_str().to_owned()))
    .bind(event.case_ref.clone())
    .bind(event.status.code())
    .bind(&event.summary)
    .bind(search_text(event))
    .bind(&event.source)
    .bind(&event.source_id)
    .bind(event.staff.clone())
    .bind(i64::from(event.abandoned))
    .bind(to_micros(now))
    .bind(digest.map(str::to_owned))
    .bind(event.failure_demand.map(|reason| reason.code().to_owned()))
    .execute(&mut *conn)
    .await?;
    if inserted.rows_affected() == 0 {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE source = $1 AND source_id = $2");
        let row = sqlx::query(&sql).bind(&event.source).bind(&event.source_id).fetch_one(&mut *conn).await?;
        return Ok(EventWriteOutcome::Existing(event_from_row(&row)?));
    }
    // Sent again once its citizen could be named, a contact no longer waits in the unmatched queue.
    sqlx::query("DELETE FROM unmatched_events WHERE source = $1 AND source_id = $2")
        .bind(&event.source)
        .bind(&event.source_id)
        .execute(&mut *conn)
        .await?;
    if let Some(case_ref) = &event.case_ref {
        update_case(conn, event, case_ref).await?;
    }
    let Some(population) = population else { return Ok(EventWriteOutcome::Created(event.clone())) };
    // A session counts itself; its rows in timelines are not contacts of their own.
    if event.source != SESSION_SOURCE {
        count_event(conn, event, population).await?;
    }
    if let Some(kle) = event.kle.as_ref().filter(|_| may_return(event)) {
        refresh_returns(conn, event.citizen_id, kle.group(), (event.occurred_at, event.occurred_at)).await?;
    }
    Ok(EventWriteOutcome::Created(event.clone()))
}

/// Whether a contact can make or unmake a tilbageløb: a given-up self-service attempt, or an assisted contact.
pub(super) fn may_return(event: &ContactEvent) -> bool {
    (event.channel == Channel::SelfService && event.abandoned) || crate::domain::insight::is_assisted(event.channel)
}

/// Moves the case to the state of `event` if it is the newest contact on it (events may arrive out of order).
pub(super) async fn update_case(conn: &mut AnyConnection, event: &ContactEvent, case_ref: &str) -> StoreResult<()> {
    let at = to_micros(event.occurred_at);
    sqlx::query(
        "INSERT INTO cases (citizen_id, authority, case_ref, status, kle, owner, summary, opened_at, last_contact_at, last_event_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) \
         ON CONFLICT (citizen_id, authority, case_ref) DO UPDATE SET \
           status = excluded.status, kle = COALESCE(excluded.kle, cases.kle), owner = COALESCE(excluded.owner, cases.owner), \
           summary = excluded.summary, last_contact_at = excluded.last_contact_at, last_event_id = excluded.last_event_id \
         WHERE (cases.last_contact_at, cases.last_event_id) < (excluded.last_contact_at, excluded.last_event_id)",
    )
    .bind(event.citizen_id.to_string())
    .bind(event.authority.as_str())
    .bind(case_ref)
    .bind(event.status.code())
    .bind(event.kle.as_ref().map(|k| k.as_str().to_owned()))
    .bind(event.staff.clone())
    .bind(&event.summary)
    .bind(at)
    .bind(event.id.to_string())
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE cases SET opened_at = $4 WHERE citizen_id = $1 AND authority = $2 AND case_ref = $3 AND opened_at > $4",
    )
    .bind(event.citizen_id.to_string())
    .bind(event.authority.as_str())
    .bind(case_ref)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Stores one event unless `(source, source_id)` is already stored, and updates its case. `digest` is that of
    /// the contact as a channel system sent it, kept to tell a repeat from a different contact under the same key.
    pub async fn insert_event(
        &self,
        event: &ContactEvent,
        digest: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<EventWriteOutcome> {
        let mut tx = self.begin_write().await?;
        let outcome = insert_event_on(&mut tx, event, digest, now).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The digest of the contact stored under `(source, source_id)` as its channel system sent it: `None` when
    /// nothing is stored there, `Some(None)` for a row no channel system sent (or one from before digests).
    pub async fn event_digest(&self, source: &str, source_id: &str) -> StoreResult<Option<Option<String>>> {
        let row = sqlx::query("SELECT input_digest FROM events WHERE source = $1 AND source_id = $2")
            .bind(source)
            .bind(source_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|row| row.try_get::<Option<String>, _>(0)).transpose()?)
    }

    /// Stores many events in one transaction (bulk loads); returns how many were new.
    pub async fn insert_events(&self, events: &[ContactEvent], now: DateTime<Utc>) -> StoreResult<usize> {
        let mut tx = self.begin_write().await?;
        let mut created = 0;
        // Each citizen is made sure of once per load, not once per event, and in id order, so two loads running at
        // once take their row locks in the same order and cannot deadlock.
        let mut citizens: Vec<CitizenId> = events.iter().map(|e| e.citizen_id).collect();
        citizens.sort_unstable();
        citizens.dedup();
        let mut live: HashMap<CitizenId, (CitizenId, Option<Population>)> = HashMap::with_capacity(citizens.len());
        for citizen in citizens {
            let into = live_citizen_on(&mut tx, citizen).await?;
            live.insert(citizen, (into, Some(citizen_population(&mut tx, into).await?)));
        }
        // The rollups are kept once for the whole load, not once per event.
        let mut stored = Vec::new();
        for event in events {
            let (citizen, population) =
                live.get(&event.citizen_id).copied().unwrap_or((event.citizen_id, Some(Population::Real)));
            if let EventWriteOutcome::Created(event) =
                insert_event_for(&mut tx, event, (citizen, None), None, now).await?
            {
                stored.push((event, population.unwrap_or(Population::Real)));
                created += 1;
            }
        }
        count_events(&mut tx, &stored).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// One page of a citizen's timeline, newest first, and the cursor for the next page if there is one.
    pub async fn timeline(
        &self,
        citizen: CitizenId,
        query: &TimelineQuery,
    ) -> StoreResult<(Vec<ContactEvent>, Option<Cursor>)> {
        let mut sql = Sql::new(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE citizen_id = "));
        sql.bind(Param::Text(citizen.to_string()));
        if !query.channels.is_empty() {
            sql.push(" AND channel IN ").bind_list(query.channels.iter().map(|c| Param::Text(c.code().to_owned())));
        }
        if !query.authorities.is_empty() {
            sql.push(" AND authority IN ").bind_list(query.authorities.iter().map(|a| Param::Text(a.clone())));
        }
        if let Some(from) = query.from {
            sql.push(" AND occurred_at >= ").bind(Param::Int(to_micros(from)));
        }
        if let Some(to) = query.to {
            sql.push(" AND occurred_at < ").bind(Param::Int(to_micros(to)));
        }
        if !query.kle.is_empty() {
            sql.push(" AND (");
            for (i, prefix) in query.kle.iter().enumerate() {
                sql.push(if i == 0 { "kle = " } else { " OR kle = " }).bind(Param::Text(prefix.clone()));
                sql.push(" OR kle LIKE ").bind(Param::Text(format!("{}.%", escape_like(prefix)))).push(" ESCAPE '\\'");
            }
            sql.push(")");
        }
        for word in &query.words {
            sql.push(" AND search_text LIKE ")
                .bind(Param::Text(contains_pattern(&fold_name(word))))
                .push(" ESCAPE '\\'");
        }
        if let Some(cursor) = &query.cursor {
            sql.push(" AND (occurred_at, id) < (").bind(Param::Int(cursor.occurred_at)).push(", ");
            sql.bind(Param::Text(cursor.id.clone())).push(")");
        }
        // One row more than asked tells whether another page exists.
        sql.push(" ORDER BY occurred_at DESC, id DESC LIMIT ").bind(Param::Int(i64::from(query.limit) + 1));
        let mut events = self.read_rows(sql, event_from_row).await?;
        let next = if events.len() > query.limit as usize {
            events.truncate(query.limit as usize);
            events.last().map(|e| Cursor { occurred_at: to_micros(e.occurred_at), id: e.id.to_string() })
        } else {
            None
        };
        Ok((events, next))
    }

    /// Every event of a citizen, newest first (for the access-request export).
    pub async fn all_events(&self, citizen: CitizenId) -> StoreResult<Vec<ContactEvent>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events WHERE citizen_id = $1 ORDER BY occurred_at DESC, id DESC");
        let rows = sqlx::query(&sql).bind(citizen.to_string()).fetch_all(self.pool()).await?;
        rows.iter().map(|row| event_from_row(row)).collect()
    }

    /// A citizen's cases; with `open_only`, those whose latest status is open or waiting. Newest contact first.
    pub async fn cases(&self, citizen: CitizenId, open_only: bool) -> StoreResult<Vec<Case>> {
        let filter = if open_only { " AND status <> 'resolved'" } else { "" };
        let sql = format!(
            "SELECT authority, case_ref, status, kle, owner, summary, opened_at, last_contact_at FROM cases \
             WHERE citizen_id = $1{filter} ORDER BY last_contact_at DESC, case_ref"
        );
        let rows = sqlx::query(&sql).bind(citizen.to_string()).fetch_all(self.pool()).await?;
        rows.iter().map(case_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor { occurred_at: 1_700_000_000_000_000, id: uuid::Uuid::nil().to_string() };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("nonsense"), None);
        assert_eq!(Cursor::decode("12_not-a-uuid"), None);
    }
}
