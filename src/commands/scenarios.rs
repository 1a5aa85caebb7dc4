//! The practice scenarios at the command line: `guides check` checks them together with the guides, and
//! `demo-data --scenarios` stores their cast of fictitious citizens.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Utc;
use medbetjening::domain::AuthorityCatalog;
use medbetjening::guides::library::{Library, Severity, Source};
use medbetjening::guides::scenario::cast::{CAST_FILE, Cast};
use medbetjening::guides::scenario::{Corpus, ScenarioContext};
use medbetjening::history::store::Store;

/// Checks the scenarios in `dir` against the guide library, prints every problem and a summary line, and returns
/// the number of errors.
pub fn check(dir: &Path, library: &Library) -> anyhow::Result<usize> {
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

/// Where `demo-data --scenarios` takes the cast from.
#[derive(Clone, Debug)]
pub enum CastSource {
    /// The cast built into the program: nothing to copy to a server.
    Builtin,
    /// `citizens.toml` in this directory.
    Dir(PathBuf),
}

/// The cast to seed. `None` (with every problem printed) when the file has errors, so a broken cast stores nothing.
pub fn cast(source: &CastSource) -> anyhow::Result<Option<Cast>> {
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
pub async fn seed(store: &Store, cast: &Cast) -> anyhow::Result<u32> {
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
