//! The outbox's journal file: one record per line, `<checksum> <json>\n`, appended and fsync'd before anything
//! relies on it, replayed on open.
//!
//! The checksum is the first 16 hex digits of the SHA-256 of the JSON. A last line without its newline (the
//! process died mid-write) or a line whose checksum or JSON does not hold is moved to `<journal>.torn` before the
//! journal is rewritten, so nothing that reached the disk is ever deleted, only set aside.
//!
//! The journal is replaced by rename when it is rewritten, so the exclusive lock lives on a sibling file,
//! `<journal>.lock`, which never is.
//!
//! The file is opened for reading and writing, not appending, and each write goes to where the last whole record
//! ended: Windows refuses to shorten a file opened for appending, and Windows will not rename a file over one that
//! is open, so the handle is closed before a rewrite and the rename is tried again while another program (a virus
//! scanner, a backup agent) briefly holds the file.

use std::ffi::OsString;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
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

/// The journal file, open for reading and writing, with the outbox's lock held.
#[derive(Debug)]
pub(super) struct Journal {
    path: PathBuf,
    /// `None` after opening it again failed (the next write tries again) or while it is being replaced.
    file: Option<File>,
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
        let lock = open_private(private_options().read(true).write(true).truncate(false), &sibling(path, ".lock"))?;
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
        let file = open_rw(path)?;
        let len = file.metadata()?.len();
        let journal = Self {
            path: path.to_owned(),
            file: Some(file),
            _lock: lock,
            len,
            records: parsed.records.len(),
            damaged: false,
        };
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
        let file = self.ready()?;
        file.write_all(&line[..line.len() / 2])?;
        file.sync_data()
    }

    fn write_line(&mut self, line: &[u8]) -> io::Result<()> {
        let file = self.ready()?;
        if let Err(error) = file.write_all(line).and_then(|()| file.sync_data()) {
            // A partial line must not have the next record glued to it, which would make that one unreadable too.
            self.damaged = true;
            return Err(error);
        }
        self.len += line.len() as u64;
        Ok(())
    }

    /// The file, open (again, if an earlier open failed), cut back to its whole records after a failed write,
    /// and positioned where the next record goes.
    fn ready(&mut self) -> io::Result<&mut File> {
        let file = match &mut self.file {
            Some(file) => file,
            slot => slot.insert(open_rw(&self.path)?),
        };
        if self.damaged {
            file.set_len(self.len)?;
            file.sync_all()?;
            self.damaged = false;
        }
        file.seek(SeekFrom::Start(self.len))?;
        Ok(file)
    }

    /// Empties the journal: nothing in it matters any more.
    pub(super) fn truncate(&mut self) -> io::Result<()> {
        (self.len, self.damaged) = (0, true);
        self.ready()?;
        self.records = 0;
        Ok(())
    }

    /// Replaces the journal with exactly `records`: a new file, fsync'd, renamed over the old one.
    pub(super) fn rewrite(&mut self, records: &[Record]) -> io::Result<()> {
        let mut bytes = Vec::new();
        for record in records {
            bytes.extend(encode(record)?);
        }
        let temp = sibling(&self.path, ".tmp");
        let mut file = open_private(private_options().write(true).truncate(true), &temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        // Closed first: Windows will not replace a file that is open.
        self.file = None;
        rename_patiently(&temp, &self.path)?;
        sync_dir(&self.path)?;
        (self.len, self.records, self.damaged) = (bytes.len() as u64, records.len(), false);
        // A failed open here leaves the journal closed; the next write opens it.
        self.file = open_rw(&self.path).ok();
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

fn open_rw(path: &Path) -> io::Result<File> {
    open_private(private_options().read(true).write(true).truncate(false), path)
}

/// Opens a journal file; one it creates is made its owner's alone on Windows too.
fn open_private(options: &OpenOptions, path: &Path) -> io::Result<File> {
    let new = !path.exists();
    let file = options.open(path)?;
    if new {
        crate::platform::restrict_to_owner(path);
    }
    Ok(file)
}

/// How often, and how far apart, a rename is tried while another program holds the file.
const RENAME_TRIES: u32 = 20;
const RENAME_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// Renames `from` over `to`, trying again for about a second while the file is held open elsewhere (Windows
/// answers that with a sharing violation or "access denied"; elsewhere a rename over a file always succeeds).
fn rename_patiently(from: &Path, to: &Path) -> io::Result<()> {
    let mut tries = 0;
    loop {
        match std::fs::rename(from, to) {
            Ok(()) => return Ok(()),
            Err(error) if tries + 1 < RENAME_TRIES && held_elsewhere(&error) => {
                tries += 1;
                std::thread::sleep(RENAME_PAUSE);
            }
            Err(error) => return Err(error),
        }
    }
}

/// Whether an error means another program has the file open for now.
fn held_elsewhere(error: &io::Error) -> bool {
    // ERROR_SHARING_VIOLATION (32), ERROR_LOCK_VIOLATION (33), and ERROR_ACCESS_DENIED, as a scanner holding the
    // file shows up.
    error.kind() == io::ErrorKind::PermissionDenied || matches!(error.raw_os_error(), Some(32 | 33))
}

/// Appends the torn lines to `path`, each ending in a newline, and syncs it before the journal loses them.
fn set_aside(path: &Path, torn: &[(usize, Vec<u8>)]) -> io::Result<()> {
    let mut file = open_private(private_options().append(true), path)?;
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

    /// Windows takes this path too: one read+write handle, written at the end of the whole records, shortened
    /// with `set_len`, closed for a rewrite and opened again when an open failed.
    #[test]
    fn writes_truncates_and_rewrites_through_one_read_write_handle() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("kiosk.journal");
        let line = |n| encode(&ack(n)).expect("encode");
        let on_disk = || std::fs::read(&path).expect("read");
        let (mut journal, _, _) = Journal::open(&path).expect("open");
        journal.append(&ack(1)).expect("append");
        journal.append(&ack(2)).expect("append");
        assert_eq!(on_disk(), [line(1), line(2)].concat());
        journal.truncate().expect("truncate");
        assert!(on_disk().is_empty());
        journal.append(&ack(3)).expect("append after truncate");
        assert_eq!(on_disk(), line(3), "written at the start, not after the old end");
        journal.append_half(&ack(4)).expect("a torn write");
        journal.damaged = true;
        journal.append(&ack(5)).expect("append after damage");
        assert_eq!(on_disk(), [line(3), line(5)].concat(), "the torn half was cut away");
        journal.rewrite(&[ack(1)]).expect("rewrite");
        journal.append(&ack(2)).expect("append after rewrite");
        assert_eq!(on_disk(), [line(1), line(2)].concat());
        journal.file = None;
        journal.append(&ack(6)).expect("an append opens the journal again");
        assert_eq!(on_disk(), [line(1), line(2), line(6)].concat());
        assert!(!sibling(&path, ".tmp").exists());
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
