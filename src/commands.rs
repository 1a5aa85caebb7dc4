//! The bodies of the command-line commands. Output for people goes to stdout; progress and logs to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool's output is its product.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use medbetjening::domain::{AuthorityCatalog, Role};
use medbetjening::history::demo::{self, DemoOptions};
use medbetjening::history::embedded::{self, EmbeddedOptions};
use medbetjening::history::import::{self, Progress};
use medbetjening::history::service::{self, AppState};
use medbetjening::history::store::Store;

type CommandResult = anyhow::Result<ExitCode>;

async fn open(database: &str) -> anyhow::Result<Store> {
    Store::open(database).await.context("opening the database")
}

/// Resolves when the process is asked to stop (Ctrl+C).
async fn interrupted() {
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
    screenshot: Option<PathBuf>,
    script: Vec<medbetjening::console::screenshot::Action>,
) -> ExitCode {
    use medbetjening::console::{self, ConsoleOptions, Target};
    let target = match server {
        Some(url) => {
            let token_file = embedded::default_config_dir().join("token");
            let token =
                token.or_else(|| std::fs::read_to_string(&token_file).ok()).unwrap_or_default().trim().to_owned();
            Target::Server { url, token, token_file: token_file.display().to_string() }
        }
        None => Target::Embedded(EmbeddedOptions { data_dir, demo_citizens: 200, heavy_citizens: 3 }),
    };
    let options =
        ConsoleOptions { target, guides_dir: guides_dir(), screenshot: screenshot.map(|path| (path, script)) };
    match console::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The screenshot mode's script from its command-line options.
#[cfg(feature = "console")]
pub fn screenshot_script(
    lookup: Option<String>,
    guide: Option<String>,
    advance: u32,
    citizen_view: bool,
) -> Vec<medbetjening::console::screenshot::Action> {
    use medbetjening::console::screenshot::Action;
    let mut script: Vec<Action> = lookup.into_iter().map(Action::Lookup).collect();
    script.extend(guide.map(Action::StartGuide));
    script.extend((0..advance).map(|_| Action::Advance));
    if citizen_view {
        script.push(Action::CitizenView);
    }
    script
}

/// Where the guide files are: `MEDBETJENING_GUIDES`, else `guides/` in the working directory, else the source tree's.
#[cfg(feature = "console")]
fn guides_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MEDBETJENING_GUIDES") {
        return PathBuf::from(dir);
    }
    let local = PathBuf::from("guides");
    if local.is_dir() { local } else { Path::new(env!("CARGO_MANIFEST_DIR")).join("guides") }
}

/// No arguments and no console built in: the embedded service over the local demo store.
#[cfg_attr(feature = "console", allow(dead_code))] // Used by builds without the console.
pub async fn embedded_demo(data_dir: PathBuf) -> CommandResult {
    let options = EmbeddedOptions { data_dir: data_dir.clone(), demo_citizens: 200, heavy_citizens: 3 };
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

/// `serve`: the shared contact-history service.
pub async fn serve(database: &str, bind: &str, authorities: Option<PathBuf>) -> CommandResult {
    let store = open(database).await?;
    let mut state = AppState::new(store);
    if let Some(path) = authorities {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let catalog = AuthorityCatalog::parse(&text).with_context(|| format!("in {}", path.display()))?;
        state.authorities = Arc::new(catalog);
    }
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("listening on {bind}"))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, store = state.store.kind().name(), "contact-history service listening");
    eprintln!("Serving the contact-history API on http://{address} (Ctrl+C stops).");
    service::serve(listener, state, interrupted()).await.context("serving")?;
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

/// `demo-data`.
pub async fn demo_data(database: &str, citizens: u32, heavy: u32, seed: u64) -> CommandResult {
    let store = open(database).await?;
    let started = Instant::now();
    let options = DemoOptions { citizens, heavy: heavy.min(citizens), seed, anchor: Utc::now() };
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
    Ok(ExitCode::SUCCESS)
}

/// `import FILE`.
pub async fn import(file: &Path, database: &str) -> CommandResult {
    let store = open(database).await?;
    let handle = tokio::fs::File::open(file).await.with_context(|| format!("opening {}", file.display()))?;
    let total = handle.metadata().await.ok().map(|m| m.len());
    let reader = tokio::io::BufReader::new(handle);
    let authorities = AuthorityCatalog::builtin();
    let mut progress = progress_line("read", total);
    let report = import::import(&store, &authorities, reader, |p: Progress| progress(p.bytes)).await?;
    eprintln!();
    for error in &report.errors {
        eprintln!("{}:{}: {}", file.display(), error.line, error.reason);
    }
    println!(
        "{} lines: citizens {} created, {} updated, {} unchanged; contacts {} stored, {} already there; {} bad lines.",
        report.lines,
        report.citizens_created,
        report.citizens_updated,
        report.citizens_unchanged,
        report.events_created,
        report.events_existing,
        report.errors.len()
    );
    Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}

/// `openapi`.
pub fn openapi() -> CommandResult {
    println!("{}", serde_json::to_string_pretty(&service::openapi())?);
    Ok(ExitCode::SUCCESS)
}

/// `guides check [DIR]`: every problem, then a summary; exit code 1 when any guide has an error.
pub fn guides_check(dir: &Path) -> CommandResult {
    let today = chrono::Local::now().date_naive();
    let library = medbetjening::guides::library::Library::load(dir, &AuthorityCatalog::builtin(), today)
        .with_context(|| format!("reading {}", dir.display()))?;
    for problem in &library.problems {
        println!("{problem}");
    }
    let errors = library.errors().count();
    let warnings = library.problems.len() - errors;
    println!("{} guides loaded; {errors} errors, {warnings} warnings.", library.guides.len());
    Ok(if errors == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
