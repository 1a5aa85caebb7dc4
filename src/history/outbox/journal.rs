//! The outbox's journal file: one record per line, `<checksum> <json>\n`, appended and fsync'd before anything
//! relies on it, replayed on open.
//!
//! The checksum is the first 16 hex digits of the SHA-256 of the JSON. A last line without its newline (the
//! process died mid-write) or a line whose checksum or JSON does not hold is moved to `<journal>.torn` before the
//! journal is rewritten, so nothing that reached the disk is ever deleted, only set aside.
//!
//! The journal is replaced by rename when it is rewritten, so the exclusive lock lives on a sibling file,
//! `<journal>.lock`, which never is.

use std::ffi::OsString;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{OutboxError, TornEntry};
use crate::history::api::SessionInput;

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub(super) enum Record {
    /// A session to send. `replaces` names a conflicted entry this one re-logs, so re-logging is one atomic line.
    Put {
        id: Uuid,
        input: Box<SessionInput>,
        at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces: Option<Uuid>,
    },
    /// The service stored it (`created`) or already had it.
    Ack { id: Uuid, created: bool },
    /// The service holds a different session under this id.
    Conflict { id: Uuid, message: String },
    /// The service refused it for a reason that trying again will not change.
    Rejected { id: Uuid, status: Option<u16>, message: String },
    /// Staff asked for a rejected entry to be tried again.
    Requeue { id: Uuid },
    /// Staff set a conflicted or rejected entry aside.
    Resolved { id: Uuid },
}

/// Length of the checksum in hex digits.
const CHECKSUM_LEN: usize = 16;

fn checksum(json: &[u8]) -> String {
    hex::encode(&Sha256::digest(json)[..CHECKSUM_LEN / 2])
}

/// The bytes of one journal line, newline included.
pub(super) fn encode(record: &Record) -> io::Result<Vec<u8>> {
    let json = serde_json::to_vec(record).map_err(io::Error::other)?;
    let mut line = Vec::with_capacity(CHECKSUM_LEN + json.len() + 2);
    line.extend_from_slice(checksum(&json).as_bytes());
    line.push(b' ');
    line.extend_from_slice(&json);
    line.push(b'\n');
    Ok(line)
}

/// One line without its newline, if it is whole and its checksum holds.
fn decode(line: &[u8]) -> Option<Record> {
    let (sum, json) = (line.get(..CHECKSUM_LEN)?, line.get(CHECKSUM_LEN + 1..)?);
    if line[CHECKSUM_LEN] != b' ' || sum != checksum(json).as_bytes() {
        return None;
    }
    serde_json::from_slice(json).ok()
}

/// What a journal's bytes hold: the good records in order, and the lines that are not (number, raw bytes).
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub records: Vec<Record>,
    pub torn: Vec<(usize, Vec<u8>)>,
}

pub(super) fn parse(bytes: &[u8]) -> Parsed {
    let mut parsed = Parsed::default();
    for (index, chunk) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line = chunk.strip_suffix(b"\n");
        match line.map(|line| (line, decode(line))) {
            // An empty line carries nothing; it is dropped by the next rewrite.
            Some((b"", _)) => {}
            Some((_, Some(record))) => parsed.records.push(record),
            _ => parsed.torn.push((index + 1, chunk.to_vec())),
        }
    }
    parsed
}

/// `path` with `suffix` added to its file name.
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

/// The journal file, open for appending, with the outbox's lock held.
#[derive(Debug)]
pub(super) struct Journal {
    path: PathBuf,
    file: File,
    /// Held for as long as the journal is open; the operating system releases it when the process dies.
    _lock: File,
    /// Bytes of whole records; anything after this is the remains of a failed write.
    len: u64,
    /// Records in the file, live or not: tells when a rewrite is worth it.
    records: usize,
    /// A write failed part-way, so the file must be cut back to `len` before the next one.
    damaged: bool,
}

impl Journal {
    /// Locks and reads the journal at `path`, moving any torn line aside; returns the good records in order.
    pub(super) fn open(path: &Path) -> Result<(Self, Vec<Record>, Vec<TornEntry>), OutboxError> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let lock = private_options().read(true).write(true).truncate(false).open(sibling(path, ".lock"))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(OutboxError::InUse),
            Err(TryLockError::Error(error)) => return Err(error.into()),
        }
        let mut bytes = Vec::new();
        match File::open(path) {
            Ok(mut file) => {
                file.read_to_end(&mut bytes)?;
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error.into()),
        }
        let parsed = parse(&bytes);
        let torn: Vec<TornEntry> =
            parsed.torn.iter().map(|(line, raw)| TornEntry { line: *line, bytes: raw.len() }).collect();
        if !parsed.torn.is_empty() {
            set_aside(&sibling(path, ".torn"), &parsed.torn)?;
        }
        let file = open_append(path)?;
        let len = file.metadata()?.len();
        let journal =
            Self { path: path.to_owned(), file, _lock: lock, len, records: parsed.records.len(), damaged: false };
        Ok((journal, parsed.records, torn))
    }

    /// Records in the file, including ones that no longer matter.
    pub(super) fn records(&self) -> usize {
        self.records
    }

    /// Appends one record; when this returns `Ok` the record is on the disk.
    pub(super) fn append(&mut self, record: &Record) -> io::Result<()> {
        let line = encode(record)?;
        self.write_line(&line)?;
        self.records += 1;
        Ok(())
    }

    /// Writes the first half of a record's line and stops, as a process killed mid-write would leave it.
    pub(super) fn append_half(&mut self, record: &Record) -> io::Result<()> {
        let line = encode(record)?;
        self.repair()?;
        self.file.write_all(&line[..line.len() / 2])?;
        self.file.sync_data()
    }

    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        self.repair()?;
        if let Err(error) = self.file.write_all(line).and_then(|()| self.file.sync_data()) {
            // A partial line must not have the next record glued to it, which would make that one unreadable too.
            self.damaged = true;
            return Err(error);
        }
        self.len += line.len() as u64;
        Ok(())
    }

    fn repair(&mut self) -> io::Result<()> {
        if self.damaged {
            self.file.set_len(self.len)?;
            self.file.sync_all()?;
            self.damaged = false;
        }
        Ok(())
    }

    /// Empties the journal: nothing in it matters any more.
    pub(super) fn truncate(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        self.file.sync_all()?;
        (self.len, self.records, self.damaged) = (0, 0, false);
        Ok(())
    }

    /// Replaces the journal with exactly `records`: a new file, fsync'd, renamed over the old one.
    pub(super) fn rewrite(&mut self, records: &[Record]) -> io::Result<()> {
        let mut bytes = Vec::new();
        for record in records {
            bytes.extend(encode(record)?);
        }
        let temp = sibling(&self.path, ".tmp");
        let mut file = private_options().write(true).truncate(true).open(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, &self.path)?;
        sync_dir(&self.path)?;
        self.file = open_append(&self.path)?;
        (self.len, self.records, self.damaged) = (bytes.len() as u64, records.len(), false);
        Ok(())
    }
}

/// Creates files that only their owner can read: the journal holds what was said at the counter.
fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn open_append(path: &Path) -> io::Result<File> {
    private_options().append(true).open(path)
}

/// Appends the torn lines to `path`, each ending in a newline, and syncs it before the journal loses them.
fn set_aside(path: &Path, torn: &[(usize, Vec<u8>)]) -> io::Result<()> {
    let mut file = private_options().append(true).open(path)?;
    for (_, raw) in torn {
        file.write_all(raw)?;
        if !raw.ends_with(b"\n") {
            file.write_all(b"\n")?;
        }
    }
    file.sync_all()?;
    sync_dir(path)
}

/// Makes a rename or a new file in `path`'s directory durable.
fn sync_dir(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
        File::open(dir)?.sync_all()?;
    }
    #[cfg(not(unix))]
    let _ = path; // Windows makes the rename durable with the file; directories cannot be opened for syncing.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(n: u128) -> Record {
        Record::Ack { id: Uuid::from_u128(n), created: true }
    }

    #[test]
    fn lines_round_trip_and_damage_is_detected() {
        let line = encode(&ack(1)).expect("encode");
        assert!(line.ends_with(b"\n") && !line[..line.len() - 1].contains(&b'\n'), "one line");
        assert_eq!(decode(&line[..line.len() - 1]), Some(ack(1)));
        let mut flipped = line.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0x01;
        assert_eq!(decode(&flipped[..flipped.len() - 1]), None, "a changed byte fails the checksum");
        assert_eq!(decode(b"0123456789abcdef"), None);
        assert_eq!(decode(b""), None);
    }

    #[test]
    fn parse_keeps_good_lines_and_numbers_the_bad_ones() {
        let mut bytes = encode(&ack(1)).expect("encode");
        bytes.extend(b"0000000000000000 {\"op\":\"ack\"}\n");
        bytes.push(b'\n');
        bytes.extend(encode(&ack(2)).expect("encode"));
        let half = encode(&ack(3)).expect("encode");
        bytes.extend(&half[..10]);
        let parsed = parse(&bytes);
        assert_eq!(parsed.records, vec![ack(1), ack(2)]);
        let torn: Vec<(usize, usize)> = parsed.torn.iter().map(|(line, raw)| (*line, raw.len())).collect();
        assert_eq!(torn, vec![(2, 30), (5, 10)]);
    }

    #[test]
    fn a_second_opener_is_refused_until_the_first_closes() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("nested").join("outbox.journal");
        let (first, ..) = Journal::open(&path).expect("first open");
        assert!(matches!(Journal::open(&path), Err(OutboxError::InUse)));
        drop(first);
        Journal::open(&path).expect("open again after close");
    }

    #[test]
    fn a_failed_write_is_cut_away_before_the_next_one() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("outbox.journal");
        let (mut journal, ..) = Journal::open(&path).expect("open");
        journal.append(&ack(1)).expect("append");
        journal.append_half(&ack(2)).expect("half");
        journal.damaged = true;
        journal.append(&ack(3)).expect("append");
        let parsed = parse(&std::fs::read(&path).expect("read"));
        assert_eq!(parsed.records, vec![ack(1), ack(3)]);
        assert!(parsed.torn.is_empty());
    }
}
