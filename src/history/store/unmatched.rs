//! The unmatched queue: contacts whose reference was valid but named no citizen, or several, wait here for a
//! supervisor instead of being guessed onto someone's timeline or refused.
//!
//! Like events, the queue holds at most one row per `(source, source_id)`, so a channel system that sends a
//! contact again queues nothing new. Storing the contact for a citizen later (by a link, or because the channel
//! system sent it again once the citizen could be named) removes it from the queue.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;
use uuid::Uuid;

use super::events::{EVENT_COLUMNS, EventWriteOutcome, event_from_row, insert_event_on};
use super::{Store, StoreError, StoreResult, from_micros, parse_json, parse_uuid, to_micros};
use crate::domain::{CitizenId, ContactEvent};
use crate::history::api::{EventInput, UnmatchedEvent, UnmatchedReason};

const UNMATCHED_COLUMNS: &str = "id, reason, named_by, candidates, input, received_at";

/// A contact to queue.
#[derive(Clone, Debug)]
pub struct NewUnmatched<'a> {
    /// Checked and trimmed, as the event would be stored.
    pub source: &'a str,
    pub source_id: &'a str,
    pub reason: UnmatchedReason,
    /// `cpr`, `phone` or `email`.
    pub named_by: &'static str,
    pub candidates: &'a [CitizenId],
    /// The contact as sent.
    pub input: &'a EventInput,
}

/// What queueing a contact did.
#[derive(Clone, Debug, PartialEq)]
pub enum QueueOutcome {
    /// The contact waits in the queue; `created` is `false` when it was already waiting.
    Queued { id: Uuid, reason: UnmatchedReason, created: bool },
    /// `(source, source_id)` is already stored as an event: here it is, unchanged.
    AlreadyStored(Box<ContactEvent>),
    /// A different contact already waits under `(source, source_id)`; nothing changed.
    Conflict,
}

fn unmatched_from_row(row: &AnyRow) -> StoreResult<UnmatchedEvent> {
    let reason: String = row.try_get("reason")?;
    Ok(UnmatchedEvent {
        id: parse_uuid(&row.try_get::<String, _>("id")?, "unmatched id")?,
        reason: UnmatchedReason::from_code(&reason)
            .ok_or(StoreError::Corrupt { what: "unmatched reason", detail: reason })?,
        named_by: row.try_get("named_by")?,
        candidates: parse_json(&row.try_get::<String, _>("candidates")?, "unmatched candidates")?,
        received_at: from_micros(row.try_get("received_at")?),
        event: parse_json(&row.try_get::<String, _>("input")?, "unmatched contact")?,
    })
}

impl Store {
    /// Queues a contact unless `(source, source_id)` is already queued or already stored as an event.
    pub async fn queue_unmatched(&self, entry: &NewUnmatched<'_>, now: DateTime<Utc>) -> StoreResult<QueueOutcome> {
        let mut tx = self.begin_write().await?;
        let id = Uuid::now_v7();
        let candidates: Vec<String> = entry.candidates.iter().map(ToString::to_string).collect();
        // The write comes first, so SQLite takes its write lock before anything is read.
        let inserted = sqlx::query(
            "INSERT INTO unmatched_events (id, source, source_id, reason, named_by, candidates, input, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (source, source_id) DO NOTHING",
        )
        .bind(id.to_string())
        .bind(entry.source)
        .bind(entry.source_id)
        .bind(entry.reason.code())
        .bind(entry.named_by)
        .bind(serde_json::to_string(&candidates).unwrap_or_default())
        .bind(serde_json::to_string(entry.input).unwrap_or_default())
        .bind(to_micros(now))
        .execute(&mut *tx)
        .await?;
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE source = $1 AND source_id = $2");
        let stored = sqlx::query(&sql).bind(entry.source).bind(entry.source_id).fetch_optional(&mut *tx).await?;
        if let Some(row) = stored {
            // Dropping the transaction takes back the row just queued.
            return Ok(QueueOutcome::AlreadyStored(Box::new(event_from_row(&row)?)));
        }
        let outcome = if inserted.rows_affected() > 0 {
            QueueOutcome::Queued { id, reason: entry.reason, created: true }
        } else {
            let row = sqlx::query(&format!(
                "SELECT {UNMATCHED_COLUMNS} FROM unmatched_events WHERE source = $1 AND source_id = $2"
            ))
            .bind(entry.source)
            .bind(entry.source_id)
            .fetch_one(&mut *tx)
            .await?;
            let waiting = unmatched_from_row(&row)?;
            // Both sides serialised the same way: equal text is the same contact.
            if serde_json::to_string(&waiting.event).ok() != serde_json::to_string(entry.input).ok() {
                return Ok(QueueOutcome::Conflict);
            }
            QueueOutcome::Queued { id: waiting.id, reason: waiting.reason, created: false }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// The queue, oldest first: at most `limit` contacts, and whether more wait.
    pub async fn unmatched(&self, limit: u32) -> StoreResult<(Vec<UnmatchedEvent>, bool)> {
        let sql = format!("SELECT {UNMATCHED_COLUMNS} FROM unmatched_events ORDER BY received_at, id LIMIT $1");
        let rows = sqlx::query(&sql).bind(i64::from(limit) + 1).fetch_all(self.pool()).await?;
        let mut waiting = rows.iter().map(unmatched_from_row).collect::<StoreResult<Vec<_>>>()?;
        let more = waiting.len() > limit as usize;
        waiting.truncate(limit as usize);
        Ok((waiting, more))
    }

    /// One queued contact.
    pub async fn unmatched_event(&self, id: Uuid) -> StoreResult<Option<UnmatchedEvent>> {
        let sql = format!("SELECT {UNMATCHED_COLUMNS} FROM unmatched_events WHERE id = $1");
        let row = sqlx::query(&sql).bind(id.to_string()).fetch_optional(self.pool()).await?;
        row.as_ref().map(unmatched_from_row).transpose()
    }

    /// Takes contact `id` off the queue and stores `event` (the contact, checked, for the chosen citizen) through
    /// the ordinary insert, so its case is updated too. `None` when `id` is not (or no longer) queued.
    pub async fn link_unmatched(
        &self,
        id: Uuid,
        event: &ContactEvent,
        digest: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<EventWriteOutcome>> {
        let mut tx = self.begin_write().await?;
        let taken =
            sqlx::query("DELETE FROM unmatched_events WHERE id = $1").bind(id.to_string()).execute(&mut *tx).await?;
        if taken.rows_affected() == 0 {
            return Ok(None);
        }
        let outcome = insert_event_on(&mut tx, event, Some(digest), now).await?;
        tx.commit().await?;
        Ok(Some(outcome))
    }
}
