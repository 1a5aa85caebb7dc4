//! The console as a desktop program, for a shortcut on a Windows PC: a GUI program, so no terminal window opens
//! beside it, and an error nobody would see on a terminal is shown in a message box. The command line
//! (`medbetjening serve`, `import`, `outbox flush` …) stays in `medbetjening`, which keeps its console.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use medbetjening::console::launch::{Launch, start};

/// Medbetjening — the console for staff who help citizens through digital self-service.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Desktop {
    /// Where the local demo store and the outbox live (default: the local application data folder).
    #[arg(long, env = "MEDBETJENING_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The shared contact-history service, e.g. `https://historik.example.kk.dk`; without it, the local demo.
    #[arg(long, env = "MEDBETJENING_SERVER")]
    server: Option<String>,
    /// The staff member's token (else the file `token` in the configuration folder).
    #[arg(long, env = "MEDBETJENING_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Also trust the certificate authorities in this PEM file (the municipality's own CA).
    #[arg(long, env = "MEDBETJENING_CA_FILE", value_name = "PATH")]
    ca_file: Option<PathBuf>,
    /// Allow plain http:// to another machine (only over a network that encrypts for you).
    #[arg(long)]
    allow_plain_http: bool,
    /// Training mode on the local demo.
    #[arg(long, conflicts_with = "server")]
    training: bool,
}

fn main() -> ExitCode {
    let desktop = Desktop::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    if let Some(server) = &desktop.server
        && let Err(refused) = medbetjening::history::client::check_plain_http(server, desktop.allow_plain_http)
    {
        return report(&refused.to_string());
    }
    let launch = Launch {
        data_dir: desktop.data_dir.unwrap_or_else(medbetjening::history::embedded::default_data_dir),
        server: desktop.server,
        token: desktop.token,
        ca_file: desktop.ca_file,
        training: desktop.training,
        screenshot: None,
        ..Launch::default()
    };
    match start(launch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(&error.to_string()),
    }
}

/// Says why the console could not run: in a message box on Windows, where a GUI program has no terminal.
fn report(message: &str) -> ExitCode {
    #[cfg(windows)]
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Medbetjening")
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
    #[cfg(not(windows))]
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
