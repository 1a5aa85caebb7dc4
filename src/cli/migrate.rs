//! `migrate`: the one command that creates or upgrades the schema.

use std::process::ExitCode;

use anyhow::Context;
use medbetjening::history::store::{Store, StoreOptions};

use super::CommandResult;

/// `migrate`: creates or upgrades the schema, as the database's owner.
pub async fn migrate(database: &str) -> CommandResult {
    let (store, applied) = Store::migrate_url(database, &StoreOptions::default()).await.context("migrating")?;
    let version = medbetjening::history::store::program_version(store.kind());
    match applied.as_slice() {
        [] => println!("The schema is at version {version} already; nothing to do."),
        applied => println!(
            "Applied {} migration{} ({}); the schema is at version {version}.",
            applied.len(),
            if applied.len() == 1 { "" } else { "s" },
            applied.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
