//! `medbetjening import FILE.jsonl`: citizen records from a registry feed and contacts from channel systems,
//! one JSON object per line, written straight to the store through the same checks the service applies.
//!
//! A bad line is reported with its number and reason and skipped; the rest goes in. A contact whose valid
//! reference names nobody, or several citizens, goes to the unmatched queue for a supervisor, as through the API,
//! and is counted apart. Running the same file twice stores nothing new (citizens match on CPR number, events and
//! queued contacts on `(source, source_id)`). Reasons never quote the line's values, since they may be personal data.

use serde::Deserialize;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use uuid::Uuid;

use super::api::{CitizenInput, EventInput};
use super::ingest::{self, Ingested, InputError};
use super::store::{RecordWriter, Store, StoreError, UpsertOutcome};
use crate::domain::AuthorityCatalog;

/// One line of an import file.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Record {
    Citizen(CitizenInput),
    Event(EventInput),
}

/// A line that was not imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub reason: String,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub lines: usize,
    pub citizens_created: usize,
    pub citizens_updated: usize,
    pub citizens_unchanged: usize,
    pub events_created: usize,
    pub events_existing: usize,
    /// Contacts in the unmatched queue: queued now, or already waiting from an earlier run.
    pub events_queued: usize,
    pub errors: Vec<LineError>,
}

/// How far an import has come.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub lines: usize,
    pub bytes: u64,
}

/// Replaces every double-quoted part of a message with `"…"`, so values from the line never reach a report.
pub(crate) fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if !inside {
                out.push_str("\"…\"");
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// Imports every line of `reader`, calling `progress` every 500 lines; stops only on a store failure.
pub async fn import(
    store: &Store,
    authorities: &AuthorityCatalog,
    mut reader: impl AsyncBufRead + Unpin,
    mut progress: impl FnMut(Progress),
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut bytes = 0u64;
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).await?;
        if read == 0 {
            break;
        }
        bytes += read as u64;
        report.lines += 1;
        let line = report.lines;
        match import_line(store, authorities, &buffer, &mut report).await {
            Ok(()) => {}
            Err(InputError::Store(error)) => return Err(ImportError::Store(error)),
            Err(error) => report.errors.push(LineError { line, reason: error.to_string() }),
        }
        if line % 500 == 0 {
            progress(Progress { lines: line, bytes });
        }
    }
    progress(Progress { lines: report.lines, bytes });
    Ok(report)
}

async fn import_line(
    store: &Store,
    authorities: &AuthorityCatalog,
    raw: &[u8],
    report: &mut ImportReport,
) -> Result<(), InputError> {
    let invalid = |message: String| InputError::Invalid { field: "line".to_owned(), message };
    let text = std::str::from_utf8(raw).map_err(|_| invalid("not UTF-8 text".to_owned()))?;
    if text.trim().is_empty() {
        return Ok(());
    }
    let record: Record = serde_json::from_str(text).map_err(|e| invalid(redact_quoted(&e.to_string())))?;
    let now = chrono::Utc::now();
    match record {
        Record::Citizen(input) => {
            let writer = RecordWriter::Registry { fictitious: input.fictitious };
            match store.upsert_citizen(&ingest::citizen(input, Uuid::new_v4())?, writer, now).await? {
                UpsertOutcome::Created(_) => report.citizens_created += 1,
                UpsertOutcome::Updated(_) => report.citizens_updated += 1,
                UpsertOutcome::Unchanged(_) => report.citizens_unchanged += 1,
                UpsertOutcome::IdentityConflict => {
                    return Err(invalid(
                        "the CPR numbers belong to more than one citizen; merge them first".to_owned(),
                    ));
                }
                UpsertOutcome::FictitiousConflict | UpsertOutcome::RealRecord => {
                    return Err(invalid(
                        "fictitious differs from the stored record; only an administrator changes it".to_owned(),
                    ));
                }
            }
        }
        Record::Event(input) => match ingest::ingest_event(store, &input, authorities, now).await? {
            Ingested::Stored { created: true, .. } => report.events_created += 1,
            Ingested::Stored { created: false, .. } => report.events_existing += 1,
            Ingested::Queued(_) => report.events_queued += 1,
        },
    }
    Ok(())
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("reading the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_redacted() {
        assert_eq!(
            redact_quoted("invalid type: string \"Jens Hansen\", expected u32 at line 1 column 9"),
            "invalid type: string \"…\", expected u32 at line 1 column 9"
        );
        assert_eq!(redact_quoted("unknown field `nmae`"), "unknown field `nmae`");
    }
}
