//! The command line: the console (no command) and one module per command group. Output for people goes to
//! stdout; progress and logs to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)] // A command-line tool's output is its product.

mod audit;
mod citizen;
mod console;
mod demo_data;
mod guides;
mod import;
mod insights;
mod migrate;
mod openapi;
mod progress;
mod screenshot;
mod serve;
mod session;
mod staff;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use medbetjening::domain::AuthorityCatalog;
use medbetjening::history::store::{SchemaPolicy, Store, StoreOptions};
use tracing_subscriber::EnvFilter;

type CommandResult = anyhow::Result<ExitCode>;

/// Medbetjening — console and contact-history service for assisted digital self-service.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    /// Where the embedded demo store and local settings live (default: the platform data directory).
    #[arg(long, env = "MEDBETJENING_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// How log lines on stderr are written: `text`, or `json` for a log collector.
    #[arg(long, env = "MEDBETJENING_LOG_FORMAT", global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Connect the console to a shared contact-history service instead of the local demo.
    #[arg(long, env = "MEDBETJENING_SERVER")]
    server: Option<String>,
    /// The staff member's token for --server (also read from `MEDBETJENING_TOKEN` or the config file `token`).
    #[arg(long, env = "MEDBETJENING_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// With --server: also trust the certificate authorities in this PEM file (e.g. the municipality's own CA).
    #[arg(long, env = "MEDBETJENING_CA_FILE", value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// With --server: allow a plain http:// address on another machine (only over a network you trust that
    /// encrypts for you; the token and personal data travel unencrypted otherwise).
    #[arg(long, requires = "server")]
    allow_plain_http: bool,
    /// Training mode on the local demo: signed in as the local trainer, fictitious citizens only, and nothing
    /// counted in the statistics. To leave it, start the console again without the flag.
    #[arg(long, conflicts_with = "server")]
    training: bool,
    /// The local demo as its supervisor: the insights workspace over two years of demo sessions.
    #[arg(long, conflicts_with_all = ["server", "training"])]
    supervisor: bool,
    /// Open the window, wait until the first screen has settled, write it as PNG to this path and exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    #[command(flatten)]
    shot: screenshot::ShotPlan,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the contact-history API over a database.
    Serve(serve::ServeArgs),
    /// Manage staff members and their tokens.
    Staff {
        #[command(subcommand)]
        command: staff::StaffCommand,
    },
    /// Fill a store with deterministic, fictitious citizens and their cross-channel histories.
    DemoData(demo_data::DemoDataArgs),
    /// Import citizen records and channel contacts from a JSON Lines file.
    Import(import::ImportArgs),
    /// Create or upgrade the database schema: the one command that changes it. Run it as the database's owner
    /// before the first start and before starting a new version; every other command refuses a schema that is
    /// not its own.
    Migrate {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Print the API's OpenAPI document.
    Openapi,
    /// Work with the guide library.
    Guides {
        #[command(subcommand)]
        command: guides::GuidesCommand,
    },
    /// Log assisted sessions to a contact-history service, through the durable outbox.
    Session {
        #[command(subcommand)]
        command: session::SessionCommand,
    },
    /// The outbox of logged sessions the service has not confirmed yet.
    Outbox {
        #[command(subcommand)]
        command: session::OutboxCommand,
    },
    /// Check or prune the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Administer citizen records.
    Citizen {
        #[command(subcommand)]
        command: citizen::CitizenCommand,
    },
    /// The supervisors' insight rollups.
    Insights {
        #[command(subcommand)]
        command: insights::InsightsCommand,
    },
}

/// The command line, or `None` after saying why plain HTTP to another machine is refused: for the console and
/// the commands that talk to a service, before a window opens or anything is journaled or sent (see
/// `history::client::check_plain_http`).
pub fn plain_http_checked(cli: Cli) -> Option<Cli> {
    let (server, allow_plain_http) = match &cli.command {
        None => match &cli.server {
            Some(server) => (server, cli.allow_plain_http),
            None => return Some(cli),
        },
        Some(command) => match command.service() {
            Some(service) => (&service.server, service.allow_plain_http),
            None => return Some(cli),
        },
    };
    match medbetjening::history::client::check_plain_http(server, allow_plain_http) {
        Ok(()) => Some(cli),
        Err(refused) => {
            eprintln!("error: {refused}");
            None
        }
    }
}

impl Command {
    /// The service a command talks to, if it talks to one.
    fn service(&self) -> Option<&session::ServiceArgs> {
        match self {
            Self::Session { command } => Some(command.service()),
            Self::Outbox { command } => command.service(),
            _ => None,
        }
    }
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    /// One line of text per event; coloured only on a terminal.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Logs to stderr at `RUST_LOG` (default `info`). The console's own embedded service keeps its access lines to
/// itself unless `RUST_LOG` asks for them.
fn init_logging(format: LogFormat, console: bool) {
    use std::io::IsTerminal;
    let default = if console { "info,sqlx=warn,medbetjening::access=warn" } else { "info,sqlx=warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
}

/// Runs what the command line asks for: the console, or a command on the async runtime.
pub fn run(cli: Cli) -> ExitCode {
    init_logging(cli.log_format, cli.command.is_none());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("medbetjening-io").build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let data_dir = cli.data_dir.unwrap_or_else(medbetjening::history::embedded::default_data_dir);
    #[cfg(feature = "console")]
    if cli.command.is_none() {
        drop(runtime);
        return console::console(
            data_dir,
            cli.server,
            cli.token,
            cli.ca_file,
            (cli.training, cli.supervisor),
            cli.screenshot,
            cli.shot.script(),
        );
    }
    let result = runtime.block_on(dispatch(cli.command, data_dir, cli.log_format == LogFormat::Json));
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a subcommand (or, without the console built in, the headless demo service).
// The data directory serves only the headless demo; with the console built in, the console takes it instead.
#[cfg_attr(feature = "console", allow(unused_variables))]
async fn dispatch(command: Option<Command>, data_dir: PathBuf, json_logs: bool) -> CommandResult {
    match command {
        #[cfg(not(feature = "console"))]
        None => console::embedded_demo(data_dir).await,
        #[cfg(feature = "console")]
        None => unreachable!("the console runs outside the async runtime"),
        Some(Command::Serve(args)) => args.run(json_logs).await,
        Some(Command::Staff { command }) => command.run().await,
        Some(Command::DemoData(args)) => args.run().await,
        Some(Command::Import(args)) => args.run().await,
        Some(Command::Migrate { database }) => migrate::migrate(&database.url()?).await,
        Some(Command::Openapi) => openapi::openapi(),
        Some(Command::Guides { command }) => command.run(),
        Some(Command::Session { command }) => command.run().await,
        Some(Command::Outbox { command }) => command.run().await,
        Some(Command::Audit { command }) => command.run().await,
        Some(Command::Citizen { command }) => command.run().await,
        Some(Command::Insights { command }) => command.run().await,
    }
}

/// Which database a command works on: a URL on the command line or in `MEDBETJENING_DATABASE`, or read from a
/// file (`--database-file`, `MEDBETJENING_DATABASE_FILE`) so a password never has to be on a command line. The
/// password may also come from `PGPASSWORD` or `~/.pgpass`, as for `psql`. The value is never shown in `--help`.
#[derive(Debug, clap::Args)]
struct DatabaseArgs {
    /// `sqlite:PATH` or `postgres://USER@HOST/DB?sslmode=verify-full&sslrootcert=CA.pem`.
    #[arg(long, env = "MEDBETJENING_DATABASE", hide_env_values = true, required_unless_present = "database_file")]
    database: Option<String>,
    /// A file (readable by its owner only) holding the database URL on its first line.
    #[arg(long, env = "MEDBETJENING_DATABASE_FILE", value_name = "PATH", conflicts_with = "database")]
    database_file: Option<PathBuf>,
}

impl DatabaseArgs {
    /// The database URL, from the argument or the file.
    fn url(&self) -> anyhow::Result<String> {
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

    /// Opens a shared store whose schema must already be this program's (see `migrate`).
    async fn open(&self) -> anyhow::Result<Store> {
        open(&self.url()?).await
    }
}

/// Opens a shared store whose schema must already be this program's (see `migrate`).
async fn open(database: &str) -> anyhow::Result<Store> {
    let options = StoreOptions { schema: SchemaPolicy::Require, ..StoreOptions::default() };
    Store::open_with(database, &options).await.context("opening the database")
}

/// The authority catalogue from a TSV file, or the shipped one.
fn authority_catalog(path: Option<&Path>) -> anyhow::Result<AuthorityCatalog> {
    let Some(path) = path else { return Ok(AuthorityCatalog::builtin()) };
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    AuthorityCatalog::parse(&text).with_context(|| format!("in {}", path.display()))
}
