//! `demo-data`: fictitious citizens with cross-channel histories, and the practice scenarios' cast.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use medbetjening::domain::AuthorityCatalog;
use medbetjening::guides::library::{Severity, Source};
use medbetjening::guides::scenario::cast::{CAST_FILE, Cast};
use medbetjening::history::demo::{self, DemoOptions};
use medbetjening::history::store::Store;

use super::progress::Progress;
use super::{CommandResult, DatabaseArgs};

#[derive(Debug, clap::Args)]
pub struct DemoDataArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Number of citizens (200 unless --scenarios is given, which then stores the cast only).
    #[arg(long)]
    citizens: Option<u32>,
    /// How many of them get at least 10,000 events (for performance work).
    #[arg(long, default_value_t = 3)]
    heavy: u32,
    /// Random seed; the same seed gives the same citizens.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The most contacts an ordinary citizen gets (4 or more; about half that on average).
    #[arg(long, default_value_t = demo::DEFAULT_MAX_EVENTS)]
    max_events: usize,
    /// Also store the practice scenarios' fictitious citizens and their history: from DIR/citizens.toml, or
    /// without DIR the cast built into the program. Running it again stores nothing twice.
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    // clap's shape for a flag with an optional value: absent, bare, or with DIR.
    #[allow(clippy::option_option)]
    scenarios: Option<Option<PathBuf>>,
    /// Also log this many assisted sessions over the last two years, for the insights (walking the guides in
    /// --guides); each run adds them anew.
    #[arg(long, default_value_t = 0)]
    sessions: u32,
    /// The guide library the sessions walk.
    #[arg(long, value_name = "DIR", default_value = "guides")]
    guides: PathBuf,
}

impl DemoDataArgs {
    pub async fn run(self) -> CommandResult {
        let database = self.database.url()?;
        // The scenarios' cast alone is what a training store needs; more only when asked for.
        let citizens = self.citizens.unwrap_or(if self.scenarios.is_some() { 0 } else { 200 });
        let cast = self.scenarios.map(|dir| dir.map_or(CastSource::Builtin, CastSource::Dir));
        let code = demo_data(&database, citizens, self.heavy, self.seed, self.max_events, cast).await?;
        if self.sessions > 0 {
            demo_sessions(&database, self.sessions, self.seed, &self.guides).await?;
        }
        Ok(code)
    }
}

/// `demo-data`; with `scenarios`, also the practice scenarios' cast (from `DIR/citizens.toml`, or built in).
async fn demo_data(
    database: &str,
    citizens: u32,
    heavy: u32,
    seed: u64,
    max_events: usize,
    scenarios: Option<CastSource>,
) -> CommandResult {
    // A broken cast file is refused before anything is stored.
    let cast = match scenarios.as_ref().map(cast).transpose()? {
        Some(None) => return Ok(ExitCode::FAILURE),
        cast => cast.flatten(),
    };
    let store = super::open(database).await?;
    let started = Instant::now();
    let options = DemoOptions { citizens, heavy: heavy.min(citizens), seed, anchor: Utc::now(), max_events };
    let report = if citizens == 0 {
        demo::DemoReport::default()
    } else {
        let mut progress = Progress::new("citizens", Some(citizens.into()));
        let report = demo::generate(&store, &options, |done, _| progress.set(done.into())).await?;
        progress.finish();
        println!(
            "{} citizens created, {} already there; {} contacts stored in {:.1} s. All are fictitious.",
            report.citizens_created,
            report.citizens_unchanged,
            report.events_created,
            started.elapsed().as_secs_f64()
        );
        report
    };
    if report.conflicts > 0 {
        eprintln!(
            "error: {} generated citizens left out: a record that is not fictitious (or more than one record) \
             already holds their CPR number. Those records were not changed; seed an empty or demo-only store.",
            report.conflicts
        );
    }
    // The citizens the README names come with any generated population; the cast alone stays the cast alone.
    let showcase_conflicts = if citizens == 0 { 0 } else { seed_showcase(&store).await? };
    let cast_conflicts = match &cast {
        Some(cast) => seed_cast(&store, cast).await?,
        None => 0,
    };
    let conflicts = report.conflicts + showcase_conflicts + cast_conflicts;
    Ok(if conflicts > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// Logs demo sessions for the fictitious citizens in the store, walking the guides in `dir`.
async fn demo_sessions(database: &str, sessions: u32, seed: u64, dir: &std::path::Path) -> anyhow::Result<()> {
    let library =
        medbetjening::guides::library::Library::load(dir, &AuthorityCatalog::builtin(), Utc::now().date_naive())
            .with_context(|| format!("reading the guides in {}", dir.display()))?;
    let store = super::open(database).await?;
    let stories = demo::sessions::story_cprs(&Cast::builtin().cast);
    let citizens = store.fictitious_citizens(u32::MAX, &stories).await?;
    let demo =
        demo::sessions::SessionDemo { sessions, seed, anchor: Utc::now(), guides: library.demo_guides(), citizens };
    let started = Instant::now();
    let mut progress = Progress::new("sessions", Some(sessions.into()));
    let stored = demo::sessions::generate(&store, &demo, |done, _| progress.set(done.into())).await?;
    progress.finish();
    println!("{stored} demo sessions logged in {:.1} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// Stores the showcase citizens and says what was stored; returns how many were left out as conflicts.
async fn seed_showcase(store: &Store) -> anyhow::Result<u32> {
    let report = demo::showcase::seed(store, Utc::now()).await?;
    println!(
        "Showcase citizens: {} created, {} already there; {} contacts stored.",
        report.citizens_created, report.citizens_unchanged, report.events_created
    );
    if report.conflicts > 0 {
        eprintln!(
            "error: {} showcase citizens left out: a record that is not fictitious (or more than one record) already \
             holds their CPR number. Those records were not changed.",
            report.conflicts
        );
    }
    Ok(report.conflicts)
}

/// Where `demo-data --scenarios` takes the cast from.
#[derive(Clone, Debug)]
enum CastSource {
    /// The cast built into the program: nothing to copy to a server.
    Builtin,
    /// `citizens.toml` in this directory.
    Dir(PathBuf),
}

/// The cast to seed. `None` (with every problem printed) when the file has errors, so a broken cast stores nothing.
fn cast(source: &CastSource) -> anyhow::Result<Option<Cast>> {
    let checked = match source {
        CastSource::Dir(dir) => {
            let path = dir.join(CAST_FILE);
            let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let text = medbetjening::encoding::decode_utf8_text(&bytes).with_context(|| path.display().to_string())?;
            Cast::check(&Source { path, text }, &AuthorityCatalog::builtin())
        }
        CastSource::Builtin => Cast::builtin(),
    };
    for problem in &checked.problems {
        eprintln!("{problem}");
    }
    let clean = !checked.problems.iter().any(|p| p.severity == Severity::Error);
    Ok(clean.then_some(checked.cast))
}

/// Stores the cast and says what was stored; returns how many of the cast were left out as conflicts.
async fn seed_cast(store: &Store, cast: &Cast) -> anyhow::Result<u32> {
    let report = medbetjening::history::cast::seed(store, cast, Utc::now()).await?;
    println!(
        "Practice scenarios: {} fictitious citizens created, {} already there; {} contacts stored.",
        report.citizens_created, report.citizens_existing, report.events_created
    );
    if report.conflicts > 0 {
        eprintln!(
            "error: {} of the cast left out: a record that is not fictitious (or more than one record) already \
             holds their CPR number. Those records were not changed.",
            report.conflicts
        );
    }
    Ok(report.conflicts)
}
