//! Kill-and-restart stress for the session outbox (`cargo bench --bench outbox_kill`): not a speed figure but a
//! count of sessions lost or duplicated when the console dies at random moments.
//!
//! Against a real in-process service, it runs `medbetjening session log --demo-count K` again and again and
//! SIGKILLs it after a random delay (sometimes with a fault that stalls it after, or in the middle of, a journal
//! write), sometimes kills the following `outbox flush` too, then flushes until nothing waits. Every id the killed
//! process printed as `journaled` must be stored exactly once. Ids stored but never printed are expected (killed
//! between the fsync and the print) and harmless. Exits non-zero when a session was lost or duplicated.
//!
//! `OUTBOX_KILL_RUNS` (default 200) and `OUTBOX_KILL_SEED` (default: random, printed) repeat a run.

#[path = "../common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{TestService, citizen_input, create_citizen};
use medbetjening::domain::Role;
use medbetjening::history::outbox::Fault;
use medbetjening::history::store::SessionFilter;
use uuid::Uuid;

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");
/// Sessions per `session log` run: 1 to this many.
const MAX_PER_RUN: u32 = 6;
/// Flushes after one killed run before giving up on it (each flush is one pass; the service is up, so one is enough).
const MAX_FLUSHES: usize = 10;

#[derive(Default)]
struct Tally {
    runs: usize,
    killed: usize,
    /// Killed runs by how far they got: no session journaled, some, all (killed while sending).
    killed_phase: [usize; 3],
    finished: usize,
    faults_after_journal: usize,
    faults_mid_write: usize,
    flushes: usize,
    flushes_killed: usize,
    torn_reports: usize,
    journaled: BTreeSet<Uuid>,
    stuck: usize,
}

/// The binary with the service's address, the token (in the environment) and the outbox.
fn command(url: &str, token: &str, journal: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .args(["--server", url, "--outbox"])
        .arg(journal)
        .env("MEDBETJENING_TOKEN", token)
        .env("RUST_LOG", "warn")
        .env_remove(Fault::ENV)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Reads a pipe to its end on a thread of its own, so a child never blocks on it and a kill closes it.
fn collect(pipe: impl std::io::Read + Send + 'static) -> JoinHandle<Vec<String>> {
    std::thread::Builder::new()
        .name("child-output".into())
        .spawn(move || BufReader::new(pipe).lines().map_while(Result::ok).collect())
        .expect("reader thread")
}

/// Runs `command`, SIGKILLs it after `delay` unless it finished first; returns how it ended and its output.
fn run_and_kill(mut command: Command, delay: Option<Duration>) -> (ExitStatus, Vec<String>, Vec<String>) {
    let mut child = command.spawn().expect("the binary starts");
    let stdout = collect(child.stdout.take().expect("stdout"));
    let stderr = collect(child.stderr.take().expect("stderr"));
    if let Some(delay) = delay {
        let deadline = Instant::now() + delay;
        while Instant::now() < deadline && child.try_wait().expect("status").is_none() {
            std::thread::sleep(Duration::from_millis(1).min(deadline.saturating_duration_since(Instant::now())));
        }
        // Killing a process that has just exited but is not reaped is harmless.
        child.kill().ok();
    }
    let status = child.wait().expect("reaped");
    (status, stdout.join().expect("stdout reader"), stderr.join().expect("stderr reader"))
}

fn ids(lines: &[String], prefix: &str) -> Vec<Uuid> {
    lines.iter().filter_map(|line| line.strip_prefix(prefix)?.split_whitespace().next()?.parse().ok()).collect()
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|value| value.parse().ok())
}

/// One `session log` killed at a random moment, then flushes until nothing waits.
fn one_run(rng: &mut fastrand::Rng, target: (&str, &str, &Path), citizen: Uuid, longest: Duration, tally: &mut Tally) {
    let (url, token, journal) = target;
    let count = rng.u32(1..=MAX_PER_RUN);
    let count_arg = count.to_string();
    let citizen_arg = citizen.to_string();
    let mut log = command(url, token, journal, &["session", "log", "--demo-count", &count_arg]);
    log.args(["--citizen", &citizen_arg]);
    match rng.u8(0..10) {
        0 | 1 => {
            log.env(Fault::ENV, format!("after-journal@{}", rng.u32(1..=count)));
            tally.faults_after_journal += 1;
        }
        2 | 3 => {
            log.env(Fault::ENV, format!("mid-write@{}", rng.u32(1..=count)));
            tally.faults_mid_write += 1;
        }
        _ => {}
    }
    let delay = longest.mul_f64(rng.f64() * 1.2);
    let (status, stdout, _) = run_and_kill(log, Some(delay));
    tally.runs += 1;
    let journaled = ids(&stdout, "journaled ");
    if status.code().is_none() {
        tally.killed += 1;
        let done = u32::try_from(journaled.len()).expect("a handful");
        tally.killed_phase[if done == 0 {
            0
        } else if done < count {
            1
        } else {
            2
        }] += 1;
    } else {
        tally.finished += 1;
    }
    tally.journaled.extend(journaled);

    // A quarter of the time the first flush dies too, part-way through sending and journaling the answers.
    let mut kill_flush = rng.u8(0..4) == 0;
    for _ in 0..MAX_FLUSHES {
        let delay = kill_flush.then(|| longest.mul_f64(rng.f64()));
        let (status, _, stderr) = run_and_kill(command(url, token, journal, &["outbox", "flush"]), delay);
        tally.flushes += 1;
        tally.torn_reports += stderr.iter().filter(|line| line.contains("torn or damaged")).count();
        if kill_flush && status.code().is_none() {
            tally.flushes_killed += 1;
        }
        kill_flush = false;
        if status.code() == Some(0) {
            return;
        }
    }
    tally.stuck += 1;
}

/// How long an uninterrupted `session log` of the largest size takes here, so kills land anywhere inside one.
fn calibrate(target: (&str, &str, &Path), citizen: Uuid) -> Duration {
    let (url, token, journal) = target;
    let mut longest = Duration::ZERO;
    for _ in 0..3 {
        let started = Instant::now();
        let count = MAX_PER_RUN.to_string();
        let mut log = command(url, token, journal, &["session", "log", "--demo-count", &count]);
        log.args(["--citizen", &citizen.to_string()]);
        let (status, _, stderr) = run_and_kill(log, None);
        assert!(status.success(), "calibration run failed: {}", stderr.join("\n"));
        longest = longest.max(started.elapsed());
    }
    longest
}

#[allow(clippy::print_stdout)] // A benchmark's output is its report.
fn main() {
    let runs = env_number("OUTBOX_KILL_RUNS").unwrap_or(200);
    let seed = env_number("OUTBOX_KILL_SEED").unwrap_or_else(|| fastrand::u64(..));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let service = runtime.block_on(TestService::start());
    let citizen = runtime.block_on(create_citizen(&service, &citizen_input("0707614285", "Jens Jensen")));
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("outbox.journal");
    let target = (service.url.as_str(), service.token(Role::Counter), journal.as_path());

    let longest = calibrate(target, citizen);
    println!("outbox kill stress: {runs} runs, seed {seed}, binary {BIN}");
    println!(
        "an uninterrupted `session log --demo-count {MAX_PER_RUN}` takes {:.0} ms here",
        longest.as_secs_f64() * 1e3
    );
    let (calibration, _) = stored(&runtime, &service, citizen);

    let mut rng = fastrand::Rng::with_seed(seed);
    let mut tally = Tally::default();
    let started = Instant::now();
    for _ in 0..runs {
        one_run(&mut rng, target, citizen, longest, &mut tally);
    }
    let elapsed = started.elapsed();

    let (mut rows, timeline) = stored(&runtime, &service, citizen);
    rows.retain(|id| !calibration.contains(id));
    let lost = tally.journaled.difference(&rows).count();
    let duplicated = timeline.values().filter(|&&n| n > 1).count();
    let without_timeline = rows.iter().filter(|id| timeline.get(id).copied().unwrap_or(0) == 0).count();
    let extra = rows.difference(&tally.journaled).count();
    let stored_journaled = tally.journaled.intersection(&rows).count();

    println!();
    println!("| measure | count |");
    println!("|---|---|");
    println!("| `session log` runs | {} |", tally.runs);
    println!("| … killed by SIGKILL / finished before the kill | {} / {} |", tally.killed, tally.finished);
    println!(
        "| … killed before journaling any / after some / after all its sessions (while sending) | {} / {} / {} |",
        tally.killed_phase[0], tally.killed_phase[1], tally.killed_phase[2]
    );
    println!(
        "| … run with a fault set: stall after a journal write / mid-write | {} / {} |",
        tally.faults_after_journal, tally.faults_mid_write
    );
    println!("| `outbox flush` runs (killed) | {} ({}) |", tally.flushes, tally.flushes_killed);
    println!("| torn journal lines reported and set aside | {} |", tally.torn_reports);
    println!("| sessions reported journaled | {} |", tally.journaled.len());
    println!("| … stored | {stored_journaled} |");
    println!("| **lost** (journaled, not stored) | **{lost}** |");
    println!("| **duplicated** (more than one timeline row) | **{duplicated}** |");
    println!("| stored without a timeline row | {without_timeline} |");
    println!("| extra (stored, never reported journaled) | {extra} |");
    println!("| runs still waiting after {MAX_FLUSHES} flushes | {} |", tally.stuck);
    println!();
    #[allow(clippy::cast_precision_loss)] // A run count far below 2^52.
    let per_run = elapsed.as_secs_f64() * 1e3 / tally.runs.max(1) as f64;
    println!("{:.1} s in all, {per_run:.0} ms per run (log + kill + flushes)", elapsed.as_secs_f64());
    if lost > 0 || duplicated > 0 || without_timeline > 0 || tally.stuck > 0 {
        println!("FAILED: a logged session was lost, duplicated or left behind (seed {seed})");
        std::process::exit(1);
    }
}

/// The ids of the citizen's stored sessions, and how many timeline rows carry each session id.
fn stored(
    runtime: &tokio::runtime::Runtime,
    service: &TestService,
    citizen: Uuid,
) -> (BTreeSet<Uuid>, BTreeMap<Uuid, usize>) {
    runtime.block_on(async {
        let filter = SessionFilter { citizen: Some(citizen), limit: 1_000_000, ..SessionFilter::default() };
        let rows = service.store.sessions(&filter).await.expect("sessions").iter().map(|s| s.id).collect();
        let mut timeline = BTreeMap::new();
        for event in service.store.all_events(citizen).await.expect("events") {
            if event.source == "medbetjening"
                && let Ok(id) = event.source_id.parse::<Uuid>()
            {
                *timeline.entry(id).or_default() += 1;
            }
        }
        (rows, timeline)
    })
}
