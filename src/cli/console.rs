//! No command: the console, on the embedded demo or on a shared service; without the console built in, the
//! embedded demo service alone.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use medbetjening::guides::scenario::cast::Cast;
use medbetjening::history::embedded::{self, EmbeddedOptions};

use super::CommandResult;
use super::progress::Progress;
use super::serve::interrupted;

/// No arguments: the console, on the embedded demo or on `--server`.
#[cfg(feature = "console")]
pub fn console(
    data_dir: PathBuf,
    server: Option<String>,
    token: Option<String>,
    ca_file: Option<PathBuf>,
    (training, supervisor): (bool, bool),
    screenshot: Option<PathBuf>,
    script: Vec<medbetjening::console::screenshot::Action>,
) -> ExitCode {
    use medbetjening::console::launch::{Launch, start};
    let screenshot = screenshot.map(|path| (path, script));
    match start(Launch { data_dir, server, token, ca_file, training, supervisor, screenshot }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// No arguments and no console built in: the embedded service over the local demo store.
#[cfg_attr(feature = "console", allow(dead_code))] // Used by builds without the console.
pub async fn embedded_demo(data_dir: PathBuf) -> CommandResult {
    let options = EmbeddedOptions::demo(data_dir.clone(), false, Cast::builtin().cast);
    let mut progress = Progress::new("creating demo citizens", Some(options.demo_citizens.into()));
    let running = embedded::start(&options, |done, _| progress.set(done.into()))
        .await
        .context("starting the embedded contact-history service")?;
    progress.finish();
    if let Some(report) = &running.seeded {
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
