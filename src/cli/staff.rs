//! `staff`: staff members and their tokens.

use std::process::ExitCode;

use anyhow::bail;
use chrono::Utc;
use clap::Subcommand;
use medbetjening::domain::Role;
use uuid::Uuid;

use super::{CommandResult, DatabaseArgs};

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
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
        database: DatabaseArgs,
    },
    /// List staff members (no tokens).
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Stop a staff member's token working (at once, on every instance).
    Disable {
        id: Uuid,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Let a disabled staff member's token work again.
    Enable {
        id: Uuid,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Give a staff member a new token and print it (once); the old one stops working.
    Rotate {
        id: Uuid,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

impl StaffCommand {
    pub async fn run(self) -> CommandResult {
        match self {
            Self::Add { name, role, site, database } => add(&database, &name, &role, &site).await,
            Self::List { database } => list(&database).await,
            Self::Disable { id, database } => set_active(&database, id, false).await,
            Self::Enable { id, database } => set_active(&database, id, true).await,
            Self::Rotate { id, database } => rotate(&database, id).await,
        }
    }
}

/// `staff add`.
async fn add(database: &DatabaseArgs, name: &str, role: &str, site: &str) -> CommandResult {
    let database = database.url()?;
    let Some(role) = Role::from_code(role) else {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        bail!("unknown role '{role}'; use one of: {}", roles.join(", "));
    };
    let store = super::open(&database).await?;
    let (staff, token) = store.add_staff(name, role, site, Utc::now()).await?;
    eprintln!("Added {} ({}, {}) with id {}.", staff.name, role.code(), staff.site, staff.id);
    eprintln!("Their token follows. It is shown only now; only a hash is stored.");
    println!("{}", token.0);
    Ok(ExitCode::SUCCESS)
}

/// `staff list`.
async fn list(database: &DatabaseArgs) -> CommandResult {
    for staff in database.open().await?.all_staff().await? {
        let state = if staff.active { "active" } else { "disabled" };
        println!("{}\t{}\t{}\t{}\t{state}", staff.id, staff.role.code(), staff.site, staff.name);
    }
    Ok(ExitCode::SUCCESS)
}

/// `staff disable` / `staff enable`. The last active admin is kept, as the API keeps it.
async fn set_active(database: &DatabaseArgs, id: Uuid, active: bool) -> CommandResult {
    let store = database.open().await?;
    let Some(staff) = store.staff(id).await? else { bail!("no staff member has the id {id}") };
    if !active && staff.role == Role::Admin && staff.active && store.count_active(Role::Admin).await? <= 1 {
        bail!("{id} is the last active admin; add or enable another admin first, or nobody can manage staff");
    }
    store.set_staff_active(id, active).await?;
    eprintln!("{} {id}.", if active { "Enabled" } else { "Disabled" });
    Ok(ExitCode::SUCCESS)
}

/// `staff rotate`: prints the new token once.
async fn rotate(database: &DatabaseArgs, id: Uuid) -> CommandResult {
    let Some((staff, token)) = database.open().await?.rotate_token(id).await? else {
        bail!("no staff member has the id {id}")
    };
    eprintln!("New token for {} ({}); the old one no longer works. It is shown only now.", staff.id, staff.role.code());
    println!("{}", token.0);
    Ok(ExitCode::SUCCESS)
}
