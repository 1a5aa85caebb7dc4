//! `insights`: the supervisors' rollups.

use std::process::ExitCode;

use clap::Subcommand;

use super::{CommandResult, DatabaseArgs};

#[derive(Debug, Subcommand)]
pub enum InsightsCommand {
    /// Recompute every insight rollup from the stored sessions and contacts, in one transaction (writers wait).
    /// Needed after a restore from raw rows, or after records were flagged fictitious or real.
    Rebuild {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

impl InsightsCommand {
    pub async fn run(self) -> CommandResult {
        match self {
            Self::Rebuild { database } => {
                let store = database.open().await?;
                eprintln!("Counting every session and contact again …");
                let started = std::time::Instant::now();
                let report = store.rebuild_insights().await?;
                println!(
                    "Rebuilt the insights in {:.1} s: {} sessions, {} reported contacts, {} tilbageløb, {} citizens with \
                     assessed sessions.",
                    started.elapsed().as_secs_f64(),
                    report.sessions,
                    report.contacts,
                    report.returns,
                    report.citizens
                );
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}
