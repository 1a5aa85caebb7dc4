//! The bodies of the command-line commands. Output for people goes to stdout; progress and logs to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool's output is its product.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use medbetjening::domain::{AuthorityCatalog, Role};
use medbetjening::history::api::SessionInput;
use medbetjening::history::client::{DEFAULT_TIMEOUT, HistoryClient};
use medbetjening::history::demo::{self, DemoOptions};
use medbetjening::history::embedded::{self, EmbeddedOptions};
use medbetjening::history::import::{self, Progress};
use medbetjening::history::outbox::{self, EntryState, Fault, Outbox, OutboxEvent};
use medbetjening::history::service;
use medbetjening::history::store::{
    AuditAge, CheckpointKey, PruneOutcome, SchemaPolicy, SignatureCheck, Store, StoreOptions,
};
use uuid::Uuid;

type CommandResult = anyhow::Result<ExitCode>;

mod scenarios;
mod serve;
pub use scenarios::CastSource;
pub use serve::{ServeOptions, serve};

/// Which database a command works on: a URL on the command line or in `MEDBETJENING_DATABASE`, or read from a
/// file (`--database-file`, `MEDBETJENING_DATABASE_FILE`) so a password never has to be on a command line. The
/// password may also come from `PGPASSWORD` or `~/.pgpass`, as for `psql`. The value is never shown in `--help`.
#[derive(Debug, clap::Args)]
pub struct DatabaseArgs {
    /// `sqlite:PATH` or `postgres://USER@HOST/DB?sslmode=verify-full&sslrootcert=CA.pem`.
    #[arg(long, env = "MEDBETJENING_DATABASE", hide_env_values = true, required_unless_present = "database_file")]
    database: Option<String>,
    /// A file (readable by its owner only) holding the database URL on its first line.
    #[arg(long, env = "MEDBETJENING_DATABASE_FILE", value_name = "PATH", conflicts_with = "database")]
    database_file: Option<PathBuf>,
}

impl DatabaseArgs {
    /// The database URL, from the argument or the file.
    pub fn url(&self) -> anyhow::Result<String> {
        match (&self.database, &self.database_file) {
            (Some(url), _) => Ok(url.trim().to_owned()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading the database URL from {}", path.display()))?;
                let url = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
                url.map(str::to_owned).with_context(|| format!("{} holds no database URL", path.display()))
            }
            (None, None) => bail!("give the database with --database or --database-file"),
        }
    }
}

/// Opens a shared store whose schema must already be this program's (see `migrate`).
async fn open(database: &str) -> anyhow::Result<Store> {
    let options = StoreOptions { schema: SchemaPolicy::Require, ..StoreOptions::default() };
    Store::open_with(database, &options).await.context("opening the database")
}

/// `migrate`: creates or upgrades the schema, as the database's owner.
pub async fn migrate(database: &str) -> CommandResult {
    let (store, applied) = Store::migrate_url(database, &StoreOptions::default()).await.context("migrating")?;
    let version = medbetjening::history::store::program_version(store.kind());
    match applied.as_slice() {
        [] => println!("The schema is at version {version} already; nothing to do."),
        applied => println!(
            "Applied {} migration{} ({}); the schema is at version {version}.",
            applied.len(),
            if applied.len() == 1 { "" } else { "s" },
            applied.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// How the process was asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// Ctrl+C, SIGTERM, Ctrl+Break: there is time to drain.
    Asked,
    /// Windows is closing the console window, logging off or shutting down: it ends the process after a few
    /// seconds, so requests in flight are finished at once, without the load balancer's grace period.
    #[cfg_attr(not(windows), allow(dead_code))] // Only Windows sends these.
    Closing,
}

/// Resolves when the process is asked to stop: Ctrl+C (SIGINT), or SIGTERM as systemd and Kubernetes send it; on
/// Windows also Ctrl+Break, closing the console window, logging off and shutting down.
async fn stop_requested() -> Stop {
    #[cfg(windows)]
    {
        use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close, ctrl_logoff, ctrl_shutdown};
        if let (Ok(mut c), Ok(mut brk), Ok(mut close), Ok(mut logoff), Ok(mut shutdown)) =
            (ctrl_c(), ctrl_break(), ctrl_close(), ctrl_logoff(), ctrl_shutdown())
        {
            return tokio::select! {
                _ = c.recv() => Stop::Asked,
                _ = brk.recv() => Stop::Asked,
                _ = close.recv() => Stop::Closing,
                _ = logoff.recv() => Stop::Closing,
                _ = shutdown.recv() => Stop::Closing,
            };
        }
    }
    interrupted().await;
    Stop::Asked
}

/// Resolves when the process is asked to stop: Ctrl+C (SIGINT), or SIGTERM as systemd and Kubernetes send it.
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut terminate), Ok(mut interrupt)) =
            (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
        {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            return;
        }
        tracing::warn!("cannot listen for SIGTERM; only Ctrl+C stops the service gracefully");
    }
    if tokio::signal::ctrl_c().await.is_err() {
        // Without a signal handler the only way out is killing the process; wait forever.
        std::future::pending::<()>().await;
    }
}

/// A one-line progress indicator on stderr, redrawn in place when the shown figure changes.
fn progress_line(label: &'static str, total: Option<u64>) -> impl FnMut(u64) {
    let mut shown = None;
    move |done| {
        let (figure, text) = match total {
            Some(total) if total > 0 => {
                let percent = done.min(total) * 100 / total;
                (percent, format!("\r{label}: {percent}%"))
            }
            _ => (done, format!("\r{label}: {done}")),
        };
        if shown != Some(figure) {
            shown = Some(figure);
            let mut stderr = std::io::stderr();
            // Progress is a courtesy; a closed stderr must not stop the work.
            stderr.write_all(text.as_bytes()).and_then(|()| stderr.flush()).ok();
        }
    }
}

/// No arguments: the console, on the embedded demo or on `--server`.
#[cfg(feature = "console")]
pub fn console(
    data_dir: PathBuf,
    server: Option<String>,
    token: Option<String>,
    ca_file: Option<PathBuf>,
    training: bool,
    screenshot: Option<PathBuf>,
    script: Vec<medbetjening::console::screenshot::Action>,
) -> ExitCode {
    use medbetjening::console::launch::{Launch, start};
    let screenshot = screenshot.map(|path| (path, script));
    match start(Launch { data_dir, server, token, ca_file, training, screenshot }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What the screenshot mode does before it captures: its command-line options.
#[derive(Debug, clap::Args)]
#[allow(clippy::struct_excessive_bools)] // Independent command-line switches, not a state machine in disguise.
pub struct ShotPlan {
    /// With --screenshot: look this up first (a CPR number, phone number or name).
    #[arg(long, requires = "screenshot")]
    lookup: Option<String>,
    /// With --screenshot: then start this guide (by id, e.g. flytning).
    #[arg(long, requires = "screenshot")]
    guide: Option<String>,
    /// With --screenshot: then go this many steps on in the guide (first answer at each question).
    #[arg(long, requires = "guide", default_value_t = 0)]
    advance: u32,
    /// With --screenshot: also open and capture the citizen view (saved as NAME-citizen.png).
    #[arg(long, requires = "guide")]
    citizen_view: bool,
    /// With --screenshot: show the guide in presentation mode instead of starting it (--advance then moves through
    /// its steps in file order).
    #[arg(long, requires = "guide", conflicts_with = "citizen_view")]
    present: bool,
    /// With --screenshot: start a session for the citizen looked up, before the guide.
    #[arg(long, requires = "screenshot")]
    session: bool,
    /// With --session: at the end, open the wrap-up ("wrap-up"), or log and show the receipt ("receipt").
    #[arg(long, requires = "session", value_parser = ["wrap-up", "receipt"])]
    then: Option<String>,
    /// With --screenshot: at the very end, open a window: the group session ("group") or the practice
    /// scenarios ("scenarios").
    #[arg(long, requires = "screenshot", value_parser = ["group", "scenarios"])]
    open: Option<String>,
}

#[cfg(feature = "console")]
impl ShotPlan {
    /// The actions to play, in order.
    pub fn script(self) -> Vec<medbetjening::console::screenshot::Action> {
        use medbetjening::console::screenshot::Action;
        let mut script: Vec<Action> = self.lookup.into_iter().map(Action::Lookup).collect();
        if self.session {
            script.push(Action::StartSession);
        }
        script.extend(self.guide.map(if self.present { Action::Present } else { Action::StartGuide }));
        script.extend((0..self.advance).map(|_| Action::Advance));
        if self.citizen_view {
            script.push(Action::CitizenView);
        }
        match self.then.as_deref() {
            Some("wrap-up") => script.push(Action::WrapUp),
            Some("receipt") => script.extend([Action::WrapUp, Action::Log, Action::Receipt]),
            _ => {}
        }
        match self.open.as_deref() {
            Some("group") => script.push(Action::GroupSession),
            Some("scenarios") => script.push(Action::Scenarios),
            _ => {}
        }
        script
    }
}

/// No arguments and no console built in: the embedded service over the local demo store.
#[cfg_attr(feature = "console", allow(dead_code))] // Used by builds without the console.
pub async fn embedded_demo(data_dir: PathBuf) -> CommandResult {
    let options =
        EmbeddedOptions { data_dir: data_dir.clone(), demo_citizens: 200, heavy_citizens: 3, training: false };
    let mut progress = progress_line("creating demo citizens", Some(options.demo_citizens.into()));
    let running = embedded::start(&options, |done, _| progress(done.into()))
        .await
        .context("starting the embedded contact-history service")?;
    if let Some(report) = &running.seeded {
        eprintln!();
        println!(
            "Created {} fictitious demo citizens with {} contacts.",
            report.citizens_created, report.events_created
        );
    }
    println!("DEMO DATA — fictitious citizens only.");
    println!("Contact-history service: {}", running.url);
    println!("Demo store:              {}", running.database.display());
    println!("Local staff token file:  {}", data_dir.join(embedded::TOKEN_FILE).display());
    println!(
        "Try: curl -H \"Authorization: Bearer $(cat '{}')\" {}/v1/me",
        data_dir.join(embedded::TOKEN_FILE).display(),
        running.url
    );
    println!("Press Ctrl+C to stop.");
    interrupted().await;
    running.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// `staff add`.
pub async fn staff_add(database: &str, name: &str, role: &str, site: &str) -> CommandResult {
    let Some(role) = Role::from_code(role) else {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        bail!("unknown role '{role}'; use one of: {}", roles.join(", "));
    };
    let store = open(database).await?;
    let (staff, token) = store.add_staff(name, role, site, Utc::now()).await?;
    eprintln!("Added {} ({}, {}) with id {}.", staff.name, role.code(), staff.site, staff.id);
    eprintln!("Their token follows. It is shown only now; only a hash is stored.");
    println!("{}", token.0);
    Ok(ExitCode::SUCCESS)
}

/// `staff list`.
pub async fn staff_list(database: &str) -> CommandResult {
    for staff in open(database).await?.all_staff().await? {
        let state = if staff.active { "active" } else { "disabled" };
        println!("{}\t{}\t{}\t{}\t{state}", staff.id, staff.role.code(), staff.site, staff.name);
    }
    Ok(ExitCode::SUCCESS)
}

/// `staff disable` / `staff enable`. The last active admin is kept, as the API keeps it.
pub async fn staff_set_active(database: &str, id: uuid::Uuid, active: bool) -> CommandResult {
    let store = open(database).await?;
    let Some(staff) = store.staff(id).await? else { bail!("no staff member has the id {id}") };
    if !active && staff.role == Role::Admin && staff.active && store.count_active(Role::Admin).await? <= 1 {
        bail!("{id} is the last active admin; add or enable another admin first, or nobody can manage staff");
    }
    store.set_staff_active(id, active).await?;
    eprintln!("{} {id}.", if active { "Enabled" } else { "Disabled" });
    Ok(ExitCode::SUCCESS)
}

/// `staff rotate`: prints the new token once.
pub async fn staff_rotate(database: &str, id: uuid::Uuid) -> CommandResult {
    let Some((staff, token)) = open(database).await?.rotate_token(id).await? else {
        bail!("no staff member has the id {id}")
    };
    eprintln!("New token for {} ({}); the old one no longer works. It is shown only now.", staff.id, staff.role.code());
    println!("{}", token.0);
    Ok(ExitCode::SUCCESS)
}

/// `citizen set-fictitious`: the one way a record's `fictitious` flag changes.
pub async fn citizen_set_fictitious(database: &str, id: Uuid, fictitious: bool) -> CommandResult {
    let store = open(database).await?;
    let word = |flag: bool| if flag { "fictitious" } else { "real" };
    match store.set_fictitious(id, fictitious, Utc::now()).await? {
        None => {
            eprintln!("error: no citizen record {id} (or it was merged into another)");
            Ok(ExitCode::FAILURE)
        }
        Some(before) if before == fictitious => {
            println!("Citizen {id} is already {}; nothing changed.", word(fictitious));
            Ok(ExitCode::SUCCESS)
        }
        Some(before) => {
            println!("Citizen {id} was {} and is now {}.", word(before), word(fictitious));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `demo-data`; with `scenarios`, also the practice scenarios' cast (from `DIR/citizens.toml`, or built in).
pub async fn demo_data(
    database: &str,
    citizens: u32,
    heavy: u32,
    seed: u64,
    max_events: usize,
    scenarios: Option<CastSource>,
) -> CommandResult {
    // A broken cast file is refused before anything is stored.
    let cast = match scenarios.as_ref().map(scenarios::cast).transpose()? {
        Some(None) => return Ok(ExitCode::FAILURE),
        cast => cast.flatten(),
    };
    let store = open(database).await?;
    let started = Instant::now();
    let options = DemoOptions { citizens, heavy: heavy.min(citizens), seed, anchor: Utc::now(), max_events };
    let report = if citizens == 0 {
        demo::DemoReport::default()
    } else {
        let mut progress = progress_line("citizens", Some(citizens.into()));
        let report = demo::generate(&store, &options, |done, _| progress(done.into())).await?;
        eprintln!();
        println!(
            "{} citizens created, {} already there; {} contacts stored in {:.1} s. All are fictitious.",
            report.citizens_created,
            report.citizens_unchanged,
            report.events_created,
            started.elapsed().as_secs_f64()
        );
        report
    };
    if report.conflicts > 0 {
        eprintln!(
            "error: {} generated citizens left out: a record that is not fictitious (or more than one record) \
             already holds their CPR number. Those records were not changed; seed an empty or demo-only store.",
            report.conflicts
        );
    }
    let cast_conflicts = match &cast {
        Some(cast) => scenarios::seed(&store, cast).await?,
        None => 0,
    };
    Ok(if report.conflicts + cast_conflicts > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The authority catalogue from a TSV file, or the shipped one.
pub fn authority_catalog(path: Option<&Path>) -> anyhow::Result<AuthorityCatalog> {
    let Some(path) = path else { return Ok(AuthorityCatalog::builtin()) };
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    AuthorityCatalog::parse(&text).with_context(|| format!("in {}", path.display()))
}

/// `import FILE`.
pub async fn import(file: &Path, database: &str, authorities: Option<&Path>) -> CommandResult {
    let authorities = authority_catalog(authorities)?;
    let store = open(database).await?;
    let handle = tokio::fs::File::open(file).await.with_context(|| format!("opening {}", file.display()))?;
    let total = handle.metadata().await.ok().map(|m| m.len());
    let reader = tokio::io::BufReader::new(handle);
    let mut progress = progress_line("read", total);
    let report = import::import(&store, &authorities, reader, |p: Progress| progress(p.bytes)).await?;
    eprintln!();
    for error in &report.errors {
        eprintln!("{}:{}: {}", file.display(), error.line, error.reason);
    }
    println!(
        "{} lines: citizens {} created, {} updated, {} unchanged; contacts {} stored, {} already there, {} in the \
         unmatched queue; {} bad lines.",
        report.lines,
        report.citizens_created,
        report.citizens_updated,
        report.citizens_unchanged,
        report.events_created,
        report.events_existing,
        report.events_queued,
        report.errors.len()
    );
    Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

/// `openapi`.
pub fn openapi() -> CommandResult {
    println!("{}", serde_json::to_string_pretty(&service::openapi_document(&AuthorityCatalog::builtin()))?);
    Ok(ExitCode::SUCCESS)
}

/// `guides check [DIR]`: every problem, then a summary; exit code 1 when any guide or practice scenario (in
/// `scenarios`, else `DIR/scenarios` when there is one) has an error.
pub fn guides_check(dir: &Path, scenarios: Option<&Path>) -> CommandResult {
    let today = chrono::Local::now().date_naive();
    let library = medbetjening::guides::library::Library::load(dir, &AuthorityCatalog::builtin(), today)
        .with_context(|| format!("reading {}", dir.display()))?;
    for problem in &library.problems {
        println!("{problem}");
    }
    let errors = library.errors().count();
    let warnings = library.problems.len() - errors;
    println!("{} guides loaded; {errors} errors, {warnings} warnings.", library.guides.len());
    let scenario_dir = scenarios.map_or_else(|| dir.join("scenarios"), Path::to_path_buf);
    let scenario_errors =
        if scenarios.is_some() || scenario_dir.is_dir() { scenarios::check(&scenario_dir, &library)? } else { 0 };
    Ok(if errors + scenario_errors == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Where `session log` gets its sessions.
pub enum Sessions {
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

fn client(server: &str, token: &str, ca_file: Option<&Path>) -> anyhow::Result<HistoryClient> {
    HistoryClient::with_ca_file(server, token, DEFAULT_TIMEOUT, ca_file)
        .context("setting up the connection to the service")
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
pub async fn session_log(
    server: &str,
    token: &str,
    ca_file: Option<&Path>,
    path: PathBuf,
    sessions: Sessions,
) -> CommandResult {
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
    let client = client(server, token, ca_file)?;
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
pub async fn outbox_status(path: PathBuf) -> CommandResult {
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
pub async fn outbox_flush(server: &str, token: &str, ca_file: Option<&Path>, path: PathBuf) -> CommandResult {
    let client = client(server, token, ca_file)?;
    let outbox = open_outbox(path).await?;
    if outbox.waiting() == 0 && outbox.needs_attention() == 0 {
        println!("Nothing waits in the outbox.");
    }
    send_and_report(&outbox, &client).await
}

/// What staff decided about a session in conflict or rejected.
#[derive(Clone, Copy, Debug)]
pub enum Decision {
    Relog,
    Requeue,
    SetAside,
}

/// `outbox relog|requeue|set-aside ID`.
pub async fn outbox_decide(path: PathBuf, id: Uuid, decision: Decision) -> CommandResult {
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

/// "1 row" / "2 rows".
fn rows_text(count: u64) -> String {
    match count {
        1 => "1 row".to_owned(),
        count => format!("{count} rows"),
    }
}

/// Reads the checkpoint key file, naming it in the error.
fn checkpoint_key(path: &Path) -> anyhow::Result<CheckpointKey> {
    CheckpointKey::read(path).with_context(|| format!("the key file {}", path.display()))
}

/// `audit verify`: the chain from the newest checkpoint on; exit code 1 when it is broken.
pub async fn audit_verify(database: &str, key_file: Option<&Path>) -> CommandResult {
    let key = key_file.map(checkpoint_key).transpose()?;
    let report = open(database).await?.verify_audit(key.as_ref()).await?;
    if let Some((checkpoint, signature)) = &report.checkpoint {
        let signature = match signature {
            SignatureCheck::Valid => "its signature is valid",
            SignatureCheck::NotChecked => "its signature was not checked (give --key-file to check it)",
            SignatureCheck::Invalid => "its signature does NOT match the key",
        };
        println!(
            "Starting from the checkpoint of {} (rows up to {} pruned); {signature}.",
            checkpoint.created_at.format("%Y-%m-%d %H:%M UTC"),
            checkpoint.seq
        );
    }
    let (head_seq, head_hash) = &report.head;
    println!("Chain head: row {head_seq}, hash {head_hash}.");
    match &report.broken {
        None => {
            println!("{} verified, chain intact.", rows_text(report.rows));
            Ok(ExitCode::SUCCESS)
        }
        Some(broken) => {
            println!("Chain broken at {broken}. {} before it verified.", rows_text(report.rows));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `audit prune`: deletes rows older than the age and writes a signed checkpoint; refuses on a broken chain.
pub async fn audit_prune(database: &str, older_than: AuditAge, key_file: &Path) -> CommandResult {
    let (key, created) =
        CheckpointKey::read_or_create(key_file).with_context(|| format!("the key file {}", key_file.display()))?;
    if created {
        eprintln!(
            "Created a new checkpoint key in {} (32 random bytes, readable by its owner only). Keep it safe and \
             apart from the database: verifying checkpoints needs it.",
            key_file.display()
        );
    }
    let now = Utc::now();
    let cutoff = older_than.cutoff(now);
    let store = open(database).await?;
    match store.prune_audit(cutoff, &key, now).await? {
        PruneOutcome::Pruned(checkpoint) => println!(
            "Pruned {} of the audit log older than {} (up to row {}); signed checkpoint written.",
            rows_text(u64::try_from(checkpoint.pruned).unwrap_or_default()),
            cutoff.format("%Y-%m-%d %H:%M UTC"),
            checkpoint.seq
        ),
        PruneOutcome::NothingOlder => {
            println!("No audit rows older than {}; nothing pruned.", cutoff.format("%Y-%m-%d %H:%M UTC"));
        }
        PruneOutcome::Refused(broken) => {
            println!("Chain broken at {broken}. Nothing was pruned: the evidence stays until it is investigated.");
            return Ok(ExitCode::FAILURE);
        }
    }
    Ok(ExitCode::SUCCESS)
}
