//! The journal as the outbox uses it: replay, damaged lines, compaction, the lock. Sending is tested against a
//! real service in `tests/outbox.rs`.

use super::*;

fn session(seed: u64) -> SessionInput {
    let now = DateTime::parse_from_rfc3339("2026-11-26T12:00:00Z").expect("time").to_utc();
    demo_session(None, &mut fastrand::Rng::with_seed(seed), now)
}

const JOURNAL_FILE: &str = "outbox.journal";

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// Takes in an answer as a pass would, without a service.
fn answer(outbox: &Outbox, record: Record) {
    outbox.record(record);
}

fn journal_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).expect("journal").lines().count()
}

#[test]
fn reopening_replays_every_state_and_keeps_only_what_matters() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(JOURNAL_FILE);
    {
        let (outbox, report) = Outbox::open(&path).expect("open");
        assert_eq!((report.waiting, report.needs_attention, report.torn.len()), (0, 0, 0));
        for n in 1..=4 {
            outbox.append(id(n), &session(n.try_into().expect("small"))).expect("append");
        }
        answer(&outbox, Record::Ack { id: id(1), created: true });
        answer(&outbox, Record::Conflict { id: id(2), message: "different".into() });
        answer(&outbox, Record::Rejected { id: id(3), status: Some(422), message: "unknown authority".into() });
        assert_eq!((outbox.waiting(), outbox.needs_attention()), (1, 2));
    }
    let (outbox, report) = Outbox::open(&path).expect("reopen");
    assert_eq!((report.waiting, report.needs_attention), (1, 2));
    let states: Vec<(Uuid, EntryState)> = outbox.entries().into_iter().map(|e| (e.id, e.state)).collect();
    assert_eq!(
        states,
        vec![
            (id(2), EntryState::Conflict("different".into())),
            (id(3), EntryState::Rejected("unknown authority".into())),
            (id(4), EntryState::Waiting),
        ],
        "oldest first, each in the state its last record gave it"
    );
    assert_eq!(outbox.entries()[2].input, session(4), "the body survives byte for byte");
    assert_eq!(journal_lines(&path), 5, "rewritten on open: three puts, a conflict and a rejection");
    let raw = std::fs::read_to_string(&path).expect("journal");
    assert!(raw.contains("\"status\":422"), "the rejection keeps its status through a rewrite");
}

#[test]
fn a_damaged_line_is_set_aside_and_the_rest_is_kept() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(JOURNAL_FILE);
    {
        let (outbox, _) = Outbox::open(&path).expect("open");
        for n in 1..=3 {
            outbox.append(id(n), &session(n.try_into().expect("small"))).expect("append");
        }
    }
    // A flipped bit inside the second line: its checksum no longer holds.
    let mut bytes = std::fs::read(&path).expect("read");
    let second = bytes.iter().position(|&b| b == b'\n').expect("first line") + 40;
    bytes[second] ^= 0x20;
    std::fs::write(&path, &bytes).expect("write");
    let damaged_len = bytes.split(|&b| b == b'\n').nth(1).expect("second line").len() + 1;

    let (outbox, report) = Outbox::open(&path).expect("reopen");
    assert_eq!(report.torn, vec![TornEntry { line: 2, bytes: damaged_len }]);
    assert_eq!(outbox.entries().iter().map(|e| e.id).collect::<Vec<_>>(), vec![id(1), id(3)]);
    let set_aside = std::fs::read(&report.torn_file).expect("torn file");
    assert_eq!(set_aside.len(), damaged_len, "the damaged line is kept, not deleted");
    drop(outbox);
    let (_, report) = Outbox::open(&path).expect("third open");
    assert!(report.torn.is_empty(), "the journal was rewritten without it");
}

#[test]
fn a_half_written_last_line_is_torn_and_earlier_entries_are_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(JOURNAL_FILE);
    {
        let (outbox, _) = Outbox::open(&path).expect("open");
        outbox.append(id(1), &session(1)).expect("append");
        let record = Record::Put { id: id(2), input: Box::new(session(2)), at: Utc::now(), replaces: None };
        outbox.writer().journal.append_half(&record).expect("half a line");
    }
    let (outbox, report) = Outbox::open(&path).expect("reopen");
    assert_eq!(report.torn.len(), 1);
    assert_eq!(report.torn[0].line, 2);
    assert_eq!(outbox.entries().iter().map(|e| e.id).collect::<Vec<_>>(), vec![id(1)]);
    outbox.append(id(3), &session(3)).expect("appends go on after the repair");
    drop(outbox);
    let (outbox, report) = Outbox::open(&path).expect("third open");
    assert!(report.torn.is_empty());
    assert_eq!(outbox.waiting(), 2);
}

#[test]
fn the_journal_is_emptied_when_nothing_is_unconfirmed_and_rewritten_when_mostly_dead() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(JOURNAL_FILE);
    let (outbox, _) = Outbox::open(&path).expect("open");
    outbox.append(id(1), &session(1)).expect("append");
    outbox.append(id(2), &session(2)).expect("append");
    answer(&outbox, Record::Ack { id: id(1), created: true });
    assert!(std::fs::metadata(&path).expect("journal").len() > 0, "one entry still waits");
    answer(&outbox, Record::Ack { id: id(2), created: false });
    assert_eq!(std::fs::metadata(&path).expect("journal").len(), 0, "nothing waits: truncated");

    // One conflict stays for days while hundreds of sessions go through.
    outbox.append(id(1000), &session(1000)).expect("append");
    answer(&outbox, Record::Conflict { id: id(1000), message: "different".into() });
    for n in 1..=300 {
        outbox.append(id(n), &session(5)).expect("append");
        answer(&outbox, Record::Ack { id: id(n), created: true });
    }
    assert!(journal_lines(&path) <= 2 + 2 + REWRITE_SLACK + 2, "{} lines", journal_lines(&path));
    assert_eq!(outbox.entries().len(), 1);
    drop(outbox);
    let (outbox, _) = Outbox::open(&path).expect("reopen");
    assert_eq!(outbox.entries()[0].state, EntryState::Conflict("different".into()));
}

#[test]
fn a_second_opener_is_told_the_outbox_is_in_use() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("data").join(JOURNAL_FILE);
    let (first, _) = Outbox::open(&path).expect("creates its directory");
    let error = Outbox::open(&path).expect_err("locked");
    assert!(matches!(error, OutboxError::InUse));
    assert!(error.to_string().contains("the outbox is in use by another console"), "{error}");
    drop(first);
    Outbox::open(&path).expect("free again");
}

#[test]
fn the_same_id_twice_is_one_entry_and_a_different_body_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(JOURNAL_FILE);
    let (outbox, _) = Outbox::open(&path).expect("open");
    outbox.append(id(1), &session(1)).expect("append");
    outbox.append(id(1), &session(1)).expect("the same again is fine");
    assert_eq!((outbox.waiting(), journal_lines(&path)), (1, 1));
    assert!(matches!(outbox.append(id(1), &session(2)), Err(OutboxError::IdTaken(_))));
}

#[test]
fn relogging_a_conflict_replaces_it_in_one_line_and_only_conflicts_can_be_relogged() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(JOURNAL_FILE);
    let (outbox, _) = Outbox::open(&path).expect("open");
    outbox.append(id(1), &session(1)).expect("append");
    assert!(matches!(outbox.relog_as_new(id(1)), Err(OutboxError::NotConflicted(_))));
    assert!(matches!(outbox.requeue(id(1)), Err(OutboxError::NotRejected(_))));
    assert!(matches!(outbox.set_aside(id(9)), Err(OutboxError::UnknownEntry(_))));
    answer(&outbox, Record::Conflict { id: id(1), message: "different".into() });
    let lines = journal_lines(&path);
    let new_id = outbox.relog_as_new(id(1)).expect("relog");
    assert_eq!(journal_lines(&path), lines + 1, "one line does both");
    drop(outbox);
    let (outbox, _) = Outbox::open(&path).expect("reopen");
    let entries = outbox.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!((entries[0].id, &entries[0].state, &entries[0].input), (new_id, &EntryState::Waiting, &session(1)));
}

#[test]
fn a_requeued_rejection_waits_again_and_a_set_aside_one_is_gone() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join(JOURNAL_FILE);
    let (outbox, _) = Outbox::open(&path).expect("open");
    for n in 1..=2 {
        outbox.append(id(n), &session(1)).expect("append");
        answer(&outbox, Record::Rejected { id: id(n), status: Some(401), message: "token".into() });
    }
    outbox.requeue(id(1)).expect("requeue");
    outbox.set_aside(id(2)).expect("set aside");
    drop(outbox);
    let (outbox, report) = Outbox::open(&path).expect("reopen");
    assert_eq!((report.waiting, report.needs_attention), (1, 0));
    assert_eq!(outbox.entries()[0].id, id(1));
}

#[test]
fn the_outbox_can_be_shared_between_threads_and_tasks() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Outbox>();
}

#[test]
fn backoff_doubles_from_one_second_to_a_minute() {
    let waits: Vec<u64> = (1..=9).map(|n| backoff(n).as_secs()).collect();
    assert_eq!(waits, vec![1, 2, 4, 8, 16, 32, 60, 60, 60]);
    assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
}

#[test]
fn faults_parse_with_an_optional_count() {
    assert_eq!(Fault::parse("after-journal"), Some((Fault::StallAfterJournal, 1)));
    assert_eq!(Fault::parse("mid-write@3"), Some((Fault::StallMidWrite, 3)));
    assert_eq!(Fault::parse("mid-write@0"), None);
    assert_eq!(Fault::parse("sometimes"), None);
}
