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
    /// Connect the console to a shared contact-history service instead of the local demo.
    #[arg(long, env = "MEDBETJENING_SERVER")]
    server: Option<String>,
    /// The staff member's token for --server (also read from `MEDBETJENING_TOKEN` or the config file `token`).
    #[arg(long, env = "MEDBETJENING_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Open the window, wait until the first screen has settled, write it as PNG to this path and exit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
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
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the contact-history API over a database.
    Serve {
        /// `sqlite:PATH` or `postgres://…`.
        #[arg(long, env = "MEDBETJENING_DATABASE")]
        database: String,
        /// Address and port to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// A TSV of authorities to use instead of the shipped one (columns `id`, `kind`, `name_da`, `name_en`).
        #[arg(long)]
        authorities: Option<PathBuf>,
    },
    /// Manage staff members and their tokens.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Fill a store with deterministic, fictitious citizens and their cross-channel histories.
    DemoData {
        #[arg(long, env = "MEDBETJENING_DATABASE")]
        database: String,
        /// Number of citizens.
        #[arg(long, default_value_t = 200)]
        citizens: u32,
        /// How many of them get at least 10,000 events (for performance work).
        #[arg(long, default_value_t = 3)]
        heavy: u32,
        /// Random seed; the same seed gives the same citizens.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Import citizen records and channel contacts from a JSON Lines file.
    Import {
        /// The file; one JSON object per line (see README).
        file: PathBuf,
        #[arg(long, env = "MEDBETJENING_DATABASE")]
        database: String,
    },
    /// Print the API's OpenAPI document.
    Openapi,
    /// Work with the guide library.
    Guides {
        #[command(subcommand)]
        command: GuidesCommand,
    },
}

#[derive(Debug, Subcommand)]
enum GuidesCommand {
    /// Check every guide in DIR (default: guides) and report all problems with file, line and field.
    Check {
        #[arg(default_value = "guides")]
        dir: PathBuf,
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
        #[arg(long, env = "MEDBETJENING_DATABASE")]
        database: String,
    },
    /// List staff members (no tokens).
    List {
        #[arg(long, env = "MEDBETJENING_DATABASE")]
        database: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .with_writer(std::io::stderr)
        .init();
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
        let script = commands::screenshot_script(cli.lookup, cli.guide, cli.advance, cli.citizen_view);
        return commands::console(data_dir, cli.server, cli.token, cli.screenshot, script);
    }
    let result = runtime.block_on(async move {
        match cli.command {
            #[cfg(not(feature = "console"))]
            None => commands::embedded_demo(data_dir).await,
            #[cfg(feature = "console")]
            None => unreachable!("the console runs outside the async runtime"),
            Some(Command::Serve { database, bind, authorities }) => {
                commands::serve(&database, &bind, authorities).await
            }
            Some(Command::Staff { command: StaffCommand::Add { name, role, site, database } }) => {
                commands::staff_add(&database, &name, &role, &site).await
            }
            Some(Command::Staff { command: StaffCommand::List { database } }) => commands::staff_list(&database).await,
            Some(Command::DemoData { database, citizens, heavy, seed }) => {
                commands::demo_data(&database, citizens, heavy, seed).await
            }
            Some(Command::Import { file, database }) => commands::import(&file, &database).await,
            Some(Command::Openapi) => commands::openapi(),
            Some(Command::Guides { command: GuidesCommand::Check { dir } }) => commands::guides_check(&dir),
        }
    });
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
