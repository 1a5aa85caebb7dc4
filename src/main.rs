//! `medbetjening`: the console (default), the shared contact-history service and its tools.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Medbetjening — console and contact-history service for assisted digital self-service.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
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
    /// Open the window, wait until the first screen has settled, write it as PNG to this path and exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    #[command(flatten)]
    shot: commands::ShotPlan,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the contact-history API over a database.
    Serve {
        /// `sqlite:PATH` or `postgres://…`.
        #[command(flatten)]
        database: commands::DatabaseArgs,
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// A TSV of authorities to use instead of the shipped one (columns `id`, `kind`, `name_da`, `name_en`).
        #[arg(long)]
        authorities: Option<PathBuf>,
        #[command(flatten)]
        options: commands::ServeOptions,
    },
    /// Manage staff members and their tokens.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Fill a store with deterministic, fictitious citizens and their cross-channel histories.
    DemoData {
        #[command(flatten)]
        database: commands::DatabaseArgs,
        /// Number of citizens (200 unless --scenarios is given, which then stores the cast only).
        #[arg(long)]
        citizens: Option<u32>,
        /// How many of them get at least 10,000 events (for performance work).
        #[arg(long, default_value_t = 3)]
        heavy: u32,
        /// Random seed; the same seed gives the same citizens.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The most contacts an ordinary citizen gets (4 or more; about half that on average).
        #[arg(long, default_value_t = medbetjening::history::demo::DEFAULT_MAX_EVENTS)]
        max_events: usize,
        /// Also store the practice scenarios' fictitious citizens and their history: from DIR/citizens.toml, or
        /// without DIR the cast built into the program. Running it again stores nothing twice.
        #[arg(long, value_name = "DIR", num_args = 0..=1)]
        // clap's shape for a flag with an optional value: absent, bare, or with DIR.
        #[allow(clippy::option_option)]
        scenarios: Option<Option<PathBuf>>,
    },
    /// Import citizen records and channel contacts from a JSON Lines file.
    Import {
        /// The file; one JSON object per line (see README).
        file: PathBuf,
        #[command(flatten)]
        database: commands::DatabaseArgs,
        /// The TSV of authorities the service uses, if not the shipped one (as `serve --authorities`).
        #[arg(long)]
        authorities: Option<PathBuf>,
    },
    /// Create or upgrade the database schema: the one command that changes it. Run it as the database's owner
    /// before the first start and before starting a new version; every other command refuses a schema that is
    /// not its own.
    Migrate {
        #[command(flatten)]
        database: commands::DatabaseArgs,
    },
    /// Print the API's OpenAPI document.
    Openapi,
    /// Work with the guide library.
    Guides {
        #[command(subcommand)]
        command: GuidesCommand,
    },
    /// Log assisted sessions to a contact-history service, through the durable outbox.
    Session {
        #[command(subcommand)]
        command: SessionCommand,
    },
    /// The outbox of logged sessions the service has not confirmed yet.
    Outbox {
        #[command(subcommand)]
        command: OutboxCommand,
    },
    /// Check or prune the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Administer citizen records.
    Citizen {
        #[command(subcommand)]
        command: CitizenCommand,
    },
}

#[derive(Debug, Subcommand)]
enum CitizenCommand {
    /// Mark a record fictitious (a demo or training person, whom trainers may read) or real. Registry feeds and
    /// seeding never change this; it is an administrator's deliberate act.
    SetFictitious {
        id: uuid::Uuid,
        /// `true` or `false`.
        #[arg(long, action = clap::ArgAction::Set, value_name = "BOOL")]
        fictitious: bool,
        #[command(flatten)]
        database: commands::DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the audit chain; exit code 1 when it is broken, naming the first broken row.
    Verify {
        #[command(flatten)]
        database: commands::DatabaseArgs,
        /// The checkpoint key, to check the newest checkpoint's signature (not checked without it).
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Delete audit rows older than an age and write a signed checkpoint where the chain continues.
    Prune {
        /// e.g. 180d, 26w, 6months, 1y.
        #[arg(long, value_name = "AGE")]
        older_than: medbetjening::history::store::AuditAge,
        #[command(flatten)]
        database: commands::DatabaseArgs,
        /// The checkpoint key; created (32 random bytes, readable by its owner only) when it does not exist.
        #[arg(long)]
        key_file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum SessionCommand {
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
        citizen: Option<uuid::Uuid>,
    },
}

#[derive(Debug, Subcommand)]
enum OutboxCommand {
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
        id: uuid::Uuid,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// A rejected session: put it back in the queue.
    Requeue {
        id: uuid::Uuid,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
    /// A session in conflict or rejected: do not send it.
    SetAside {
        id: uuid::Uuid,
        #[command(flatten)]
        outbox: OutboxArgs,
    },
}

#[derive(Debug, clap::Args)]
struct ServiceArgs {
    /// The contact-history service, e.g. `https://historik.example.kk.dk`.
    #[arg(long, env = "MEDBETJENING_SERVER")]
    server: String,
    /// The staff member's token; prefer the environment variable, which other users cannot see in a process list.
    #[arg(long, env = "MEDBETJENING_TOKEN", hide_env_values = true)]
    token: String,
    /// Also trust the certificate authorities in this PEM file (e.g. the municipality's own CA).
    #[arg(long, env = "MEDBETJENING_CA_FILE", value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// Allow a plain http:// --server on another machine (only over a network you trust that encrypts for you).
    #[arg(long)]
    allow_plain_http: bool,
}

/// The command line, or `None` after saying why plain HTTP to another machine is refused: for the console and
/// the commands that talk to a service, before a window opens or anything is journaled or sent (see
/// `history::client::check_plain_http`).
fn plain_http_checked(cli: Cli) -> Option<Cli> {
    let (server, allow_plain_http) = match &cli.command {
        None => match &cli.server {
            Some(server) => (server, cli.allow_plain_http),
            None => return Some(cli),
        },
        Some(
            Command::Session { command: SessionCommand::Log { service, .. } }
            | Command::Outbox { command: OutboxCommand::Flush { service, .. } },
        ) => (&service.server, service.allow_plain_http),
        Some(_) => return Some(cli),
    };
    match medbetjening::history::client::check_plain_http(server, allow_plain_http) {
        Ok(()) => Some(cli),
        Err(refused) => {
            eprintln!("error: {refused}");
            None
        }
    }
}

#[derive(Debug, clap::Args)]
struct OutboxArgs {
    /// The outbox journal. The console keeps one per service and staff member, in `outbox/` in the data directory.
    #[arg(long = "outbox", value_name = "PATH")]
    path: PathBuf,
}

#[derive(Debug, Subcommand)]
enum GuidesCommand {
    /// Check every guide in DIR (default: guides), and the practice scenarios in DIR/scenarios, and report all
    /// problems with file, line and field.
    Check {
        #[arg(env = "MEDBETJENING_GUIDES", default_value = "guides")]
        dir: PathBuf,
        /// Check the practice scenarios in this directory instead of DIR/scenarios.
        #[arg(long, value_name = "DIR")]
        scenarios: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Add a staff member and print their token (once; only a hash is stored).
    Add {
        #[arg(long)]
        name: String,
        /// counter, phone, trainer, supervisor, admin or integration.
        #[arg(long)]
        role: String,
        /// Citizen centre, contact centre or team.
        #[arg(long)]
        site: String,
        #[command(flatten)]
        database: commands::DatabaseArgs,
    },
    /// List staff members (no tokens).
    List {
        #[command(flatten)]
        database: commands::DatabaseArgs,
    },
    /// Stop a staff member's token working (at once, on every instance).
    Disable {
        id: uuid::Uuid,
        #[command(flatten)]
        database: commands::DatabaseArgs,
    },
    /// Let a disabled staff member's token work again.
    Enable {
        id: uuid::Uuid,
        #[command(flatten)]
        database: commands::DatabaseArgs,
    },
    /// Give a staff member a new token and print it (once); the old one stops working.
    Rotate {
        id: uuid::Uuid,
        #[command(flatten)]
        database: commands::DatabaseArgs,
    },
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

fn main() -> ExitCode {
    let Some(cli) = plain_http_checked(Cli::parse()) else { return ExitCode::FAILURE };
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
        return commands::console(
            data_dir,
            cli.server,
            cli.token,
            cli.ca_file,
            cli.training,
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
async fn dispatch(command: Option<Command>, data_dir: PathBuf, json_logs: bool) -> anyhow::Result<ExitCode> {
    match command {
        #[cfg(not(feature = "console"))]
        None => commands::embedded_demo(data_dir).await,
        #[cfg(feature = "console")]
        None => unreachable!("the console runs outside the async runtime"),
        Some(Command::Serve { database, bind, authorities, mut options }) => {
            options.json_logs = json_logs;
            commands::serve(&database.url()?, &bind, authorities, options).await
        }
        Some(Command::Staff { command: StaffCommand::Add { name, role, site, database } }) => {
            commands::staff_add(&database.url()?, &name, &role, &site).await
        }
        Some(Command::Staff { command: StaffCommand::List { database } }) => {
            commands::staff_list(&database.url()?).await
        }
        Some(Command::Staff { command: StaffCommand::Disable { id, database } }) => {
            commands::staff_set_active(&database.url()?, id, false).await
        }
        Some(Command::Staff { command: StaffCommand::Enable { id, database } }) => {
            commands::staff_set_active(&database.url()?, id, true).await
        }
        Some(Command::Staff { command: StaffCommand::Rotate { id, database } }) => {
            commands::staff_rotate(&database.url()?, id).await
        }
        Some(Command::DemoData { database, citizens, heavy, seed, max_events, scenarios }) => {
            // The scenarios' cast alone is what a training store needs; more only when asked for.
            let citizens = citizens.unwrap_or(if scenarios.is_some() { 0 } else { 200 });
            let cast = scenarios.map(|dir| dir.map_or(commands::CastSource::Builtin, commands::CastSource::Dir));
            commands::demo_data(&database.url()?, citizens, heavy, seed, max_events, cast).await
        }
        Some(Command::Import { file, database, authorities }) => {
            commands::import(&file, &database.url()?, authorities.as_deref()).await
        }
        Some(Command::Migrate { database }) => commands::migrate(&database.url()?).await,
        Some(Command::Openapi) => commands::openapi(),
        Some(Command::Guides { command: GuidesCommand::Check { dir, scenarios } }) => {
            commands::guides_check(&dir, scenarios.as_deref())
        }
        Some(Command::Session { command: SessionCommand::Log { service, outbox, files, demo_count, citizen } }) => {
            let sessions = match demo_count {
                Some(count) => commands::Sessions::Demo { count, citizen },
                None => commands::Sessions::Files(files),
            };
            let ca_file = service.ca_file.as_deref();
            commands::session_log(&service.server, &service.token, ca_file, outbox.path, sessions).await
        }
        Some(Command::Outbox { command: OutboxCommand::Status { outbox } }) => {
            commands::outbox_status(outbox.path).await
        }
        Some(Command::Outbox { command: OutboxCommand::Flush { service, outbox } }) => {
            commands::outbox_flush(&service.server, &service.token, service.ca_file.as_deref(), outbox.path).await
        }
        Some(Command::Outbox { command: OutboxCommand::Relog { id, outbox } }) => {
            commands::outbox_decide(outbox.path, id, commands::Decision::Relog).await
        }
        Some(Command::Outbox { command: OutboxCommand::Requeue { id, outbox } }) => {
            commands::outbox_decide(outbox.path, id, commands::Decision::Requeue).await
        }
        Some(Command::Outbox { command: OutboxCommand::SetAside { id, outbox } }) => {
            commands::outbox_decide(outbox.path, id, commands::Decision::SetAside).await
        }
        Some(Command::Audit { command: AuditCommand::Verify { database, key_file } }) => {
            commands::audit_verify(&database.url()?, key_file.as_deref()).await
        }
        Some(Command::Audit { command: AuditCommand::Prune { older_than, database, key_file } }) => {
            commands::audit_prune(&database.url()?, older_than, &key_file).await
        }
        Some(Command::Citizen { command: CitizenCommand::SetFictitious { id, fictitious, database } }) => {
            commands::citizen_set_fictitious(&database.url()?, id, fictitious).await
        }
    }
}
