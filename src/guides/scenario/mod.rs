//! Practice scenarios for trainee staff: a fictitious citizen arrives with a need, the trainee serves them with
//! the guides, and the console compares the logged session with what a good session does ([`feedback`]).
//!
//! One TOML file per scenario in `guides/scenarios/`, beside the cast of fictitious citizens they draw on
//! ([`cast`]); the format is documented in `guides/README.md`. Checked with the guide checker's helpers, so every
//! problem is reported as `file:line: error: field: message`, and a scenario with an error is left out. Reading
//! files is [`Corpus::load`]'s only I/O.

pub mod cast;
pub mod feedback;

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use self::cast::{CAST_FILE, Cast, from_code};
use super::format::{Bilingual, Guide, raw::Text};
use super::library::{Checker, Library, Problem, Severity, Source, valid_id};
use crate::domain::{AuthorityCatalog, Channel, ContactKind, Outcome};

/// The channels a scenario can be played on.
const CHANNELS: [Channel; 3] = [Channel::Counter, Channel::Phone, Channel::Video];

/// What a good session does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    /// The guides a good session uses; empty for a pure refusal.
    pub guides: Vec<String>,
    /// Guides that are a wrong answer here.
    pub avoid: Vec<String>,
    pub outcome: Outcome,
    pub kind: ContactKind,
    /// Lower-case words the wrap-up's next steps should contain.
    pub next_steps_mention: Vec<String>,
    /// Advice shown after the run.
    pub wrapup: Vec<Bilingual>,
}

/// A checked practice scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub id: String,
    pub title: Bilingual,
    /// The id of a citizen in the cast.
    pub citizen: String,
    pub channel: Channel,
    /// A reasonable length for the whole session.
    pub minutes: u32,
    /// What the citizen says, in the first person.
    pub situation: Bilingual,
    /// What the trainer wants practised, shown before starting.
    pub briefing: Bilingual,
    pub expect: Expect,
}

/// The checked scenarios, their cast, and every problem found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Corpus {
    pub cast: Cast,
    pub scenarios: Vec<Scenario>,
    pub problems: Vec<Problem>,
}

/// What the checks need besides the files.
pub struct ScenarioContext<'a> {
    /// The checked guide library the scenarios name guides from.
    pub guides: &'a Library,
    pub authorities: &'a AuthorityCatalog,
}

/// The files as written.
mod raw {
    use serde::Deserialize;
    use toml::Spanned;

    use super::Text;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Expect {
        pub guides: Option<Spanned<Vec<Spanned<String>>>>,
        #[serde(default)]
        pub avoid: Vec<Spanned<String>>,
        pub outcome: Option<Spanned<String>>,
        pub kind: Option<Spanned<String>>,
        #[serde(default)]
        pub next_steps_mention: Vec<Spanned<String>>,
        #[serde(default)]
        pub wrapup: Vec<Spanned<Text>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Scenario {
        pub id: Option<Spanned<String>>,
        pub title: Option<Spanned<Text>>,
        pub citizen: Option<Spanned<String>>,
        pub channel: Option<Spanned<String>>,
        pub minutes: Option<Spanned<i64>>,
        pub situation: Option<Spanned<Text>>,
        pub briefing: Option<Spanned<Text>>,
        pub expect: Option<Spanned<Expect>>,
    }
}

impl Corpus {
    /// Checks the cast (the source named `citizens.toml`) and every other source as a scenario.
    #[must_use]
    pub fn check(sources: &[Source], context: &ScenarioContext<'_>) -> Self {
        Self::check_read(sources, Vec::new(), context)
    }

    /// [`Corpus::check`] after reading, with the files that could not be read (another encoding than UTF-8)
    /// already reported in `unreadable`. When that is the cast, it is not also reported missing, nor is every
    /// scenario's citizen reported unknown: the one problem says it all.
    fn check_read(sources: &[Source], unreadable: Vec<Problem>, context: &ScenarioContext<'_>) -> Self {
        let is_cast = |path: &Path| path.file_name().is_some_and(|n| n.eq_ignore_ascii_case(CAST_FILE));
        let cast_unreadable = unreadable.iter().any(|p| is_cast(&p.file));
        let cast_source = sources.iter().find(|s| is_cast(&s.path));
        let scenario_sources: Vec<&Source> = sources.iter().filter(|s| !is_cast(&s.path)).collect();
        let mut problems = unreadable;
        let (cast, cast_problems, cast_ids) = match cast_source {
            Some(source) => {
                let checked = Cast::check(source, context.authorities);
                (checked.cast, checked.problems, checked.ids)
            }
            None if cast_unreadable || scenario_sources.is_empty() => (Cast::default(), Vec::new(), HashSet::new()),
            None => {
                let dir = scenario_sources[0].path.parent().unwrap_or_else(|| Path::new(""));
                let problem = Problem {
                    file: dir.join(CAST_FILE),
                    line: 1,
                    field: "(file)".to_owned(),
                    message: "missing: scenarios need the cast of fictitious citizens they name".to_owned(),
                    severity: Severity::Error,
                };
                (Cast::default(), vec![problem], HashSet::new())
            }
        };
        problems.extend(cast_problems);
        let known_citizens = (!cast_unreadable).then_some(&cast_ids);
        let mut scenarios = Vec::new();
        for source in scenario_sources {
            let mut checker = Checker::new(&source.path, &source.text);
            let scenario = scenario(&mut checker, known_citizens, context);
            if checker.error_count() == 0
                && let Some(scenario) = scenario
                // A citizen with errors of its own is reported there; its scenarios cannot run without it.
                && cast.citizen(&scenario.citizen).is_some()
            {
                scenarios.push(scenario);
            }
            problems.extend(checker.into_problems());
        }
        Self { cast, scenarios, problems }
    }

    /// Reads every `*.toml` in `dir` (sorted by name) and checks them; a file in another encoding than UTF-8 is
    /// reported and left out.
    pub fn load(dir: &Path, context: &ScenarioContext<'_>) -> std::io::Result<Self> {
        let (sources, unreadable) = super::library::read_sources(dir)?;
        Ok(Self::check_read(&sources, unreadable, context))
    }

    /// The scenario with this id.
    #[must_use]
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }

    /// The problems that keep a scenario or a citizen out.
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.severity == Severity::Error)
    }
}

/// Checks one scenario file; returns the scenario when it could be read (possibly with errors reported).
/// `cast_ids` is `None` when the cast could not be read, so its citizens are unknown rather than missing.
fn scenario(
    checker: &mut Checker<'_>,
    cast_ids: Option<&HashSet<String>>,
    context: &ScenarioContext<'_>,
) -> Option<Scenario> {
    let raw: raw::Scenario = checker.parse()?;
    let whole = 0..0;
    let id = checker.required(raw.id.as_ref(), &whole, "id").map(|v| (v.get_ref().clone(), v.span()));
    if let Some((id, span)) = &id {
        let stem = checker.file_stem();
        if !valid_id(id) {
            checker.fail(span, "id", "use lower-case letters, digits and '-'");
        } else if stem != *id {
            checker.fail(span, "id", format!("must match the file name ({stem}.toml has id '{id}')"));
        }
    }
    let title = checker.text(raw.title.as_ref(), &whole, "title");
    let citizen = checker.required(raw.citizen.as_ref(), &whole, "citizen").map(|value| {
        if cast_ids.is_some_and(|ids| !ids.contains(value.get_ref())) {
            let message = format!("no citizen in {CAST_FILE} has the id '{}'", value.get_ref());
            checker.fail(&value.span(), "citizen", message);
        }
        value.get_ref().clone()
    });
    let channel = checker.required(raw.channel.as_ref(), &whole, "channel").and_then(|value| {
        let channel = Channel::from_code(value.get_ref()).filter(|c| CHANNELS.contains(c));
        if channel.is_none() {
            checker.fail(
                &value.span(),
                "channel",
                format!("'{}' is not one of counter, phone, video", value.get_ref()),
            );
        }
        channel
    });
    let minutes = checker.required(raw.minutes.as_ref(), &whole, "minutes").and_then(|value| {
        let minutes = u32::try_from(*value.get_ref()).ok().filter(|m| *m > 0);
        if minutes.is_none() {
            checker.fail(&value.span(), "minutes", "must be greater than 0");
        }
        minutes
    });
    let situation = checker.text(raw.situation.as_ref(), &whole, "situation");
    let briefing = checker.text(raw.briefing.as_ref(), &whole, "briefing");
    let expect = checker.required(raw.expect.as_ref(), &whole, "expect").and_then(|e| expect(checker, e, context));
    Some(Scenario {
        id: id.map(|(id, _)| id).unwrap_or_default(),
        title,
        citizen: citizen.unwrap_or_default(),
        channel: channel?,
        minutes: minutes?,
        situation,
        briefing,
        expect: expect?,
    })
}

/// Guide ids as written, each checked against the library.
fn guide_ids(checker: &mut Checker<'_>, values: &[Spanned<String>], field: &str, library: &Library) -> Vec<String> {
    values
        .iter()
        .map(|value| {
            if library.guide(value.get_ref()).is_none() {
                checker.fail(&value.span(), field, format!("no guide has the id '{}'", value.get_ref()));
            }
            value.get_ref().clone()
        })
        .collect()
}

fn expect(checker: &mut Checker<'_>, value: &Spanned<raw::Expect>, context: &ScenarioContext<'_>) -> Option<Expect> {
    let (raw, span) = (value.get_ref(), checker.header("expect", &value.span()));
    let library = context.guides;
    let guides = checker
        .required(raw.guides.as_ref(), &span, "expect.guides")
        .map(|list| guide_ids(checker, list.get_ref(), "expect.guides", library));
    let avoid = guide_ids(checker, &raw.avoid, "expect.avoid", library);
    for (value, id) in raw.avoid.iter().zip(&avoid) {
        if guides.as_ref().is_some_and(|g| g.contains(id)) {
            checker.fail(&value.span(), "expect.avoid", format!("'{id}' is expected and avoided at once"));
        }
    }
    let outcome = checker.required(raw.outcome.as_ref(), &span, "expect.outcome").and_then(|value| {
        let outcome = from_code::<Outcome>(value.get_ref());
        if outcome.is_none() {
            let known = "completed, handed_over, referred, follow_up_booked, not_possible_today, abandoned";
            checker.fail(&value.span(), "expect.outcome", format!("'{}' is not one of {known}", value.get_ref()));
        }
        outcome
    });
    let kind = checker.required(raw.kind.as_ref(), &span, "expect.kind").and_then(|value| {
        let kind = from_code::<ContactKind>(value.get_ref());
        if kind.is_none() {
            let message = format!("'{}' is not one of information, transaction, error_driven", value.get_ref());
            checker.fail(&value.span(), "expect.kind", message);
        }
        kind
    });
    let wrapup = checker.texts(&raw.wrapup, "expect.wrapup");
    if !(1..=4).contains(&wrapup.len()) {
        checker.fail(&span, "expect.wrapup", "give 1 to 4 points of advice");
    }
    let mention: Vec<String> = raw.next_steps_mention.iter().map(|w| w.get_ref().clone()).collect();
    let expected: Vec<&Guide> = guides.iter().flatten().filter_map(|id| library.guide(id)).collect();
    if let (Some(outcome), Some(value), false) = (outcome, &raw.outcome, expected.is_empty()) {
        reachable(checker, &expected, outcome, &value.span(), &raw.next_steps_mention);
    }
    Some(Expect { guides: guides?, avoid, outcome: outcome?, kind: kind?, next_steps_mention: mention, wrapup })
}

/// An end's note and next steps in both languages, lower-cased: what the words a scenario expects are found in.
pub(crate) fn end_words(end: &super::format::End) -> String {
    std::iter::once(&end.note)
        .chain(&end.next_steps)
        .flat_map(|text| [text.da.as_str(), text.en.as_str()])
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

/// The expected outcome must be one the expected guides can end with, and each word the next steps should mention
/// must be in such an end, so a trainee who does it right can pass.
fn reachable(
    checker: &mut Checker<'_>,
    guides: &[&Guide],
    outcome: Outcome,
    outcome_span: &Range<usize>,
    mention: &[Spanned<String>],
) {
    let words: Vec<String> =
        guides.iter().flat_map(|g| g.ends()).filter(|end| end.outcome == outcome).map(end_words).collect();
    if words.is_empty() {
        let names: Vec<&str> = guides.iter().map(|g| g.id.as_str()).collect();
        let message = format!("no end of {} has this outcome; a trainee could not reach it", names.join(", "));
        checker.fail(outcome_span, "expect.outcome", message);
        return;
    }
    for (index, word) in mention.iter().enumerate() {
        let field = format!("expect.next_steps_mention[{index}]");
        let text = word.get_ref();
        if text.trim().is_empty() || *text != text.to_lowercase() {
            checker.fail(&word.span(), &field, "write a lower-case word");
        } else if !words.iter().any(|w| w.contains(text.as_str())) {
            let message = format!("'{text}' is in no note or next step of an end with the expected outcome");
            checker.fail(&word.span(), &field, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAST: &str = "[[citizens]]\nid = \"test-borger\"\nname = \"Test Borger\"\ncpr = \"0101801234\"\n\
                        language = \"da\"\nmitid = \"app\"\nreadiness = \"self_reliant\"\ndigital_post = \"active\"\n";

    fn library() -> Library {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default();
        Library::load(&root.join("guides"), &AuthorityCatalog::builtin(), today).expect("guides")
    }

    fn check(scenario: &str) -> Corpus {
        let library = library();
        let authorities = AuthorityCatalog::builtin();
        let sources = [
            Source { path: "s/citizens.toml".into(), text: CAST.to_owned() },
            Source { path: "s/prove.toml".into(), text: scenario.to_owned() },
        ];
        Corpus::check(&sources, &ScenarioContext { guides: &library, authorities: &authorities })
    }

    const GOOD: &str = r#"id = "prove"
title = { da = "T", en = "T" }
citizen = "test-borger"
channel = "counter"
minutes = 10
situation = { da = "S", en = "S" }
briefing = { da = "B", en = "B" }

[expect]
guides = ["flytning"]
outcome = "completed"
kind = "transaction"
next_steps_mention = ["postkassen", "mailbox"]
wrapup = [ { da = "R", en = "A" } ]
"#;

    fn found(corpus: &Corpus) -> Vec<(usize, &str)> {
        corpus.problems.iter().map(|p| (p.line, p.field.as_str())).collect()
    }

    #[test]
    fn a_good_scenario_loads() {
        let corpus = check(GOOD);
        assert!(corpus.problems.is_empty(), "{:#?}", corpus.problems);
        let scenario = corpus.scenario("prove").expect("loaded");
        assert_eq!((scenario.channel, scenario.minutes), (Channel::Counter, 10));
        assert_eq!(scenario.expect.outcome, Outcome::Completed);
        assert_eq!(corpus.cast.citizen("test-borger").map(|c| c.name.as_str()), Some("Test Borger"));
    }

    #[test]
    fn problems_name_their_line_and_field_and_keep_the_scenario_out() {
        let broken = GOOD
            .replace("channel = \"counter\"", "channel = \"letter\"")
            .replace("minutes = 10", "minutes = 0")
            .replace("briefing = { da = \"B\", en = \"B\" }", "briefing = { da = \"B\", en = \" \" }")
            .replace("guides = [\"flytning\"]", "guides = [\"flytning\"]\navoid = [\"flytning\", \"nej\"]")
            .replace("\"mailbox\"", "\"Mailbox\", \"skat.dk\"");
        let corpus = check(&broken);
        assert_eq!(
            found(&corpus),
            vec![
                (4, "channel"),
                (5, "minutes"),
                (7, "briefing.en"),
                (11, "expect.avoid"),
                (11, "expect.avoid"),
                (14, "expect.next_steps_mention[1]"),
                (14, "expect.next_steps_mention[2]"),
            ],
            "{:#?}",
            corpus.problems
        );
        assert!(corpus.scenarios.is_empty());
    }

    #[test]
    fn an_outcome_no_expected_guide_can_reach_is_refused() {
        let corpus = check(&GOOD.replace("outcome = \"completed\"", "outcome = \"handed_over\""));
        assert_eq!(found(&corpus), vec![(11, "expect.outcome")], "{:#?}", corpus.problems);
        let corpus = check(&GOOD.replace("outcome = \"completed\"\n", ""));
        assert_eq!(found(&corpus), vec![(9, "expect.outcome")], "the [expect] header: {:#?}", corpus.problems);
    }

    #[test]
    fn unknown_fields_and_a_wrong_id_are_reported() {
        let corpus = check(&GOOD.replace("id = \"prove\"", "id = \"andet\"\nfarve = \"rød\""));
        assert_eq!(found(&corpus), vec![(2, "(file)")], "{:#?}", corpus.problems);
        let corpus = check(&GOOD.replace("id = \"prove\"", "id = \"andet\""));
        assert_eq!(found(&corpus), vec![(1, "id")]);
    }

    #[test]
    fn scenarios_without_a_cast_are_refused() {
        let library = library();
        let authorities = AuthorityCatalog::builtin();
        let sources = [Source { path: "s/prove.toml".into(), text: GOOD.to_owned() }];
        let corpus = Corpus::check(&sources, &ScenarioContext { guides: &library, authorities: &authorities });
        let files: Vec<String> = corpus.errors().map(|p| format!("{}:{}", p.file.display(), p.field)).collect();
        assert_eq!(files, vec!["s/citizens.toml:(file)", "s/prove.toml:citizen"]);
    }

    fn load(files: &[(&str, Vec<u8>)]) -> Corpus {
        let dir = tempfile::tempdir().expect("dir");
        for (name, bytes) in files {
            std::fs::write(dir.path().join(name), bytes).expect("write");
        }
        let (library, authorities) = (library(), AuthorityCatalog::builtin());
        Corpus::load(dir.path(), &ScenarioContext { guides: &library, authorities: &authorities }).expect("read")
    }

    #[test]
    fn files_saved_with_a_bom_or_a_capital_extension_load() {
        let bom = |text: &str| format!("\u{feff}{text}").into_bytes();
        let corpus = load(&[("citizens.toml", bom(CAST)), ("prove.TOML", bom(GOOD))]);
        assert!(corpus.problems.is_empty(), "{:#?}", corpus.problems);
        assert!(corpus.scenario("prove").is_some());
        let corpus =
            load(&[("citizens.toml", bom(CAST)), ("prove.toml", bom(&GOOD.replace("minutes = 10", "minutes = 0")))]);
        assert_eq!(found(&corpus), vec![(5, "minutes")], "lines count as without the BOM");
    }

    #[test]
    fn a_cast_in_utf16_is_the_one_problem_reported() {
        let utf16: Vec<u8> =
            b"\xFF\xFE".iter().copied().chain(CAST.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let corpus = load(&[("citizens.toml", utf16), ("prove.toml", GOOD.as_bytes().to_vec())]);
        let problems: Vec<String> = corpus.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains("citizens.toml:1: error: (file): the file is UTF-16"), "{}", problems[0]);
        assert!(corpus.scenarios.is_empty(), "a scenario cannot run without its citizen");
    }
}
