//! `citizen`: administering citizen records.

use std::process::ExitCode;

use chrono::Utc;
use clap::Subcommand;
use uuid::Uuid;

use super::{CommandResult, DatabaseArgs};

#[derive(Debug, Subcommand)]
pub enum CitizenCommand {
    /// Mark a record fictitious (a demo or training person, whom trainers may read) or real. Registry feeds and
    /// seeding never change this; it is an administrator's deliberate act.
    SetFictitious {
        id: Uuid,
        /// `true` or `false`.
        #[arg(long, action = clap::ArgAction::Set, value_name = "BOOL")]
        fictitious: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

impl CitizenCommand {
    pub async fn run(self) -> CommandResult {
        match self {
            Self::SetFictitious { id, fictitious, database } => set_fictitious(&database, id, fictitious).await,
        }
    }
}

/// `citizen set-fictitious`: the one way a record's `fictitious` flag changes.
async fn set_fictitious(database: &DatabaseArgs, id: Uuid, fictitious: bool) -> CommandResult {
    let store = database.open().await?;
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
