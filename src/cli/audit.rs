//! `audit`: checking and pruning the tamper-evident audit log.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::Utc;
use clap::Subcommand;
use medbetjening::history::store::{AuditAge, CheckpointKey, PruneOutcome, SignatureCheck};

use super::{CommandResult, DatabaseArgs};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the audit chain; exit code 1 when it is broken, naming the first broken row.
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The checkpoint key, to check the newest checkpoint's signature (not checked without it).
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// Delete audit rows older than an age and write a signed checkpoint where the chain continues.
    Prune {
        /// e.g. 180d, 26w, 6months, 1y.
        #[arg(long, value_name = "AGE")]
        older_than: AuditAge,
        #[command(flatten)]
        database: DatabaseArgs,
        /// The checkpoint key; created (32 random bytes, readable by its owner only) when it does not exist.
        #[arg(long)]
        key_file: PathBuf,
    },
}

impl AuditCommand {
    pub async fn run(self) -> CommandResult {
        match self {
            Self::Verify { database, key_file } => verify(&database.url()?, key_file.as_deref()).await,
            Self::Prune { older_than, database, key_file } => prune(&database.url()?, older_than, &key_file).await,
        }
    }
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
async fn verify(database: &str, key_file: Option<&Path>) -> CommandResult {
    let key = key_file.map(checkpoint_key).transpose()?;
    let report = super::open(database).await?.verify_audit(key.as_ref()).await?;
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
async fn prune(database: &str, older_than: AuditAge, key_file: &Path) -> CommandResult {
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
    let store = super::open(database).await?;
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
