//! The guide library: the shipped guides pass every check and every path through them ends; each deliberately
//! broken guide is rejected at the right file, line and field; the walkthrough runner behaves.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use medbetjening::domain::{AuthorityCatalog, Outcome, Performer, StepState};
use medbetjening::guides::format::Then;
use medbetjening::guides::library::{CheckContext, Library, Severity, Source, resolve_image};
use medbetjening::guides::runner::{RunError, Walkthrough};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(sources: &[Source]) -> Library {
    let authorities = AuthorityCatalog::builtin();
    let resolve = |image: &str| resolve_image(&root(), image);
    Library::check(sources, &CheckContext { authorities: &authorities, today: today(), resolve_image: &resolve })
}

fn shipped() -> Library {
    Library::load(&root().join("guides"), &AuthorityCatalog::builtin(), today()).expect("guides/ is readable")
}

#[test]
fn the_shipped_library_passes_every_check() {
    let library = shipped();
    let errors: Vec<String> = library.errors().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(library.guides.len() >= 18, "{} guides", library.guides.len());
    for required in [
        "flytning",
        "laegevalg",
        "sundhedskort",
        "eu-sygesikringskort",
        "mitid",
        "digital-post",
        "boligstoette",
        "folkepension",
        "pladsanvisning",
        "beboerlicens",
        "pas",
        "koerekort",
        "navneaendring",
        "forskudsopgoerelse",
        "nemkonto",
        "digital-fuldmagt",
        "cpr-tilflytter",
        "fritagelse-digital-post",
    ] {
        assert!(library.guide(required).is_some(), "guide {required} is shipped");
    }
}

#[test]
fn every_mitid_step_tells_staff_to_look_away() {
    for guide in shipped().guides {
        for step in guide.steps.iter().filter(|s| s.mitid) {
            let (da, en) = (step.say.da.to_lowercase(), step.say.en.to_lowercase());
            let rule_da = da.contains("kigger væk") || da.contains("selv");
            let rule_en = en.contains("look away") || en.contains("yourself");
            assert!(
                rule_da && rule_en,
                "{}:{}: the script says the citizen does it alone while staff look away",
                guide.id,
                step.id
            );
        }
    }
}

/// Walks every path of a guide with the runner (linked guides included), collecting the outcomes reached.
fn walk(
    library: &Library,
    walkthrough: &Walkthrough,
    seen: &mut HashSet<(String, String, usize)>,
    ends: &mut Vec<Outcome>,
    budget: &mut usize,
) {
    *budget = budget.checked_sub(1).expect("a guide's paths are finite");
    if let Some(ending) = walkthrough.finished() {
        ends.push(ending.outcome);
        return;
    }
    let (guide, step) = walkthrough.current(library).expect("every target exists");
    // A step already on this path (a loop back): the validator proves an exit exists; stop this branch here.
    if !seen.insert((guide.id.clone(), step.id.clone(), walkthrough.depth())) {
        return;
    }
    match &step.then {
        Then::Next(_) | Then::End(_) => {
            let mut next = walkthrough.clone();
            next.next(library, 1.0).expect("next works on a plain step");
            walk(library, &next, seen, ends, budget);
        }
        Then::Branch { options, .. } => {
            for index in 0..options.len() {
                let mut next = walkthrough.clone();
                next.choose(library, index, 1.0).expect("every option can be chosen");
                walk(library, &next, &mut seen.clone(), ends, budget);
            }
        }
    }
    seen.remove(&(guide.id.clone(), step.id.clone(), walkthrough.depth()));
}

#[test]
fn every_path_of_every_shipped_guide_reaches_an_end_with_an_outcome() {
    let library = shipped();
    for guide in &library.guides {
        let start = Walkthrough::start(&library, &guide.id, 0.0).expect("starts");
        let mut ends = Vec::new();
        let mut budget = 200_000;
        walk(&library, &start, &mut HashSet::new(), &mut ends, &mut budget);
        assert!(!ends.is_empty(), "{} has a path to an end", guide.id);
        let branches = guide.steps.iter().filter(|s| matches!(s.then, Then::Branch { .. })).count();
        assert!(branches >= 1, "{} branches where the real process does", guide.id);
    }
}

/// The broken corpus: one defect each, marked on its line with `# defect: FIELD`.
#[test]
fn each_broken_guide_is_rejected_at_the_right_file_line_and_field() {
    let dir = root().join("tests/guides_broken");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("corpus").filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    assert!(files.len() >= 15, "{} broken guides", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let (line, field) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.split_once("# defect: ").map(|(_, f)| (i + 1, f.trim().to_owned())))
            .expect("every broken guide marks its defect");
        let library = check(&[Source { path: path.clone(), text }]);
        let problems = &library.problems;
        assert_eq!(problems.len(), 1, "{}: exactly its one defect:\n{problems:#?}", path.display());
        let problem = &problems[0];
        assert_eq!(
            (problem.file.as_path(), problem.line, problem.field.as_str()),
            (path.as_path(), line, field.as_str()),
            "{}",
            path.display()
        );
        let expected = if path.ends_with("old-review-date.toml") { Severity::Warning } else { Severity::Error };
        assert_eq!(problem.severity, expected, "{problem}");
        assert_eq!(library.guides.len(), usize::from(expected == Severity::Warning), "a broken guide is not loaded");
    }
}

#[test]
fn duplicate_guide_ids_across_directories_are_refused_and_the_rest_still_load() {
    let good = std::fs::read_to_string(root().join("tests/guides_broken/old-review-date.toml")).expect("readable");
    let text = good.replace("old-review-date", "dobbelt").replace("reviewed = 2024-06-01", "reviewed = 2026-11-01");
    let sources = [
        Source { path: Path::new("a/dobbelt.toml").into(), text: text.clone() },
        Source { path: Path::new("b/dobbelt.toml").into(), text },
        Source {
            path: root().join("guides/mitid.toml"),
            text: std::fs::read_to_string(root().join("guides/mitid.toml")).expect("mitid"),
        },
    ];
    let library = check(&sources);
    let errors: Vec<_> = library.errors().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!((errors[0].file.as_path(), errors[0].field.as_str()), (Path::new("b/dobbelt.toml"), "id"));
    assert!(errors[0].message.contains("duplicate guide id"));
    assert_eq!(library.guides.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(), vec!["dobbelt", "mitid"]);
}

// ---- The runner, on a small library of its own ----

const MAIN: &str = r#"
id = "hoved"
version = 2
reviewed = 2026-11-01
sources = ["https://www.borger.dk/"]
kle = ["23.05.10"]
start = "log-ind"
title = { da = "Hoved", en = "Main" }
summary = { da = "R", en = "S" }
suits = { da = "A", en = "E" }
[solution]
name = { da = "L", en = "S" }
url = "https://www.borger.dk/"
authority = "borgerservice"
login = "mitid"
[[steps]]
id = "log-ind"
mitid = true
title = { da = "Log ind", en = "Log in" }
say = { da = "Log ind med MitID", en = "Log in with MitID" }
screen = { da = "MitID", en = "MitID" }
[steps.branch]
question = { da = "Inde?", en = "In?" }
options = [
  { label = { da = "Ja", en = "Yes" }, goto = "adresse" },
  { label = { da = "Intet MitID", en = "No MitID" }, guide = "hjaelp", return_to = "log-ind" },
  { label = { da = "Opgiv", en = "Give up" }, end = { outcome = "not_possible_today", note = { da = "N", en = "N" } } },
]
[[steps]]
id = "adresse"
title = { da = "Adresse", en = "Address" }
say = { da = "S", en = "S" }
screen = { da = "S", en = "S" }
next = "send"
[[steps]]
id = "send"
title = { da = "Send", en = "Submit" }
say = { da = "S", en = "S" }
screen = { da = "S", en = "S" }
[steps.end]
outcome = "completed"
note = { da = "Færdig", en = "Done" }
"#;

const LINKED: &str = r#"
id = "hjaelp"
version = 1
reviewed = 2026-11-01
sources = ["https://www.mitid.dk/"]
kle = ["23.15.25"]
start = "trin"
title = { da = "Hjælp", en = "Help" }
summary = { da = "R", en = "S" }
suits = { da = "A", en = "E" }
[solution]
name = { da = "L", en = "S" }
url = "https://www.mitid.dk/"
authority = "borgerservice"
login = "in_person"
[[steps]]
id = "trin"
title = { da = "Trin", en = "Step" }
say = { da = "S", en = "S" }
screen = { da = "S", en = "S" }
[steps.end]
outcome = "completed"
note = { da = "Klar", en = "Ready" }
"#;

fn fixture() -> Library {
    let library = check(&[
        Source { path: "hoved.toml".into(), text: MAIN.into() },
        Source { path: "hjaelp.toml".into(), text: LINKED.into() },
    ]);
    assert!(library.problems.is_empty(), "{:#?}", library.problems);
    library
}

fn at(walkthrough: &Walkthrough, library: &Library) -> (String, String) {
    let (guide, step) = walkthrough.current(library).expect("current");
    (guide.id.clone(), step.id.clone())
}

#[test]
fn runner_follows_branches_links_and_ends_and_records_the_path() {
    let library = fixture();
    let mut run = Walkthrough::start(&library, "hoved", 0.0).expect("start");
    assert_eq!(run.next(&library, 1.0), Err(RunError::NeedsChoice));
    run.choose(&library, 1, 10.0).expect("into the linked guide");
    assert_eq!(at(&run, &library), ("hjaelp".into(), "trin".into()));
    assert_eq!(run.depth(), 1);
    run.next(&library, 40.0).expect("the linked guide ends and returns");
    assert_eq!(at(&run, &library), ("hoved".into(), "log-ind".into()));
    assert_eq!(run.depth(), 0);
    run.choose(&library, 0, 50.0).expect("logged in");
    assert_eq!(run.skip(&library, "  ", 55.0), Err(RunError::NoReason));
    run.skip(&library, "Adressen er allerede rettet", 60.0).expect("skip with a reason");
    assert_eq!(run.finished(), None);
    run.next(&library, 90.0).expect("finish");
    assert_eq!(run.finished().map(|e| e.outcome), Some(Outcome::Completed));
    assert_eq!(run.next(&library, 91.0), Err(RunError::Finished));
    assert_eq!(
        run.path(),
        vec![("hoved", "log-ind"), ("hjaelp", "trin"), ("hoved", "log-ind"), ("hoved", "adresse"), ("hoved", "send")]
    );
    let runs = run.runs(100.0);
    assert_eq!(runs.len(), 2);
    let (main, linked) = (&runs[0], &runs[1]);
    assert_eq!((main.guide.as_str(), main.guide_version, main.outcome), ("hoved", 2, Some(Outcome::Completed)));
    assert_eq!((linked.guide.as_str(), linked.outcome), ("hjaelp", Some(Outcome::Completed)));
    let seconds: Vec<u32> = main.steps.iter().map(|s| s.seconds).collect();
    assert_eq!(seconds, vec![10, 10, 10, 30], "time per step: 0–10, 40–50, 50–60, 60–90");
    assert_eq!(main.steps[2].state, StepState::Skipped { reason: "Adressen er allerede rettet".into() });
    assert_eq!(main.steps[0].performed_by, Some(Performer::CitizenAlone), "a MitID step is the citizen's alone");
    assert_eq!(linked.steps[0].seconds, 30);
}

#[test]
fn runner_goes_back_out_of_ends_and_linked_guides() {
    let library = fixture();
    let mut run = Walkthrough::start(&library, "hoved", 0.0).expect("start");
    assert_eq!(run.back(1.0), Err(RunError::AtStart));
    run.choose(&library, 1, 5.0).expect("linked");
    run.next(&library, 8.0).expect("returned");
    run.back(9.0).expect("back into the linked guide");
    assert_eq!(at(&run, &library), ("hjaelp".into(), "trin".into()));
    run.back(10.0).expect("back out of it");
    assert_eq!(at(&run, &library), ("hoved".into(), "log-ind".into()));
    run.choose(&library, 2, 20.0).expect("give up");
    assert_eq!(run.finished().map(|e| e.outcome), Some(Outcome::NotPossibleToday));
    run.back(21.0).expect("reopen");
    assert_eq!(run.finished(), None);
    run.choose(&library, 0, 30.0).expect("logged in after all");
    let runs = run.runs(30.0);
    assert_eq!(runs.len(), 1, "the abandoned link left no run");
    assert_eq!(runs[0].steps.len(), 2);
    assert_eq!(runs[0].steps[0].seconds, 24, "5 s, then 1 s, then 18 s on the first step");
    assert_eq!(runs[0].steps[1].state, StepState::Stopped, "an unfinished walkthrough stops where it is");
    assert_eq!(run.choose(&library, 7, 31.0), Err(RunError::NoSuchOption(7)), "a plain step has no options");
}

#[test]
fn runner_marks_who_did_a_step_and_resumes_from_json() {
    let library = fixture();
    let mut run = Walkthrough::start(&library, "hoved", 0.0).expect("start");
    run.choose(&library, 0, 3.0).expect("in");
    run.mark(Performer::StaffOnBehalf, Some(medbetjening::domain::AttorneyKind::DigitalFuldmagt));
    let parked = serde_json::to_string(&run).expect("serialise");
    let mut resumed: Walkthrough = serde_json::from_str(&parked).expect("resume");
    assert_eq!(resumed, run);
    resumed.next(&library, 10.0).expect("next");
    let step = &resumed.runs(10.0)[0].steps[1];
    assert_eq!(
        (step.performed_by, step.attorney),
        (Some(Performer::StaffOnBehalf), Some(medbetjening::domain::AttorneyKind::DigitalFuldmagt))
    );
    let mut citizen = Walkthrough::start(&library, "hoved", 0.0).expect("start");
    citizen.choose(&library, 0, 1.0).expect("in");
    citizen.mark(Performer::CitizenWithGuidance, Some(medbetjening::domain::AttorneyKind::TaxAgency));
    assert_eq!(citizen.marked(), (Some(Performer::CitizenWithGuidance), None), "an attorney only when staff act");
    assert!(Walkthrough::start(&library, "findes-ikke", 0.0).is_err());
}

#[test]
fn a_practice_run_keeps_a_trainees_mark_on_a_mitid_step_and_an_ordinary_run_does_not() {
    let library = fixture();
    for practice in [false, true] {
        let mut run = Walkthrough::start(&library, "hoved", 0.0).expect("start");
        run.set_practice(practice);
        run.mark(Performer::StaffOnBehalf, None);
        run.choose(&library, 0, 5.0).expect("logged in");
        let marked = run.runs(5.0)[0].steps[0].performed_by;
        let expected = if practice { Performer::StaffOnBehalf } else { Performer::CitizenAlone };
        assert_eq!(marked, Some(expected), "practice: {practice}");
        let resumed: Walkthrough = serde_json::from_str(&serde_json::to_string(&run).expect("json")).expect("back");
        assert_eq!(resumed.is_practice(), practice, "a parked practice run stays one");
    }
    let mut unmarked = Walkthrough::start(&library, "hoved", 0.0).expect("start");
    unmarked.set_practice(true);
    unmarked.choose(&library, 0, 5.0).expect("logged in");
    assert_eq!(unmarked.runs(5.0)[0].steps[0].performed_by, Some(Performer::CitizenAlone), "unmarked: the citizen");
}

/// Notepad on Windows saves "ANSI", "Unicode" (UTF-16) or "UTF-8 with BOM", and Windows may name a file `.TOML`.
#[test]
fn guides_saved_in_another_encoding_are_reported_by_file_and_the_rest_load() {
    let dir = tempfile::tempdir().expect("dir");
    let guides = dir.path().join("guides");
    std::fs::create_dir(&guides).expect("guides dir");
    let text = std::fs::read_to_string(root().join("guides/mitid.toml")).expect("a shipped guide");
    assert!(text.contains("id = \"mitid\"\n") && text.contains('ø'), "the guide this test copies");
    std::fs::write(guides.join("mitid.toml"), &text).expect("good");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.replacen("id = \"mitid\"", "id = \"kopi\"", 1).as_bytes());
    std::fs::write(guides.join("kopi.TOML"), bom).expect("BOM copy");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.replacen("id = \"mitid\"", "id = \"unicode\"", 1).encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(guides.join("unicode.toml"), utf16).expect("UTF-16 copy");
    // As ANSI: the first 'ø' is the single byte Windows-1252 has for it.
    let renamed = text.replacen("id = \"mitid\"", "id = \"ansi\"", 1);
    let at = renamed.find('ø').expect("an ø");
    let bytes = renamed.as_bytes();
    let ansi = [&bytes[..at], b"\xF8", &bytes[at + 'ø'.len_utf8()..]].concat();
    let ansi_line = renamed[..at].matches('\n').count() + 1;
    std::fs::write(guides.join("ansi.toml"), ansi).expect("ANSI copy");
    std::fs::write(guides.join("notes.txt"), "not a guide").expect("other file");

    let library = Library::load(&guides, &AuthorityCatalog::builtin(), today()).expect("readable");
    let mut loaded: Vec<&str> = library.guides.iter().map(|g| g.id.as_str()).collect();
    loaded.sort_unstable();
    assert_eq!(loaded, ["kopi", "mitid"]);
    let problems: Vec<String> = library.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    let ansi_problem = format!("ansi.toml:{ansi_line}: error: (file): the file is not UTF-8 (byte ");
    assert!(problems[0].contains(&ansi_problem), "{}", problems[0]);
    assert!(problems[0].ends_with("it may be saved as ANSI: save it as UTF-8"), "{}", problems[0]);
    assert!(problems[1].contains("unicode.toml:1: error: (file): the file is UTF-16"), "{}", problems[1]);
    assert!(problems[1].ends_with("save it as UTF-8"), "{}", problems[1]);
}
