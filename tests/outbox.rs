//! The durable outbox: every logged session reaches the service exactly once, through a service outage, a service
//! restart, and a console killed after or in the middle of a journal write. In-process against a real service,
//! and with the real binary killed by SIGKILL.

#[path = "common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{Restartable, TestService, citizen_input, create_citizen, times_stored};
use medbetjening::domain::Role;
use medbetjening::history::api::SessionInput;
use medbetjening::history::client::{ClientError, HistoryClient};
use medbetjening::history::outbox::{EntryState, Fault, Outbox, OutboxEvent, demo_session};
use medbetjening::history::store::Store;
use uuid::Uuid;

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");
/// Long enough for a loaded CI machine, short enough that a hang fails the test quickly.
const PATIENCE: Duration = Duration::from_secs(20);

fn session(citizen: Uuid, seed: u64) -> SessionInput {
    demo_session(Some(citizen), &mut fastrand::Rng::with_seed(seed), Utc::now())
}

fn client(url: &str, token: &str) -> HistoryClient {
    HistoryClient::new(url, token, Duration::from_secs(5)).expect("client")
}

fn open(path: &Path) -> Outbox {
    Outbox::open(path).expect("outbox opens").0
}

/// Polls `done` every 10 ms until it holds, failing after [`PATIENCE`].
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < PATIENCE, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_session_logged_while_the_service_is_down_is_stored_once_when_it_is_back() {
    let service = TestService::start().await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let mut server = Restartable::down(service.store.clone());
    let dir = tempfile::tempdir().expect("dir");
    let outbox = open(&dir.path().join("outbox.journal"));
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&events);
    let sender = outbox.spawn_sender(client(&server.url, service.token(Role::Counter)), move |event| {
        seen.lock().expect("events").push(event);
    });

    let id = Uuid::now_v7();
    outbox.append(id, &session(citizen, 1)).expect("journaled while the service is down");
    let count =
        |matches: fn(&OutboxEvent) -> bool| events.lock().expect("events").iter().filter(|e| matches(e)).count();
    eventually("a failed attempt", || count(|e| matches!(e, OutboxEvent::Retrying { .. })) > 0).await;
    assert_eq!(outbox.waiting(), 1);
    {
        let events = events.lock().expect("events");
        assert!(matches!(events[0], OutboxEvent::Journaled(j) if j == id), "{events:?}");
        let OutboxEvent::Retrying { id: retried, error, next_in } = &events[1] else { panic!("{events:?}") };
        assert_eq!((*retried, *next_in), (id, Duration::from_secs(1)));
        assert!(matches!(error, ClientError::Network(_)), "{error:?}");
    }
    assert_eq!(times_stored(&service.store, citizen, id).await, (0, 0));

    server.start().await;
    outbox.retry_now();
    eventually("confirmation", || count(|e| matches!(e, OutboxEvent::Confirmed { .. })) > 0).await;
    sender.abort();
    assert_eq!(outbox.waiting(), 0);
    assert!(outbox.entries().is_empty());
    assert_eq!(times_stored(&service.store, citizen, id).await, (1, 1), "one session row, one timeline row");
    let confirmed: Vec<_> = events.lock().expect("events").iter().filter_map(confirmed).collect();
    assert_eq!(confirmed, vec![(id, true)]);
    server.stop().await;
}

fn confirmed(event: &OutboxEvent) -> Option<(Uuid, bool)> {
    match event {
        OutboxEvent::Confirmed { id, created } => Some((*id, *created)),
        _ => None,
    }
}

#[tokio::test]
async fn the_same_session_sent_twice_is_one_row() {
    let service = TestService::start().await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let counter = service.client(Role::Counter);
    let dir = tempfile::tempdir().expect("dir");
    let outbox = open(&dir.path().join("outbox.journal"));
    let (id, input) = (Uuid::now_v7(), session(citizen, 2));

    outbox.append(id, &input).expect("append");
    outbox.append(id, &input).expect("the same again");
    assert_eq!(outbox.waiting(), 1);
    let events = outbox.send_pending(&counter).await;
    assert_eq!(events.iter().filter_map(confirmed).collect::<Vec<_>>(), vec![(id, true)]);
    assert!(outbox.send_pending(&counter).await.is_empty(), "nothing left to send");

    // A console that died after the service stored it, but before the answer was journaled, sends it again.
    outbox.append(id, &input).expect("journaled again");
    let events = outbox.send_pending(&counter).await;
    assert_eq!(events.iter().filter_map(confirmed).collect::<Vec<_>>(), vec![(id, false)]);
    assert_eq!(times_stored(&service.store, citizen, id).await, (1, 1));
}

#[tokio::test]
async fn a_conflicting_body_stays_until_it_is_logged_again_as_new() {
    let service = TestService::start().await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let counter = service.client(Role::Counter);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("outbox.journal");
    let id = Uuid::now_v7();
    let stored = session(citizen, 3);
    counter.put_session(id, &stored).await.expect("another session under the id");
    let mut ours = session(citizen, 4);
    ours.summary = "Hjælp til at bestille tid til pas".into();

    let outbox = open(&path);
    outbox.append(id, &ours).expect("append");
    let events = outbox.send_pending(&counter).await;
    assert!(matches!(&events[..], [OutboxEvent::Conflict { id: c, .. }] if *c == id), "{events:?}");
    assert!(matches!(outbox.entries()[0].state, EntryState::Conflict(_)));
    assert_eq!((outbox.waiting(), outbox.needs_attention()), (0, 1));
    assert!(outbox.send_pending(&counter).await.is_empty(), "a conflict is never retried by itself");
    drop(outbox);

    let (outbox, report) = Outbox::open(&path).expect("reopen");
    assert_eq!((report.waiting, report.needs_attention), (0, 1), "the conflict survives a restart");
    let EntryState::Conflict(message) = &outbox.entries()[0].state else { panic!("still in conflict") };
    assert!(message.contains("409"), "{message}");
    let new_id = outbox.relog_as_new(id).expect("relog");
    let events = outbox.send_pending(&counter).await;
    assert_eq!(events.iter().filter_map(confirmed).collect::<Vec<_>>(), vec![(new_id, true)]);
    assert!(outbox.entries().is_empty());
    assert_eq!(std::fs::metadata(&path).expect("journal").len(), 0, "nothing unconfirmed: the journal is empty");

    let all = medbetjening::history::store::SessionFilter { limit: 100, ..Default::default() };
    let sessions = service.store.sessions(&all).await.expect("sessions");
    let by_id = |id: Uuid| sessions.iter().find(|s| s.id == id).expect("stored").summary.clone();
    assert_eq!(by_id(id), stored.summary, "the stored session was never overwritten");
    assert_eq!(by_id(new_id), ours.summary);
}

#[tokio::test]
async fn a_refused_session_is_kept_and_sent_only_after_it_is_put_back() {
    let service = TestService::start().await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let dir = tempfile::tempdir().expect("dir");
    let outbox = open(&dir.path().join("outbox.journal"));
    let id = Uuid::now_v7();
    outbox.append(id, &session(citizen, 5)).expect("append");

    let events = outbox.send_pending(&service.stranger()).await;
    let [OutboxEvent::Rejected { error, .. }] = &events[..] else { panic!("{events:?}") };
    assert_eq!(error.status(), Some(401));
    assert!(outbox.send_pending(&service.client(Role::Counter)).await.is_empty(), "not retried by itself");
    outbox.requeue(id).expect("put back");
    let events = outbox.send_pending(&service.client(Role::Counter)).await;
    assert_eq!(events.iter().filter_map(confirmed).collect::<Vec<_>>(), vec![(id, true)]);
    assert_eq!(times_stored(&service.store, citizen, id).await, (1, 1));
}

// ---- The real binary ----

/// The binary with a token in the environment (never on the command line, where it would show in `ps`).
fn medbetjening(token: &str, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).env("RUST_LOG", "warn").env("MEDBETJENING_TOKEN", token).env_remove(Fault::ENV);
    command
}

/// Runs to the end off the async workers, so an in-process service keeps answering meanwhile.
async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs")).await.expect("join")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The ids after `prefix` on stdout, e.g. `journaled` or `stored`.
fn ids(output: &Output, prefix: &str) -> Vec<Uuid> {
    text(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_prefix(prefix)?.split_whitespace().next()?.parse().ok())
        .collect()
}

fn write_session(dir: &Path, name: &str, input: &SessionInput) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(input).expect("json")).expect("session file");
    path
}

/// A child that is killed (SIGKILL) when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `command` with stderr piped and waits for a stderr line containing `needle`; returns it and the child.
fn spawn_until(mut command: Command, needle: &str) -> (Killed, String) {
    let mut child = Killed(command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawns"));
    let stderr = child.0.stderr.take().expect("stderr");
    let (lines, received) = mpsc::sync_channel(256);
    // Keeps draining stderr after the line is found, so the child never blocks on a full pipe.
    std::thread::Builder::new()
        .name("child-stderr".into())
        .spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                lines.try_send(line).ok();
            }
        })
        .expect("reader thread");
    let started = Instant::now();
    loop {
        let left = PATIENCE.checked_sub(started.elapsed()).expect("timed out waiting for the child's stderr");
        match received.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return (child, line),
            Ok(_) => {}
            Err(error) => panic!("no line with {needle:?} on stderr: {error}"),
        }
    }
}

/// `serve` over `database` on `bind`; returns the child and the URL it prints.
fn serve(database: &str, bind: &str) -> (Killed, String) {
    let mut command = Command::new(BIN);
    command.args(["serve", "--database", database, "--bind", bind]).env("RUST_LOG", "warn");
    let (child, line) = spawn_until(command, "http://");
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("url").to_owned();
    (child, url)
}

/// SIGKILL, as a power cut or the task manager would end the console.
fn kill(mut child: Killed) {
    child.0.kill().expect("SIGKILL");
    let status = child.0.wait().expect("reaped");
    assert!(status.code().is_none(), "killed by a signal, not exited: {status}");
}

/// A database with a counter staff member and one fictitious citizen, prepared before any service runs.
async fn prepared_database(dir: &Path) -> (String, String, Uuid) {
    let database = format!("sqlite:{}", dir.join("history.sqlite").display());
    let store = Store::open(&database).await.expect("store");
    let (_, token) = store.add_staff("Kim Skranke", Role::Counter, "Borgerservice", Utc::now()).await.expect("staff");
    let update = medbetjening::history::ingest::citizen(citizen_input("0707614285", "Jens Jensen")).expect("citizen");
    let id = Uuid::new_v4();
    store
        .upsert_citizen(&update, id, medbetjening::history::store::RecordWriter::Seed, Utc::now())
        .await
        .expect("stored citizen");
    store.close().await;
    (database, token.0, id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_killed_and_restarted_on_its_port_gets_the_waiting_session_once() {
    let dir = tempfile::tempdir().expect("dir");
    let (database, token, citizen) = prepared_database(dir.path()).await;
    let journal = dir.path().join("console").join("outbox.journal");
    let journal = journal.to_str().expect("utf-8 path");
    let file = write_session(dir.path(), "session.json", &session(citizen, 6));
    let file = file.to_str().expect("utf-8 path");

    let (first, url) = serve(&database, "127.0.0.1:0");
    kill(first);
    let logged = run(medbetjening(&token, &["session", "log", "--server", &url, "--outbox", journal, file])).await;
    assert_eq!(logged.status.code(), Some(3), "still waiting: {}", text(&logged.stderr));
    let [id] = ids(&logged, "journaled ")[..] else { panic!("one journaled line: {}", text(&logged.stdout)) };
    assert!(text(&logged.stdout).contains("1 session waits in the outbox"), "{}", text(&logged.stdout));
    assert!(text(&logged.stderr).contains(&format!("not sent {id}: could not reach")), "{}", text(&logged.stderr));

    let status = run(medbetjening(&token, &["outbox", "status", "--outbox", journal])).await;
    let listed = text(&status.stdout);
    assert!(listed.contains(&format!("waiting  {id}")), "{listed}");
    assert!(!listed.contains("Jens") && !listed.contains("0707614285") && !listed.contains("Hjælp"), "{listed}");

    let address = url.trim_start_matches("http://");
    let (_second, url_again) = serve(&database, address);
    assert_eq!(url_again, url, "the same port");
    for round in ["first", "second"] {
        let flushed = run(medbetjening(&token, &["outbox", "flush", "--server", &url, "--outbox", journal])).await;
        assert_eq!(flushed.status.code(), Some(0), "{round}: {}", text(&flushed.stderr));
        let expected: Vec<Uuid> = if round == "first" { vec![id] } else { vec![] };
        assert_eq!(ids(&flushed, "stored "), expected, "{round}");
        for output in [&flushed.stdout, &flushed.stderr, &logged.stdout, &logged.stderr] {
            assert!(!text(output).contains(&token), "the token is never printed");
        }
    }
    let store = Store::open(&database).await.expect("store");
    assert_eq!(times_stored(&store, citizen, id).await, (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_killed_after_the_journal_write_sends_on_the_next_flush_once() {
    let service = TestService::start().await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let token = service.token(Role::Counter);
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("outbox.journal");
    let journal = journal.to_str().expect("utf-8 path");
    let file = write_session(dir.path(), "session.json", &session(citizen, 7));
    let file = file.to_str().expect("utf-8 path");

    let mut logging = medbetjening(token, &["session", "log", "--server", &service.url, "--outbox", journal, file]);
    logging.env(Fault::ENV, "after-journal");
    let (child, marker) = spawn_until(logging, Fault::MARKER);
    let id: Uuid = marker.split_whitespace().last().and_then(|w| w.parse().ok()).expect("the marker names the id");
    kill(child);
    assert_eq!(times_stored(&service.store, citizen, id).await, (0, 0), "killed before it was sent");

    let flushed = run(medbetjening(token, &["outbox", "flush", "--server", &service.url, "--outbox", journal])).await;
    assert_eq!(flushed.status.code(), Some(0), "{}", text(&flushed.stderr));
    assert_eq!(ids(&flushed, "stored "), vec![id]);
    let again = run(medbetjening(token, &["outbox", "flush", "--server", &service.url, "--outbox", journal])).await;
    assert!(ids(&again, "stored ").is_empty());
    assert_eq!(times_stored(&service.store, citizen, id).await, (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_killed_mid_write_leaves_a_torn_entry_and_the_earlier_one_is_sent() {
    let service = TestService::start().await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let token = service.token(Role::Counter);
    let down = Restartable::down(service.store.clone());
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("outbox.journal");
    let journal_arg = journal.to_str().expect("utf-8 path");
    let first = write_session(dir.path(), "first.json", &session(citizen, 8));
    let second = write_session(dir.path(), "second.json", &session(citizen, 9));

    let logged = run(medbetjening(
        token,
        &["session", "log", "--server", &down.url, "--outbox", journal_arg, first.to_str().expect("utf-8")],
    ))
    .await;
    assert_eq!(logged.status.code(), Some(3));
    let [earlier] = ids(&logged, "journaled ")[..] else { panic!("{}", text(&logged.stdout)) };
    let mut logging = medbetjening(
        token,
        &["session", "log", "--server", &down.url, "--outbox", journal_arg, second.to_str().expect("utf-8")],
    );
    logging.env(Fault::ENV, "mid-write");
    let (child, marker) = spawn_until(logging, Fault::MARKER);
    let torn: Uuid = marker.split_whitespace().last().and_then(|w| w.parse().ok()).expect("id");
    kill(child);

    let status = run(medbetjening(token, &["outbox", "status", "--outbox", journal_arg])).await;
    assert!(status.status.success(), "{}", text(&status.stderr));
    let warning = text(&status.stderr);
    assert!(warning.contains("1 torn or damaged line") && warning.contains("line 2 ("), "{warning}");
    assert!(text(&status.stdout).contains(&format!("waiting  {earlier}")), "{}", text(&status.stdout));
    let set_aside = std::fs::read(dir.path().join("outbox.journal.torn")).expect("torn line kept");
    assert!(!set_aside.is_empty() && set_aside.ends_with(b"\n"));

    let (outbox, report) = Outbox::open(&journal).expect("readable");
    assert!(report.torn.is_empty(), "moved aside once, not again");
    assert_eq!(outbox.entries().iter().map(|e| e.id).collect::<Vec<_>>(), vec![earlier]);
    drop(outbox);

    let flushed =
        run(medbetjening(token, &["outbox", "flush", "--server", &service.url, "--outbox", journal_arg])).await;
    assert_eq!(flushed.status.code(), Some(0), "{}", text(&flushed.stderr));
    assert_eq!(ids(&flushed, "stored "), vec![earlier]);
    assert_eq!(times_stored(&service.store, citizen, earlier).await, (1, 1));
    assert_eq!(times_stored(&service.store, citizen, torn).await, (0, 0), "never durable, never reported journaled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_log_refuses_bad_files_whole_and_never_echoes_their_values() {
    let service = TestService::start().await;
    let citizen = create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")).await;
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("outbox.journal");
    let good = write_session(dir.path(), "good.json", &session(citizen, 10));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"channel": "Jens Jensen ringede", "summary": 12}"#).expect("write");
    let args = [
        "session",
        "log",
        "--server",
        &service.url,
        "--outbox",
        journal.to_str().expect("utf-8"),
        good.to_str().expect("utf-8"),
        bad.to_str().expect("utf-8"),
    ];
    let out = run(medbetjening(service.token(Role::Counter), &args)).await;
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("bad.json: ") && stderr.contains("nothing was logged"), "{stderr}");
    assert!(!stderr.contains("Jens"), "{stderr}");
    assert!(ids(&out, "journaled ").is_empty());
    assert_eq!(open(&journal).entries().len(), 0);

    let demo = [
        "session",
        "log",
        "--server",
        &service.url,
        "--outbox",
        journal.to_str().expect("utf-8"),
        "--demo-count",
        "3",
        "--citizen",
        &citizen.to_string(),
    ];
    let out = run(medbetjening(service.token(Role::Counter), &demo)).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let journaled = ids(&out, "journaled ");
    assert_eq!(journaled.len(), 3);
    assert_eq!(ids(&out, "stored "), journaled);
}
