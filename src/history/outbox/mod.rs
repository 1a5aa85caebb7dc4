//! The durable outbox for logged sessions: every assisted session the console logs reaches the shared service
//! exactly once, whatever happens to the network, the service or the console.
//!
//! A session is first written to an append-only journal and fsync'd ([`Outbox::append`]); only then is it sent.
//! The service stores a session once per client-generated id and answers a repeat of the same body with 200, so
//! sending again after a crash or a lost answer is harmless. An entry leaves the outbox only when the service's
//! answer has been journaled: stored, or the staff member resolved a conflict. A 409 (a different session under
//! that id) is never retried or overwritten; any other refusal is kept until staff put it back in the queue.

mod demo;
mod fault;
mod journal;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};
use uuid::Uuid;

pub use demo::demo_session;
#[doc(hidden)]
pub use fault::Fault;
use fault::stall;
use journal::{Journal, Record};

use super::api::{SessionInput, SessionWrite};
use super::client::{ClientError, HistoryClient};

/// The first wait after a failed send; it doubles with every failed pass up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait between passes while the service cannot be reached.
pub const MAX_BACKOFF: Duration = Duration::from_mins(1);

/// New entries the sender may not have reported yet; it reports them at every wake, so this is never reached
/// by people logging sessions.
const ANNOUNCE_CAPACITY: usize = 1024;

/// Dead records the journal may hold beyond twice the live ones before it is rewritten.
const REWRITE_SLACK: usize = 64;

/// Why the outbox could not do what was asked. Messages hold ids at most, never what a session says.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(
        "the outbox journal could not be read or written ({0}); check that the disk has room and the data \
         directory is writable, then try again"
    )]
    Io(#[from] std::io::Error),
    #[error("the outbox is in use by another console; close the other console (or wait for it to finish) first")]
    InUse,
    #[error("no unconfirmed session has id {0}; it may already have been confirmed")]
    UnknownEntry(Uuid),
    #[error("another session is already waiting under id {0}; give the new session a fresh id")]
    IdTaken(Uuid),
    #[error("session {0} is not in conflict with the service; only a conflicted session can be logged as new")]
    NotConflicted(Uuid),
    #[error("session {0} was not rejected by the service; only a rejected session can be put back in the queue")]
    NotRejected(Uuid),
    #[error("session {0} needs no attention; only a conflicted or rejected session can be set aside")]
    NeedsNoAttention(Uuid),
}

/// A line of the journal that was not whole or did not pass its checksum, moved to [`OpenReport::torn_file`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornEntry {
    /// 1-based line number in the journal as it was found.
    pub line: usize,
    pub bytes: usize,
}

/// What opening the outbox found.
#[derive(Clone, Debug)]
pub struct OpenReport {
    /// Sessions still to be sent.
    pub waiting: usize,
    /// Sessions in conflict or rejected: staff must decide.
    pub needs_attention: usize,
    pub torn: Vec<TornEntry>,
    /// Where torn lines are kept (`<journal>.torn`).
    pub torn_file: PathBuf,
}

/// Where an unconfirmed session stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryState {
    /// To be sent (again).
    Waiting,
    /// The service holds a different session under this id: log it as new or set it aside.
    Conflict(String),
    /// The service refused it; it is tried again only after [`Outbox::requeue`].
    Rejected(String),
}

/// A session the service has not confirmed yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub id: Uuid,
    pub input: SessionInput,
    pub journaled_at: DateTime<Utc>,
    pub state: EntryState,
    /// Sends tried since the outbox was opened.
    pub attempts: u32,
}

/// What happened to an entry, as reported by [`Outbox::spawn_sender`] and [`Outbox::send_pending`].
#[derive(Clone, Debug)]
pub enum OutboxEvent {
    /// Durably written; it will reach the service.
    Journaled(Uuid),
    /// The service has it; `created` is `false` when it already had it (a repeat after a lost answer).
    Confirmed { id: Uuid, created: bool },
    /// Not sent this time; tried again after `next_in` or sooner.
    Retrying { id: Uuid, error: ClientError, next_in: Duration },
    /// A different session is stored under this id; never retried by itself.
    Conflict { id: Uuid, message: String },
    /// Refused; kept, and tried again only after [`Outbox::requeue`].
    Rejected { id: Uuid, error: ClientError },
}

/// Reads a session from JSON (a `PUT /v1/sessions/{id}` body), UTF-8 with or without a BOM; UTF-16 or ANSI is
/// named as such. The reason for a refusal never quotes the file's values, since they are what was said at the
/// counter.
pub fn parse_session(json: &[u8]) -> Result<SessionInput, String> {
    let text = crate::encoding::decode_utf8_text(json).map_err(|error| error.to_string())?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| super::ingest::redact::parser_message(&error.to_string()))?;
    super::ingest::redact::parse_json(value).map_err(|error| error.to_string())
}

/// The writing side: the journal and what happens around a write. When both locks are needed, this one is
/// taken first, and it is held from a record's write until the record has taken effect, so [`State`] follows
/// the journal in order.
struct Writer {
    journal: Journal,
    /// The running sender, told of each new entry.
    announce: Option<mpsc::Sender<Uuid>>,
    /// A fault and how many appends still pass before it strikes.
    fault: Option<(Fault, u32)>,
}

/// What the journal says, under a lock of its own so readers (a UI drawing a frame) never wait for an fsync.
struct State {
    /// Oldest first.
    slots: Vec<Slot>,
    /// Passes in a row that could not reach the service, for the backoff.
    failures: u32,
}

struct Slot {
    entry: Entry,
    /// The HTTP status of a rejection, kept so a rewritten journal says the same as the original.
    status: Option<u16>,
}

struct Shared {
    path: PathBuf,
    writer: Mutex<Writer>,
    state: Mutex<State>,
    wake: Notify,
    /// One pass at a time, so two senders never race each other for the same entries.
    pass: tokio::sync::Mutex<()>,
}

/// The durable outbox. Cheap to clone; every clone is the same outbox.
#[derive(Clone)]
pub struct Outbox {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").field("path", &self.shared.path).finish_non_exhaustive()
    }
}

impl Outbox {
    /// Opens (or creates, with its directories) the outbox journal at `path` and locks it for this process.
    ///
    /// Torn or damaged lines are moved to `<path>.torn` and reported; the journal is then rewritten with only
    /// what still matters. Blocking.
    pub fn open(path: &Path) -> Result<(Self, OpenReport), OutboxError> {
        let (mut journal, records, torn) = Journal::open(path)?;
        let found = records.len();
        let mut slots = Vec::new();
        for record in records {
            apply(&mut slots, record);
        }
        let live = live_records(&slots);
        if !torn.is_empty() || live.len() != found {
            journal.rewrite(&live)?;
        }
        let state = State { slots, failures: 0 };
        let report = OpenReport {
            waiting: state.waiting(),
            needs_attention: state.slots.len() - state.waiting(),
            torn,
            torn_file: journal::sibling(path, ".torn"),
        };
        let shared = Shared {
            path: path.to_owned(),
            writer: Mutex::new(Writer { journal, announce: None, fault: None }),
            state: Mutex::new(state),
            wake: Notify::new(),
            pass: tokio::sync::Mutex::new(()),
        };
        Ok((Self { shared: Arc::new(shared) }, report))
    }

    /// The journal's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.shared.path
    }

    // A panic elsewhere cannot leave the two halves disagreeing: a record takes effect only after it is written,
    // and a write that failed part-way is cut away before the next one.
    fn writer(&self) -> MutexGuard<'_, Writer> {
        self.shared.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Journals a session under `id`. Durable when it returns `Ok` (written and fsync'd). Blocking: call it from
    /// a blocking context (`spawn_blocking`). The same id with the same body again is a no-op.
    pub fn append(&self, id: Uuid, input: &SessionInput) -> Result<(), OutboxError> {
        let mut writer = self.writer();
        if let Some(slot) = self.state().slots.iter().find(|s| s.entry.id == id) {
            return if slot.entry.input == *input { Ok(()) } else { Err(OutboxError::IdTaken(id)) };
        }
        self.put(&mut writer, Record::Put { id, input: Box::new(input.clone()), at: Utc::now(), replaces: None })?;
        drop(writer);
        self.shared.wake.notify_one();
        Ok(())
    }

    /// Everything not yet confirmed, oldest first.
    #[must_use]
    pub fn entries(&self) -> Vec<Entry> {
        self.state().slots.iter().map(|slot| slot.entry.clone()).collect()
    }

    /// Entries still to be sent.
    #[must_use]
    pub fn waiting(&self) -> usize {
        self.state().waiting()
    }

    /// Entries in conflict or rejected, which wait for a staff member's decision.
    #[must_use]
    pub fn needs_attention(&self) -> usize {
        let state = self.state();
        state.slots.len() - state.waiting()
    }

    /// One pass: tries every waiting entry once, oldest first, and journals the answers. The pass ends early
    /// when the service cannot be reached (network, timeout, 429), since the rest would fail the same way.
    pub async fn send_pending(&self, client: &HistoryClient) -> Vec<OutboxEvent> {
        let mut events = Vec::new();
        self.pass(client, |event| events.push(event)).await;
        events
    }

    /// The pass behind [`Outbox::send_pending`]; returns the wait before the next one when something failed.
    async fn pass(&self, client: &HistoryClient, mut report: impl FnMut(OutboxEvent)) -> Option<Duration> {
        let _one_pass = self.shared.pass.lock().await;
        let batch: Vec<(Uuid, SessionInput)> = self
            .state()
            .slots
            .iter()
            .filter(|slot| slot.entry.state == EntryState::Waiting)
            .map(|slot| (slot.entry.id, slot.entry.input.clone()))
            .collect();
        let mut retry_in = None;
        for (id, input) in batch {
            if !self.state().begin_attempt(id) {
                continue; // Set aside while the pass ran.
            }
            match client.put_session(id, &input).await {
                Err(error) if error.is_transient() => {
                    let next_in = *retry_in.get_or_insert_with(|| self.state().failed());
                    let unreachable =
                        matches!(error, ClientError::Timeout | ClientError::Network(_) | ClientError::Tls(_))
                            || error.status() == Some(429);
                    report(OutboxEvent::Retrying { id, error, next_in });
                    if unreachable {
                        break;
                    }
                }
                answer => {
                    let (record, event) = outcome(id, answer);
                    let outbox = self.clone();
                    // An fsync can take a while; it must not hold up the async workers.
                    if let Err(error) = tokio::task::spawn_blocking(move || outbox.record(record)).await {
                        tracing::warn!(%error, "journaling a send result stopped");
                    }
                    report(event);
                }
            }
        }
        if retry_in.is_none() {
            self.state().failures = 0;
        }
        retry_in
    }

    /// Sends until the returned handle is aborted: passes after every append or [`Outbox::retry_now`], and after a
    /// failure waits 1 s, doubling to 60 s. Every event goes to `report`, which must not block.
    pub fn spawn_sender(
        &self,
        client: HistoryClient,
        report: impl Fn(OutboxEvent) + Send + Sync + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let outbox = self.clone();
        let (announce, mut fresh) = mpsc::channel(ANNOUNCE_CAPACITY);
        self.writer().announce = Some(announce);
        tokio::spawn(async move {
            loop {
                while let Ok(id) = fresh.try_recv() {
                    report(OutboxEvent::Journaled(id));
                }
                let retry_in = outbox.pass(&client, &report).await;
                let woken = outbox.shared.wake.notified();
                match retry_in {
                    Some(delay) => {
                        tokio::select! {
                            () = tokio::time::sleep(delay) => {}
                            () = woken => {}
                        }
                    }
                    None => woken.await,
                }
            }
        })
    }

    /// Ends the current wait of the sender and starts the backoff again from its first step.
    pub fn retry_now(&self) {
        self.state().failures = 0;
        self.shared.wake.notify_one();
    }

    /// A conflicted entry: journals its body again under a fresh id (returned), which replaces the old entry in
    /// the same durable line, so a crash cannot leave both. Blocking.
    pub fn relog_as_new(&self, id: Uuid) -> Result<Uuid, OutboxError> {
        let mut writer = self.writer();
        let input = {
            let state = self.state();
            let slot = state.slot(id)?;
            if !matches!(slot.entry.state, EntryState::Conflict(_)) {
                return Err(OutboxError::NotConflicted(id));
            }
            Box::new(slot.entry.input.clone())
        };
        let new_id = Uuid::now_v7();
        self.put(&mut writer, Record::Put { id: new_id, input, at: Utc::now(), replaces: Some(id) })?;
        drop(writer);
        self.shared.wake.notify_one();
        Ok(new_id)
    }

    /// A rejected entry: puts it back in the queue. Blocking.
    pub fn requeue(&self, id: Uuid) -> Result<(), OutboxError> {
        let mut writer = self.writer();
        if !matches!(self.state().slot(id)?.entry.state, EntryState::Rejected(_)) {
            return Err(OutboxError::NotRejected(id));
        }
        self.write(&mut writer, Record::Requeue { id })?;
        drop(writer);
        self.shared.wake.notify_one();
        Ok(())
    }

    /// A conflicted or rejected entry that staff decided not to send: removes it from the outbox. Blocking.
    pub fn set_aside(&self, id: Uuid) -> Result<(), OutboxError> {
        let mut writer = self.writer();
        if self.state().slot(id)?.entry.state == EntryState::Waiting {
            return Err(OutboxError::NeedsNoAttention(id));
        }
        self.write(&mut writer, Record::Resolved { id })?;
        self.compact(&mut writer);
        Ok(())
    }

    /// Makes this process stall at `fault` on its `nth` append (1-based), for crash tests.
    #[doc(hidden)]
    pub fn inject_fault(&self, fault: Fault, nth: u32) {
        self.writer().fault = Some((fault, nth.saturating_sub(1)));
    }

    /// Writes a record durably, then lets it take effect.
    fn write(&self, writer: &mut Writer, record: Record) -> Result<(), OutboxError> {
        writer.journal.append(&record)?;
        apply(&mut self.state().slots, record);
        Ok(())
    }

    /// Writes a new session's line (or stalls part-way when a fault is due) and tells the sender.
    fn put(&self, writer: &mut Writer, record: Record) -> Result<(), OutboxError> {
        let Record::Put { id, .. } = record else { return self.write(writer, record) };
        let fault = writer.due_fault();
        if fault == Some(Fault::StallMidWrite) {
            writer.journal.append_half(&record)?;
            stall(&format!("{} stalled mid-write of {id}", Fault::MARKER));
        }
        self.write(writer, record)?;
        if fault == Some(Fault::StallAfterJournal) {
            stall(&format!("{} stalled after journaling {id}", Fault::MARKER));
        }
        if let Some(announce) = &writer.announce
            && let Err(mpsc::error::TrySendError::Closed(_)) = announce.try_send(id)
        {
            writer.announce = None; // The sender was stopped.
        }
        Ok(())
    }

    /// Takes in the service's answer. The outbox follows the answer even if it cannot be journaled: the journal
    /// then still holds the entry as waiting, and sending it again after a restart gets the same answer.
    fn record(&self, record: Record) {
        let mut writer = self.writer();
        if let Err(error) = writer.journal.append(&record) {
            tracing::warn!(%error, "the outbox could not journal the service's answer; it is sent again on restart");
        }
        apply(&mut self.state().slots, record);
        self.compact(&mut writer);
    }

    /// Keeps the journal from growing forever: empty when nothing is unconfirmed, rewritten when mostly dead.
    fn compact(&self, writer: &mut Writer) {
        let records = writer.journal.records();
        let (unconfirmed, live) = {
            let state = self.state();
            let mostly_dead = records > 2 * state.slots.len() + REWRITE_SLACK;
            (state.slots.len(), mostly_dead.then(|| live_records(&state.slots)))
        };
        let result = if unconfirmed == 0 {
            if records == 0 { Ok(()) } else { writer.journal.truncate() }
        } else if let Some(live) = live {
            writer.journal.rewrite(&live)
        } else {
            Ok(())
        };
        if let Err(error) = result {
            tracing::warn!(%error, "the outbox journal could not be compacted; it is tried again later");
        }
    }
}

impl Writer {
    fn due_fault(&mut self) -> Option<Fault> {
        let (fault, before) = self.fault.as_mut()?;
        if *before > 0 {
            *before -= 1;
            return None;
        }
        let fault = *fault;
        self.fault = None;
        Some(fault)
    }
}

impl State {
    fn waiting(&self) -> usize {
        self.slots.iter().filter(|slot| slot.entry.state == EntryState::Waiting).count()
    }

    fn slot(&self, id: Uuid) -> Result<&Slot, OutboxError> {
        self.slots.iter().find(|slot| slot.entry.id == id).ok_or(OutboxError::UnknownEntry(id))
    }

    /// Counts an attempt; `false` if the entry is no longer waiting.
    fn begin_attempt(&mut self, id: Uuid) -> bool {
        match self.slots.iter_mut().find(|slot| slot.entry.id == id) {
            Some(slot) if slot.entry.state == EntryState::Waiting => {
                slot.entry.attempts += 1;
                true
            }
            _ => false,
        }
    }

    /// Counts a pass that failed and returns the wait before the next one.
    fn failed(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        backoff(self.failures)
    }
}

/// Applies one record to the entries; the same function replays the journal and follows live writes.
fn apply(slots: &mut Vec<Slot>, record: Record) {
    match record {
        Record::Put { id, input, at, replaces } => {
            if let Some(old) = replaces {
                slots.retain(|slot| slot.entry.id != old);
            }
            if !slots.iter().any(|slot| slot.entry.id == id) {
                let entry = Entry { id, input: *input, journaled_at: at, state: EntryState::Waiting, attempts: 0 };
                slots.push(Slot { entry, status: None });
            }
        }
        Record::Ack { id, .. } | Record::Resolved { id } => slots.retain(|slot| slot.entry.id != id),
        Record::Conflict { id, message } => {
            if let Some(entry) = entry_mut(slots, id) {
                entry.state = EntryState::Conflict(message);
            }
        }
        Record::Rejected { id, status, message } => {
            if let Some(slot) = slots.iter_mut().find(|slot| slot.entry.id == id) {
                (slot.entry.state, slot.status) = (EntryState::Rejected(message), status);
            }
        }
        Record::Requeue { id } => {
            if let Some(entry) = entry_mut(slots, id)
                && matches!(entry.state, EntryState::Rejected(_))
            {
                entry.state = EntryState::Waiting;
            }
        }
    }
}

fn entry_mut(slots: &mut [Slot], id: Uuid) -> Option<&mut Entry> {
    slots.iter_mut().find(|slot| slot.entry.id == id).map(|slot| &mut slot.entry)
}

/// The shortest journal that replays to these entries.
fn live_records(slots: &[Slot]) -> Vec<Record> {
    let mut records = Vec::with_capacity(slots.len());
    for Slot { entry, status } in slots {
        let id = entry.id;
        let input = Box::new(entry.input.clone());
        records.push(Record::Put { id, input, at: entry.journaled_at, replaces: None });
        match &entry.state {
            EntryState::Waiting => {}
            EntryState::Conflict(message) => records.push(Record::Conflict { id, message: message.clone() }),
            EntryState::Rejected(message) => {
                records.push(Record::Rejected { id, status: *status, message: message.clone() });
            }
        }
    }
    records
}

/// The journal record and the event for an answer from the service.
fn outcome(id: Uuid, answer: Result<SessionWrite, ClientError>) -> (Record, OutboxEvent) {
    match answer {
        Ok(write) => {
            (Record::Ack { id, created: write.created }, OutboxEvent::Confirmed { id, created: write.created })
        }
        Err(error) if error.status() == Some(409) => {
            let message = error.to_string();
            (Record::Conflict { id, message: message.clone() }, OutboxEvent::Conflict { id, message })
        }
        Err(error) => {
            let record = Record::Rejected { id, status: error.status(), message: error.to_string() };
            (record, OutboxEvent::Rejected { id, error })
        }
    }
}

/// The wait after `failures` failed passes in a row: 1 s, 2 s, 4 s … 60 s.
fn backoff(failures: u32) -> Duration {
    FIRST_BACKOFF.saturating_mul(1 << failures.saturating_sub(1).min(6)).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests;
