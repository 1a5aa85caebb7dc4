//! The embedded default: the contact-history service started in-process on `127.0.0.1:<random port>` over a
//! local SQLite file of fictitious citizens, with a local demo staff member. The console talks to it over HTTP
//! exactly as it would to a shared deployment, so there is one code path.
//!
//! The demo store is a file of its own in the data directory and holds only fictitious citizens, so demo and
//! training data never mix with a real store.

use crate::domain::cast::Cast;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use chrono::Utc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::demo::sessions::{DemoGuide, SessionDemo};
use super::demo::{self, DemoOptions, DemoReport};
use super::service::{self, AppState};
use super::store::{Store, StoreError};
use crate::domain::Role;

/// File name of the demo store inside the data directory.
pub const DEMO_DATABASE: &str = "demo.sqlite";
/// File holding the local demo staff member's token (readable by the owner only).
pub const TOKEN_FILE: &str = "local-staff.token";

/// The local trainer's token, for `--training`.
pub const TRAINER_TOKEN_FILE: &str = "local-trainer.token";

/// The local supervisor's token, for `--supervisor`.
pub const SUPERVISOR_TOKEN_FILE: &str = "local-supervisor.token";

/// Whom the local console signs in as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LocalStaff {
    Clerk,
    Trainer,
    Supervisor,
}

/// What to start.
#[derive(Clone, Debug)]
pub struct EmbeddedOptions {
    pub data_dir: PathBuf,
    /// Citizens to generate when the store is new.
    pub demo_citizens: u32,
    /// Of those, how many get ten thousand events.
    pub heavy_citizens: u32,
    /// Sign the console in as the local trainer instead of the local counter clerk: training mode.
    pub training: bool,
    /// The practice scenarios' cast, stored (fictitious) on every start; the caller reads it from the guides, so
    /// the history never depends on them.
    pub cast: Cast,
    /// Sign in as the local supervisor instead: the insights workspace.
    pub supervisor: bool,
    /// Assisted sessions logged once, over two years, so the insights have something to show; and the guides they
    /// walk (read from the guide library by the caller).
    pub demo_sessions: u32,
    pub demo_guides: Vec<DemoGuide>,
}

impl EmbeddedOptions {
    /// The local demo as the console opens it: 200 fictitious citizens, three of them with ten thousand contacts.
    #[must_use]
    pub fn demo(data_dir: PathBuf, training: bool, cast: Cast) -> Self {
        Self {
            data_dir,
            demo_citizens: 200,
            heavy_citizens: 3,
            training,
            cast,
            supervisor: false,
            demo_sessions: 4_000,
            demo_guides: Vec::new(),
        }
    }
}

/// Why the embedded service could not start.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("the data directory {path} cannot be used: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("the local token file cannot be written: {0}")]
    Token(std::io::Error),
    #[error("no local port could be opened: {0}")]
    Bind(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A running embedded service. Dropping it (or calling [`Embedded::stop`]) shuts the service down.
pub struct Embedded {
    pub url: String,
    pub token: String,
    pub database: PathBuf,
    /// Set when this start created the demo population.
    pub seeded: Option<DemoReport>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for Embedded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedded").field("url", &self.url).field("database", &self.database).finish_non_exhaustive()
    }
}

impl Embedded {
    /// Stops the service and waits for requests in flight.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // The receiver is gone only if the server already stopped, which is what we want.
            shutdown.send(()).ok();
        }
        if let Some(task) = self.task.take()
            && let Ok(Err(error)) = task.await
        {
            tracing::warn!(%error, "embedded service stopped with an error");
        }
    }
}

impl Drop for Embedded {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown.send(()).ok();
        }
    }
}

/// The platform's local data directory for Medbetjening: `~/.local/share/medbetjening` on Linux,
/// `%LOCALAPPDATA%\Medbetjening\Medbetjening\data` on Windows. Not the roaming folder: it is often redirected to a
/// network share, where SQLite's write-ahead log does not work and a journal's fsync means little. Sessions an
/// earlier version journaled in the roaming folder are moved here first.
#[must_use]
pub fn default_data_dir() -> PathBuf {
    let Some(dirs) = directories::ProjectDirs::from("dk", "Medbetjening", "Medbetjening") else {
        return PathBuf::from(".medbetjening");
    };
    let local = dirs.data_local_dir().to_path_buf();
    move_journals(dirs.data_dir(), &local);
    crate::platform::warn_if_shared(&local);
    local
}

/// Moves outbox journals from `old` to `new` (both data directories) when they differ, so sessions logged but not
/// yet sent reach the service from the new place. Each journal is copied, then the old one renamed aside
/// (`.moved`); one already in the new place is left alone. Best effort: what cannot be moved stays and is logged.
pub fn move_journals(old: &Path, new: &Path) {
    let (from, to) = (old.join("outbox"), new.join("outbox"));
    if old == new || !from.is_dir() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(&from) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.extension().is_none_or(|e| e != "journal") || target.exists() {
            continue;
        }
        let moved = std::fs::create_dir_all(&to)
            .and_then(|()| std::fs::copy(&path, &target))
            .and_then(|_| std::fs::rename(&path, path.with_extension("journal.moved")));
        match moved {
            Ok(()) => {
                crate::platform::restrict_to_owner(&target);
                tracing::info!(journal = %target.display(), "moved an outbox journal to the local data folder");
            }
            Err(error) => tracing::warn!(%error, "an outbox journal could not be moved to the local data folder"),
        }
    }
}

/// The platform's configuration directory for Medbetjening (e.g. `~/.config/medbetjening` on Linux).
#[must_use]
pub fn default_config_dir() -> PathBuf {
    directories::ProjectDirs::from("dk", "Medbetjening", "Medbetjening")
        .map_or_else(|| PathBuf::from(".medbetjening"), |dirs| dirs.config_dir().to_path_buf())
}

/// Opens (and on first run fills) the demo store, makes sure a local staff token exists, and starts the service.
/// `progress(done, total)` reports demo generation.
pub async fn start(options: &EmbeddedOptions, progress: impl FnMut(u32, u32)) -> Result<Embedded, EmbeddedError> {
    let dir = &options.data_dir;
    std::fs::create_dir_all(dir).map_err(|source| EmbeddedError::DataDir { path: dir.clone(), source })?;
    let database = dir.join(DEMO_DATABASE);
    let store = Store::open(&format!("sqlite:{}", database.display())).await?;
    let seeded = if store.count_citizens().await? == 0 {
        let demo = DemoOptions {
            citizens: options.demo_citizens,
            heavy: options.heavy_citizens,
            seed: 1,
            anchor: Utc::now(),
            max_events: demo::DEFAULT_MAX_EVENTS,
        };
        Some(demo::generate(&store, &demo, progress).await?)
    } else {
        None
    };
    // The showcase citizens and the practice scenarios' cast, on every start: an older demo store gains them, and
    // nothing is stored twice.
    demo::showcase::seed(&store, Utc::now()).await?;
    super::cast::seed(&store, &options.cast, Utc::now()).await?;
    if options.demo_sessions > 0 && !demo::sessions::present(&store).await? {
        let stories = demo::sessions::story_cprs(&options.cast);
        let citizens = store.fictitious_citizens(options.demo_citizens, &stories).await?;
        let sessions = SessionDemo {
            sessions: options.demo_sessions,
            seed: 1,
            anchor: Utc::now(),
            guides: options.demo_guides.clone(),
            citizens,
        };
        demo::sessions::generate(&store, &sessions, |_, _| {}).await?;
    }
    let who = if options.training {
        LocalStaff::Trainer
    } else if options.supervisor {
        LocalStaff::Supervisor
    } else {
        LocalStaff::Clerk
    };
    let token = local_token(&store, dir, who).await?;
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await.map_err(EmbeddedError::Bind)?;
    let url = format!("http://{}", listener.local_addr().map_err(EmbeddedError::Bind)?);
    let (shutdown, stopped) = oneshot::channel::<()>();
    // On the demo store every citizen is fictitious: they are the population its insights show.
    let state = AppState { population: crate::domain::insight::Population::Fictitious, ..AppState::new(store) };
    let task = tokio::spawn(service::serve(listener, state, async move {
        stopped.await.ok();
    }));
    Ok(Embedded { url, token, database, seeded, shutdown: Some(shutdown), task: Some(task) })
}

/// The local demo staff member's token — the trainer's when `training` — read from the data directory, or created
/// with a new staff member. The trainer is a separate staff member, so the service keeps them to fictitious
/// citizens and their sessions out of the statistics, as for any trainer.
async fn local_token(store: &Store, dir: &Path, who: LocalStaff) -> Result<String, EmbeddedError> {
    let path = dir.join(match who {
        LocalStaff::Clerk => TOKEN_FILE,
        LocalStaff::Trainer => TRAINER_TOKEN_FILE,
        LocalStaff::Supervisor => SUPERVISOR_TOKEN_FILE,
    });
    if let Ok(token) = std::fs::read_to_string(&path) {
        let token = crate::encoding::strip_bom(&token).trim().to_owned();
        if store.staff_by_token(&token).await?.is_some() {
            return Ok(token);
        }
    }
    let (name, role) = match who {
        LocalStaff::Clerk => ("Demo-medarbejder", Role::Counter),
        LocalStaff::Trainer => ("Demo-underviser", Role::Trainer),
        LocalStaff::Supervisor => ("Demo-leder", Role::Supervisor),
    };
    let (_, token) = store.add_staff(name, role, "Borgerservice (demo)", Utc::now()).await?;
    write_private(&path, &token.0).map_err(EmbeddedError::Token)?;
    Ok(token.0)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, contents.as_bytes())?;
    crate::platform::restrict_to_owner(path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journals_left_in_the_roaming_folder_move_to_the_local_one() {
        let dir = tempfile::tempdir().expect("dir");
        let (roaming, local) = (dir.path().join("Roaming"), dir.path().join("Local"));
        std::fs::create_dir_all(roaming.join("outbox")).expect("old outbox");
        std::fs::create_dir_all(local.join("outbox")).expect("new outbox");
        std::fs::write(roaming.join("outbox").join("a.journal"), "waiting").expect("journal");
        std::fs::write(roaming.join("outbox").join("a.journal.lock"), "").expect("lock");
        std::fs::write(roaming.join("outbox").join("b.journal"), "old").expect("journal");
        std::fs::write(local.join("outbox").join("b.journal"), "newer").expect("journal");
        move_journals(&roaming, &local);
        assert_eq!(std::fs::read_to_string(local.join("outbox").join("a.journal")).expect("moved"), "waiting");
        assert!(roaming.join("outbox").join("a.journal.moved").exists(), "set aside, not deleted");
        assert_eq!(std::fs::read_to_string(local.join("outbox").join("b.journal")).expect("kept"), "newer");
        assert!(!local.join("outbox").join("a.journal.lock").exists(), "locks are not moved");
        move_journals(&local, &local);
    }

    #[tokio::test]
    async fn training_signs_in_as_a_separate_trainer_and_the_clerk_stays_a_clerk() {
        let dir = tempfile::tempdir().expect("data dir");
        let options = |training| EmbeddedOptions {
            data_dir: dir.path().to_path_buf(),
            demo_citizens: 2,
            heavy_citizens: 0,
            training,
            cast: Cast::default(),
            supervisor: false,
            demo_sessions: 0,
            demo_guides: Vec::new(),
        };
        let trainer = start(&options(true), |_, _| {}).await.expect("training start");
        let store = Store::open(&format!("sqlite:{}", trainer.database.display())).await.expect("store");
        let role = |token: String| {
            let store = store.clone();
            async move { store.staff_by_token(&token).await.expect("lookup").expect("known").role }
        };
        let trainer_token = trainer.token.clone();
        assert_eq!(role(trainer_token.clone()).await, Role::Trainer);
        trainer.stop().await;
        let clerk = start(&options(false), |_, _| {}).await.expect("normal start");
        assert_eq!(role(clerk.token.clone()).await, Role::Counter);
        assert_ne!(clerk.token, trainer_token);
        clerk.stop().await;
        let again = start(&options(true), |_, _| {}).await.expect("training again");
        assert_eq!(again.token, trainer_token, "the trainer's token is kept between runs");
        again.stop().await;
    }
}
