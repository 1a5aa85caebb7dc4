//! Practice scenarios at the command line, as a trainer or a guide writer uses them: `guides check` passes the
//! shipped scenarios and names each defect of a broken corpus by file, line and field; `demo-data --scenarios`
//! stores the cast once however often it runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use medbetjening::domain::{AuthorityCatalog, Language, Outcome};
use medbetjening::guides::library::Library;
use medbetjening::guides::scenario::{Corpus, ScenarioContext};

const BIN: &str = env!("CARGO_BIN_EXE_medbetjening");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root as a guide writer would.
fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(root()).env("RUST_LOG", "warn").output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Creates the schema, as an operator does once before anything else.
fn migrate(database: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_medbetjening"))
        .args(["migrate", "--database", database])
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "migrate: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_shipped_guides_and_scenarios_pass_the_check() {
    let output = run(&["guides", "check"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("18 guides loaded; 0 errors, 0 warnings."), "{text}");
    assert!(text.contains("12 scenarios and 10 fictitious citizens loaded; 0 errors, 0 warnings."), "{text}");
}

#[test]
fn the_shipped_scenarios_cover_the_common_guides_a_refusal_and_a_newcomer_in_english() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
    let authorities = AuthorityCatalog::builtin();
    let library = Library::load(&root().join("guides"), &authorities, today).expect("guides");
    let context = ScenarioContext { guides: &library, authorities: &authorities };
    let corpus = Corpus::load(&root().join("guides/scenarios"), &context).expect("scenarios");
    assert!(corpus.problems.is_empty(), "{:#?}", corpus.problems);
    assert!(corpus.scenarios.len() >= 8);
    let refusal = corpus.scenario("mitid-til-mor").expect("the refusal");
    assert_eq!(refusal.expect.outcome, Outcome::Referred, "MitID for another person is refused, with an alternative");
    assert!(!refusal.expect.avoid.contains(&"mitid".to_owned()), "the MitID guide's first step refuses correctly");
    let english = corpus
        .scenarios
        .iter()
        .filter_map(|s| corpus.cast.citizen(&s.citizen))
        .find(|c| c.language == Language::En)
        .expect("a newcomer who speaks English");
    assert_eq!(english.id, "emily-clarke");
    let used: Vec<&str> = corpus.scenarios.iter().flat_map(|s| s.expect.guides.iter().map(String::as_str)).collect();
    for common in ["flytning", "mitid", "digital-post", "digital-fuldmagt", "laegevalg", "boligstoette", "sundhedskort"]
    {
        assert!(used.contains(&common), "a scenario practises {common}");
    }
}

/// The line and field a broken scenario marks with `# defect: FIELD …`.
fn defect(path: &Path) -> (usize, String) {
    let text = std::fs::read_to_string(path).expect("readable");
    text.lines()
        .enumerate()
        .find_map(|(i, line)| {
            let (_, rest) = line.split_once("# defect: ")?;
            Some((i + 1, rest.split_whitespace().next()?.to_owned()))
        })
        .expect("every broken scenario marks its defect")
}

#[test]
fn a_broken_corpus_is_refused_with_each_file_line_and_field() {
    let dir = "tests/fixtures/scenarios-broken";
    let output = run(&["guides", "check", "guides", "--scenarios", dir]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("18 guides loaded; 0 errors"), "the guides themselves are fine: {text}");
    let expected = [
        ("unknown-guide.toml", "expect.guides", "no guide has the id 'findes-ikke'"),
        ("unknown-citizen.toml", "citizen", "no citizen in citizens.toml has the id 'ingen-saadan'"),
        ("missing-outcome.toml", "expect.outcome", "missing"),
    ];
    for (file, field, message) in expected {
        let path = format!("{dir}/{file}");
        let (line, marked) = defect(&root().join(&path));
        assert_eq!(marked, field, "{file} marks the field it breaks");
        let wanted = format!("{path}:{line}: error: {field}: {message}");
        assert!(text.lines().any(|l| l == wanted), "{wanted}\nnot in:\n{text}");
    }
    let errors = text.lines().filter(|l| l.contains(": error: ")).count();
    assert_eq!(errors, 3, "exactly the three defects: {text}");
    assert!(text.contains("0 scenarios and 1 fictitious citizens loaded; 3 errors"), "{text}");
}

#[test]
fn demo_data_stores_the_cast_once() {
    let dir = tempfile::tempdir().expect("dir");
    let database = format!("sqlite:{}", dir.path().join("h.sqlite").display());
    migrate(&database);
    let args = ["demo-data", "--database", &database, "--citizens", "3", "--heavy", "0", "--scenarios"];
    let first = run(&args);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(
        stdout(&first).contains("Practice scenarios: 10 fictitious citizens created, 0 already there; 20 contacts"),
        "{}",
        stdout(&first)
    );
    let from_files = run(&[&args[..], &["guides/scenarios"]].concat());
    assert!(
        stdout(&from_files).contains("Practice scenarios: 0 fictitious citizens created, 10 already there; 0 contacts"),
        "the same cast from its file adds nothing: {}",
        stdout(&from_files)
    );
    let broken = run(&[&args[..], &["tests/fixtures"]].concat());
    assert!(!broken.status.success(), "a directory without a cast is an error");
}
