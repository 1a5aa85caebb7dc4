//! `medbetjening import FILE.jsonl`: citizen records from a registry feed and contacts from channel systems,
//! one JSON object per line, written straight to the store through the same checks the service applies.
//!
//! A bad line is reported with its number and reason and skipped; the rest goes in. A contact whose valid
//! reference names nobody, or several citizens, goes to the unmatched queue for a supervisor, as through the API,
//! and is counted apart. Running the same file twice stores nothing new (citizens match on CPR number, events and
//! queued contacts on `(source, source_id)`). Reasons never quote the line's values, since they may be personal data.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use uuid::Uuid;

use super::api::{CitizenInput, EventInput};
use super::ingest::{self, Ingested, InputError, redact, text};
use super::store::{RecordWriter, Store, StoreError, UpsertOutcome};
use crate::domain::AuthorityCatalog;
use crate::encoding::{self, EncodingError};

/// One line of an import file.
#[derive(Debug)]
enum Record {
    Citizen(CitizenInput),
    Event(EventInput),
}

impl Record {
    /// Reads a line's object by its `type`. The two steps, rather than serde's tagged enum, keep the path to a
    /// bad field in the message (`occurred_at: premature end of input`), which a tagged enum loses.
    fn parse(mut value: serde_json::Value) -> Result<Self, InputError> {
        let kind = value.as_object_mut().and_then(|object| object.remove("type"));
        let invalid = |message: &str| InputError::Invalid { field: "type".to_owned(), message: message.to_owned() };
        match kind.as_ref().and_then(serde_json::Value::as_str) {
            Some("citizen") => redact::parse_json(value).map(Self::Citizen),
            Some("event") => redact::parse_json(value).map(Self::Event),
            Some(_) => Err(invalid("must be citizen or event")),
            None => Err(invalid("missing; give \"type\": \"citizen\" or \"event\"")),
        }
    }
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

/// The longest line read, in bytes: the API's body limit, since a line is one request's body. A longer line is
/// skipped to its end without being held in memory.
pub const MAX_LINE_BYTES: usize = super::api::MAX_BODY_BYTES;

/// Reads up to and including the next newline into `buffer`, keeping at most `max` bytes of it; returns the bytes
/// consumed (0 at the end) and whether the line was longer than `max` (its rest is consumed, not kept).
async fn read_line_bounded(
    reader: &mut (impl AsyncBufRead + Unpin),
    buffer: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(usize, bool)> {
    let (mut consumed, mut too_long) = (0, false);
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok((consumed, too_long));
        }
        let (chunk, done) = match available.iter().position(|b| *b == b'\n') {
            Some(end) => (&available[..=end], true),
            None => (available, false),
        };
        let room = max.saturating_sub(buffer.len());
        if chunk.len() > room {
            too_long = true;
        }
        if !too_long {
            buffer.extend_from_slice(chunk);
        }
        let used = chunk.len();
        reader.consume(used);
        consumed += used;
        if done {
            return Ok((consumed, too_long));
        }
    }
}

/// Imports every line of `reader`, calling `progress` every 500 lines; stops only on a store failure. A UTF-8 BOM
/// is skipped; a UTF-16 file imports nothing and is reported once, as line 1's error.
pub async fn import(
    store: &Store,
    authorities: &AuthorityCatalog,
    mut reader: impl AsyncBufRead + Unpin,
    mut progress: impl FnMut(Progress),
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    // UTF-16 would fail on every line, so the file is refused once, by its first bytes, before anything is stored.
    if let Some(big_endian) = encoding::utf16_big_endian(reader.fill_buf().await?) {
        let reason = format!("{}; nothing was imported", EncodingError::Utf16 { big_endian });
        report.errors.push(LineError { line: 1, reason });
        progress(Progress { lines: 0, bytes: 0 });
        return Ok(report);
    }
    let mut bytes = 0u64;
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        let (read, too_long) = read_line_bounded(&mut reader, &mut buffer, MAX_LINE_BYTES).await?;
        if read == 0 {
            break;
        }
        bytes += read as u64;
        report.lines += 1;
        let line = report.lines;
        if line == 1 && buffer.starts_with(encoding::UTF8_BOM) {
            // Notepad's "UTF-8 with BOM": the mark is not JSON.
            buffer.drain(..encoding::UTF8_BOM.len());
        }
        if too_long {
            let reason = format!("line: longer than the limit of {MAX_LINE_BYTES} bytes; skipped");
            report.errors.push(LineError { line, reason });
            continue;
        }
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
    let text = std::str::from_utf8(raw)
        .map_err(|_| invalid("not UTF-8 text; the file may be saved as ANSI: save it as UTF-8".to_owned()))?;
    if text.trim().is_empty() {
        return Ok(());
    }
    let parse_error = |e: serde_json::Error| invalid(redact::parser_message(&e.to_string()));
    let value: serde_json::Value = serde_json::from_str(text).map_err(parse_error)?;
    if let Some(field) = text::control_character_path(&value) {
        return Err(InputError::Invalid {
            field,
            message: "contains a control character; only tab and line breaks are allowed in text".to_owned(),
        });
    }
    let record = Record::parse(value)?;
    let now = chrono::Utc::now();
    match record {
        Record::Citizen(input) => {
            let writer = RecordWriter::Registry { fictitious: input.fictitious };
            match store.upsert_citizen(&ingest::citizen(input)?, Uuid::new_v4(), writer, now).await? {
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

    #[tokio::test]
    async fn a_long_line_is_skipped_without_being_kept() {
        let mut text = b"short\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', 100));
        text.extend_from_slice(b"\nlast");
        let mut reader = tokio::io::BufReader::with_capacity(16, text.as_slice());
        let mut buffer = Vec::new();
        assert_eq!(read_line_bounded(&mut reader, &mut buffer, 10).await.expect("read"), (6, false));
        assert_eq!(buffer, b"short\n");
        buffer.clear();
        assert_eq!(read_line_bounded(&mut reader, &mut buffer, 10).await.expect("read"), (101, true));
        assert!(buffer.len() <= 10, "at most the limit is held: {}", buffer.len());
        buffer.clear();
        assert_eq!(read_line_bounded(&mut reader, &mut buffer, 10).await.expect("read"), (4, false));
        assert_eq!(buffer, b"last");
        buffer.clear();
        assert_eq!(read_line_bounded(&mut reader, &mut buffer, 10).await.expect("read"), (0, false));
    }

    const CITIZEN: &str = r#"{"type":"citizen","cpr":"0707614285","name":"Søren Ærø","fictitious":true}"#;

    async fn import_bytes(bytes: &[u8]) -> (ImportReport, i64) {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&format!("sqlite:{}", dir.path().join("i.sqlite").display())).await.expect("store");
        let report = import(&store, &AuthorityCatalog::builtin(), bytes, |_| {}).await.expect("import");
        (report, store.count_citizens().await.expect("count"))
    }

    #[tokio::test]
    async fn a_bom_before_the_first_line_is_skipped() {
        let file = format!("\u{feff}{CITIZEN}\n");
        let (report, citizens) = import_bytes(file.as_bytes()).await;
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!((report.lines, report.citizens_created, citizens), (1, 1, 1));
    }

    #[tokio::test]
    async fn a_utf16_file_is_refused_once_and_nothing_is_stored() {
        let text = format!("{CITIZEN}\n{CITIZEN}\n");
        let with_mark: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let without_mark: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (file, endianness) in [(with_mark, ""), (without_mark, " big-endian")] {
            let (report, citizens) = import_bytes(&file).await;
            assert_eq!((report.lines, citizens), (0, 0));
            assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
            let reason = &report.errors[0].reason;
            assert!(reason.starts_with(&format!("the file is UTF-16{endianness} (")), "{reason}");
            assert!(reason.ends_with("save it as UTF-8; nothing was imported"), "{reason}");
        }
    }

    #[tokio::test]
    async fn an_ansi_line_says_how_to_save_the_file_without_quoting_it() {
        let file = [br#"{"type":"citizen","cpr":"0707614285","name":"S"#.as_slice(), b"\xF8ren\"}\n"].concat();
        let (report, _) = import_bytes(&file).await;
        assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
        assert_eq!(report.errors[0].reason, "line: not UTF-8 text; the file may be saved as ANSI: save it as UTF-8");
    }
}
