//! `import`: citizen records and channel contacts from a JSON Lines file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use medbetjening::history::import;

use super::progress::Progress;
use super::{CommandResult, DatabaseArgs};

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file; one JSON object per line (see README).
    file: PathBuf,
    #[command(flatten)]
    database: DatabaseArgs,
    /// The TSV of authorities the service uses, if not the shipped one (as `serve --authorities`).
    #[arg(long)]
    authorities: Option<PathBuf>,
}

impl ImportArgs {
    pub async fn run(self) -> CommandResult {
        import(&self.file, &self.database.url()?, self.authorities.as_deref()).await
    }
}

/// `import FILE`.
async fn import(file: &Path, database: &str, authorities: Option<&Path>) -> CommandResult {
    let authorities = super::authority_catalog(authorities)?;
    let store = super::open(database).await?;
    let handle = tokio::fs::File::open(file).await.with_context(|| format!("opening {}", file.display()))?;
    let total = handle.metadata().await.ok().map(|m| m.len());
    let reader = tokio::io::BufReader::new(handle);
    let mut progress = Progress::new("read", total);
    let report =
        import::import(&store, &authorities, reader, |read: import::Progress| progress.set(read.bytes)).await?;
    progress.finish();
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
