//! `guides check`: the guide library and the practice scenarios, checked together.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use medbetjening::domain::AuthorityCatalog;
use medbetjening::guides::library::Library;
use medbetjening::guides::scenario::{Corpus, ScenarioContext};

use super::CommandResult;

#[derive(Debug, Subcommand)]
pub enum GuidesCommand {
    /// Check every guide in DIR (default: guides), and the practice scenarios in DIR/scenarios, and report all
    /// problems with file, line and field.
    Check {
        #[arg(env = "MEDBETJENING_GUIDES", default_value = "guides")]
        dir: PathBuf,
        /// Check the practice scenarios in this directory instead of DIR/scenarios.
        #[arg(long, value_name = "DIR")]
        scenarios: Option<PathBuf>,
    },
}

impl GuidesCommand {
    pub fn run(self) -> CommandResult {
        match self {
            Self::Check { dir, scenarios } => check(&dir, scenarios.as_deref()),
        }
    }
}

/// `guides check [DIR]`: every problem, then a summary; exit code 1 when any guide or practice scenario (in
/// `scenarios`, else `DIR/scenarios` when there is one) has an error.
fn check(dir: &Path, scenarios: Option<&Path>) -> CommandResult {
    let today = chrono::Local::now().date_naive();
    let library = Library::load(dir, &AuthorityCatalog::builtin(), today)
        .with_context(|| format!("reading {}", dir.display()))?;
    for problem in &library.problems {
        println!("{problem}");
    }
    let errors = library.errors().count();
    let warnings = library.problems.len() - errors;
    println!("{} guides loaded; {errors} errors, {warnings} warnings.", library.guides.len());
    let scenario_dir = scenarios.map_or_else(|| dir.join("scenarios"), Path::to_path_buf);
    let scenario_errors =
        if scenarios.is_some() || scenario_dir.is_dir() { check_scenarios(&scenario_dir, &library)? } else { 0 };
    Ok(if errors + scenario_errors == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Checks the scenarios in `dir` against the guide library, prints every problem and a summary line, and returns
/// the number of errors.
fn check_scenarios(dir: &Path, library: &Library) -> anyhow::Result<usize> {
    let authorities = AuthorityCatalog::builtin();
    let corpus = Corpus::load(dir, &ScenarioContext { guides: library, authorities: &authorities })
        .with_context(|| format!("reading {}", dir.display()))?;
    for problem in &corpus.problems {
        println!("{problem}");
    }
    let errors = corpus.errors().count();
    let warnings = corpus.problems.len() - errors;
    println!(
        "{} scenarios and {} fictitious citizens loaded; {errors} errors, {warnings} warnings.",
        corpus.scenarios.len(),
        corpus.cast.citizens.len()
    );
    Ok(errors)
}
