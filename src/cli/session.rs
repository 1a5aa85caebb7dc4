//! `session log` and `outbox`: assisted sessions sent to a contact-history service through the durable outbox.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use clap::Subcommand;
use medbetjening::history::api::SessionInput;
use medbetjening::history::client::{DEFAULT_TIMEOUT, HistoryClient};
use medbetjening::history::outbox::{self, EntryState, Fault, Outbox, OutboxEvent};
use uuid::Uuid;

use super::CommandResult;

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Journal each session durably, then send; exit code 3 when some still wait (they go out with `outbox flush`,
    /// or when the console that uses the journal next starts), 4 when some need a staff member's decision.
    Log {
        #[command(flatten)]
        service: ServiceArgs,
        #[command(flatten)]
        outbox: OutboxArgs,
        /// JSON files, each holding one session (a `PUT /v1/sessions/{id}` body).
        #[arg(required_unless_present = "demo_count", conflicts_with = "demo_count")]
        files: Vec<PathBuf>,
        /// Log this many generated, fictitious sessions instead of files.
        #[arg(long)]
        demo_count: Option<u32>,
        /// With --demo-count: the citizen the sessions are about (anonymous sessions without it).
        #[arg(long, requires = "demo_count")]
        citizen: Option<Uuid>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// List what waits, what is in conflict and what was rejected, by id and date.
    Status {
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// Send everything that waits; exit code 0 when nothing is left, 3 when some still wait, 4 when some need a
    /// staff member's decision.
    Flush {
        #[command(flatten)]
        service: ServiceArgs,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// A session in conflict: journal its body again under a new id, in its place.
    Relog {
        id: Uuid,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// A rejected session: put it back in the queue.
    Requeue {
        id: Uuid,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// A session in conflict or rejected: do not send it.
    SetAside {
        id: Uuid,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServiceArgs {
    /// The contact-history service, e.g. `https://historik.example.kk.dk`.
    #[arg(long, env = "MEDBETJENING_SERVER")]
    pub server: String,
    /// The staff member's token; prefer the environment variable, which other users cannot see in a process list.
    #[arg(long, env = "MEDBETJENING_TOKEN", hide_env_values = true)]
    token: String,
    /// Also trust the certificate authorities in this PEM file (e.g. the municipality's own CA).
    #[arg(long, env = "MEDBETJENING_CA_FILE", value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// Allow a plain http:// --server on another machine (only over a network you trust that encrypts for you).
    #[arg(long)]
    pub allow_plain_http: bool,
}

impl ServiceArgs {
    fn client(&self) -> anyhow::Result<HistoryClient> {
        HistoryClient::with_ca_file(&self.server, &self.token, DEFAULT_TIMEOUT, self.ca_file.as_deref())
            .context("setting up the connection to the service")
    }
}

#[derive(Debug, clap::Args)]
pub struct OutboxArgs {
    /// The outbox journal. The console keeps one per service and staff member, in `outbox/` in the data directory.
    #[arg(long = "outbox", value_name = "PATH")]
    path: PathBuf,
}

impl SessionCommand {
    /// The service the sessions go to.
    pub fn service(&self) -> &ServiceArgs {
        match self {
            Self::Log { service, .. } => service,
        }
    }

    pub async fn run(self) -> CommandResult {
        match self {
            Self::Log { service, outbox, files, demo_count, citizen } => {
                let sessions = match demo_count {
                    Some(count) => Sessions::Demo { count, citizen },
                    None => Sessions::Files(files),
                };
                log(&service, outbox.path, sessions).await
            }
        }
    }
}

impl OutboxCommand {
    /// The service the outbox is sent to, for the commands that send.
    pub fn service(&self) -> Option<&ServiceArgs> {
        match self {
            Self::Flush { service, .. } => Some(service),
            _ => None,
        }
    }

    pub async fn run(self) -> CommandResult {
        match self {
            Self::Status { outbox } => status(outbox.path).await,
            Self::Flush { service, outbox } => flush(&service, outbox.path).await,
            Self::Relog { id, outbox } => decide(outbox.path, id, Decision::Relog).await,
            Self::Requeue { id, outbox } => decide(outbox.path, id, Decision::Requeue).await,
            Self::SetAside { id, outbox } => decide(outbox.path, id, Decision::SetAside).await,
        }
    }
}

/// Where `session log` gets its sessions.
enum Sessions {
    /// JSON files, one session each.
    Files(Vec<PathBuf>),
    /// Generated, fictitious sessions, about `citizen` or anonymous.
    Demo { count: u32, citizen: Option<Uuid> },
}

/// Exit code when sessions still wait in the outbox.
const EXIT_WAITING: u8 = 3;
/// Exit code when nothing waits but sessions in conflict or rejected need a staff member's decision.
const EXIT_ATTENTION: u8 = 4;

/// "1 session" / "2 sessions".
fn sessions_text(count: usize) -> String {
    if count == 1 { "1 session".to_owned() } else { format!("{count} sessions") }
}

/// Opens the outbox off the async workers (it reads and may rewrite the journal) and reports torn lines.
async fn open_outbox(path: PathBuf) -> anyhow::Result<Outbox> {
    let (outbox, report) =
        tokio::task::spawn_blocking(move || Outbox::open(&path)).await?.context("opening the outbox")?;
    if !report.torn.is_empty() {
        let lines: Vec<String> =
            report.torn.iter().map(|torn| format!("line {} ({} bytes)", torn.line, torn.bytes)).collect();
        eprintln!(
            "warning: the outbox journal held {} torn or damaged {} (a crash while writing): {}; moved to {}. \
             Every complete entry was kept.",
            report.torn.len(),
            if report.torn.len() == 1 { "line" } else { "lines" },
            lines.join(", "),
            report.torn_file.display()
        );
    }
    Ok(outbox)
}

/// Reads every file before journaling any, so a typo in one does not leave the others half logged.
fn read_sessions(files: &[PathBuf]) -> Result<Vec<SessionInput>, usize> {
    let mut sessions = Vec::new();
    let mut bad = 0;
    for file in files {
        match std::fs::read(file).map_err(|e| e.to_string()).and_then(|bytes| outbox::parse_session(&bytes)) {
            Ok(session) => sessions.push(session),
            Err(reason) => {
                eprintln!("{}: {reason}", file.display());
                bad += 1;
            }
        }
    }
    if bad == 0 { Ok(sessions) } else { Err(bad) }
}

/// `session log`: journals each session (printing `journaled ID` once it is on the disk), then sends once.
async fn log(service: &ServiceArgs, path: PathBuf, sessions: Sessions) -> CommandResult {
    let inputs = match sessions {
        Sessions::Files(files) => match read_sessions(&files) {
            Ok(inputs) => inputs,
            Err(bad) => {
                eprintln!("{} not valid; nothing was logged.", if bad == 1 { "1 file is" } else { "some files are" });
                return Ok(ExitCode::from(2));
            }
        },
        Sessions::Demo { count, citizen } => {
            let (mut rng, now) = (fastrand::Rng::new(), Utc::now());
            (0..count).map(|_| outbox::demo_session(citizen, &mut rng, now)).collect()
        }
    };
    let client = service.client()?;
    let outbox = open_outbox(path).await?;
    if let Ok(value) = std::env::var(Fault::ENV) {
        let (fault, nth) =
            Fault::parse(&value).with_context(|| format!("{} must be after-journal or mid-write[@N]", Fault::ENV))?;
        outbox.inject_fault(fault, nth);
    }
    for input in inputs {
        let id = Uuid::now_v7();
        let journal = outbox.clone();
        tokio::task::spawn_blocking(move || journal.append(id, &input)).await?.context("journaling a session")?;
        // Printed only now: whoever reads this line may count on the session reaching the service.
        let mut stdout = std::io::stdout();
        writeln!(stdout, "journaled {id}").and_then(|()| stdout.flush())?;
    }
    send_and_report(&outbox, &client).await
}

/// One pass over the outbox, each answer on its own line, then what is left and the exit code that says so.
async fn send_and_report(outbox: &Outbox, client: &HistoryClient) -> CommandResult {
    for event in outbox.send_pending(client).await {
        match event {
            OutboxEvent::Confirmed { id, created: true } => println!("stored {id}"),
            OutboxEvent::Confirmed { id, created: false } => println!("stored {id} (the service already had it)"),
            OutboxEvent::Conflict { id, message } => println!("conflict {id}: {message}"),
            OutboxEvent::Rejected { id, error } => println!("rejected {id}: {error}"),
            OutboxEvent::Retrying { id, error, .. } => eprintln!("not sent {id}: {error}"),
            OutboxEvent::Journaled(_) => {}
        }
    }
    let (waiting, attention) = (outbox.waiting(), outbox.needs_attention());
    if waiting > 0 {
        println!(
            "{} {} in the outbox; {} out with `medbetjening outbox flush`, or when the console that uses this \
             journal next starts.",
            sessions_text(waiting),
            if waiting == 1 { "waits" } else { "wait" },
            if waiting == 1 { "it goes" } else { "they go" },
        );
        return Ok(ExitCode::from(EXIT_WAITING));
    }
    if attention > 0 {
        println!(
            "{} {} a decision (see `medbetjening outbox status`): log again as new, put back in the queue, or set \
             aside.",
            sessions_text(attention),
            if attention == 1 { "needs" } else { "need" },
        );
        return Ok(ExitCode::from(EXIT_ATTENTION));
    }
    Ok(ExitCode::SUCCESS)
}

/// `outbox status`: what the service has not confirmed, by id and date only.
async fn status(path: PathBuf) -> CommandResult {
    let outbox = open_outbox(path).await?;
    let entries = outbox.entries();
    if entries.is_empty() {
        println!("The outbox is empty: the service has confirmed every logged session.");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} not confirmed by the service: {} waiting, {} needing a decision.",
        sessions_text(entries.len()),
        outbox.waiting(),
        outbox.needs_attention()
    );
    for entry in entries {
        let (state, reason) = match &entry.state {
            EntryState::Waiting => ("waiting", String::new()),
            EntryState::Conflict(message) => ("conflict", format!(": {message}")),
            EntryState::Rejected(message) => ("rejected", format!(": {message}")),
        };
        println!(
            "{state:<8} {}  started {}, journaled {}{reason}",
            entry.id,
            entry.input.started_at.format("%Y-%m-%d %H:%M UTC"),
            entry.journaled_at.format("%Y-%m-%d %H:%M:%S UTC")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `outbox flush`: one pass over everything that waits.
async fn flush(service: &ServiceArgs, path: PathBuf) -> CommandResult {
    let client = service.client()?;
    let outbox = open_outbox(path).await?;
    if outbox.waiting() == 0 && outbox.needs_attention() == 0 {
        println!("Nothing waits in the outbox.");
    }
    send_and_report(&outbox, &client).await
}

/// What staff decided about a session in conflict or rejected.
#[derive(Clone, Copy, Debug)]
enum Decision {
    Relog,
    Requeue,
    SetAside,
}

/// `outbox relog|requeue|set-aside ID`.
async fn decide(path: PathBuf, id: Uuid, decision: Decision) -> CommandResult {
    let outbox = open_outbox(path).await?;
    let message = tokio::task::spawn_blocking(move || -> Result<String, outbox::OutboxError> {
        Ok(match decision {
            Decision::Relog => format!("journaled {} in place of {id}", outbox.relog_as_new(id)?),
            Decision::Requeue => outbox.requeue(id).map(|()| format!("{id} waits again"))?,
            Decision::SetAside => outbox.set_aside(id).map(|()| format!("{id} set aside; it will not be sent"))?,
        })
    })
    .await??;
    println!("{message}");
    if !matches!(decision, Decision::SetAside) {
        println!(
            "It goes out with `medbetjening outbox flush`, or when the console that uses this journal next starts."
        );
    }
    Ok(ExitCode::SUCCESS)
}
