//! The cast of practice scenarios: fictitious citizens with a short history, from `citizens.toml`.
//!
//! Checked like a guide file (every problem with its line and field) and turned into the domain's citizen records
//! and contact events for seeding a demo or training store. The records are always flagged fictitious; they must
//! never be loaded into a real citizen store.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use toml::Spanned;

use super::super::library::{Checker, Problem, Source, valid_id};
use crate::domain::citizen::{normalise_email, normalise_phone};
use crate::domain::{AuthorityCatalog, Channel, Cpr, DigitalPostStatus, KleCatalog};

pub use crate::domain::cast::{Cast, CastCitizen, CastEvent, EVENT_SOURCE};

/// The file in a scenario directory that holds the cast.
pub const CAST_FILE: &str = "citizens.toml";

/// The cast shipped with the program, so the embedded demo and `demo-data --scenarios` need no files.
const BUILTIN: &str = include_str!("../../../guides/scenarios/citizens.toml");

/// The longest ago a history event may lie.
const MAX_DAYS_AGO: i64 = 730;

/// The file as written.
mod raw {
    use serde::Deserialize;
    use toml::Spanned;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Event {
        pub days_ago: Option<Spanned<i64>>,
        pub channel: Option<Spanned<String>>,
        pub authority: Option<Spanned<String>>,
        pub kle: Option<Spanned<String>>,
        pub summary: Option<Spanned<String>>,
        #[serde(default)]
        pub abandoned: bool,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Citizen {
        pub id: Option<Spanned<String>>,
        pub name: Option<Spanned<String>>,
        pub cpr: Option<Spanned<String>>,
        pub language: Option<Spanned<String>>,
        pub phone: Option<Spanned<String>>,
        pub email: Option<Spanned<String>>,
        pub mitid: Option<Spanned<String>>,
        pub readiness: Option<Spanned<String>>,
        pub digital_post: Option<Spanned<String>>,
        #[serde(default)]
        pub history: Vec<Spanned<Event>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct File {
        #[serde(default)]
        pub citizens: Vec<Spanned<Citizen>>,
    }
}

/// A value written as its wire code (`snake_case`), e.g. `"code_display"`.
pub(super) fn from_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// The checked cast, every problem, and the ids of every citizen written (also those with errors, so a scenario
/// naming one is not reported a second time as naming nobody).
pub struct CheckedCast {
    pub cast: Cast,
    pub problems: Vec<Problem>,
    pub ids: HashSet<String>,
}

impl Cast {
    /// Checks the cast file; citizens with an error are left out.
    #[must_use]
    pub fn check(source: &Source, authorities: &AuthorityCatalog) -> CheckedCast {
        let mut checker = Checker::new(&source.path, &source.text);
        let mut ids = HashSet::new();
        let mut cprs = HashSet::new();
        let mut citizens = Vec::new();
        if let Some(file) = checker.parse::<raw::File>() {
            if file.citizens.is_empty() {
                checker.fail(&(0..0), "citizens", "the cast needs at least one [[citizens]]");
            }
            for (index, value) in file.citizens.iter().enumerate() {
                let before = checker.error_count();
                let citizen = citizen(&mut checker, index, value, authorities, &mut ids, &mut cprs);
                if checker.error_count() == before
                    && let Some(citizen) = citizen
                {
                    citizens.push(citizen);
                }
            }
        }
        CheckedCast { cast: Self { citizens }, problems: checker.into_problems(), ids }
    }

    /// The cast shipped with the program.
    #[must_use]
    pub fn builtin() -> CheckedCast {
        let source = Source { path: Path::new("guides/scenarios").join(CAST_FILE), text: BUILTIN.to_owned() };
        Self::check(&source, &AuthorityCatalog::builtin())
    }
}

fn string(checker: &mut Checker<'_>, value: Option<&Spanned<String>>, parent: &Range<usize>, field: &str) -> String {
    match checker.required(value, parent, field) {
        Some(v) if v.get_ref().trim().is_empty() => {
            checker.fail(&v.span(), field, "empty");
            String::new()
        }
        Some(v) => v.get_ref().trim().to_owned(),
        None => String::new(),
    }
}

/// A value written as one of a fixed set of codes.
fn coded<T: serde::de::DeserializeOwned>(
    checker: &mut Checker<'_>,
    value: Option<&Spanned<String>>,
    parent: &Range<usize>,
    field: &str,
    known: &str,
) -> Option<T> {
    let value = checker.required(value, parent, field)?;
    let parsed = from_code(value.get_ref());
    if parsed.is_none() {
        checker.fail(&value.span(), field, format!("'{}' is not one of {known}", value.get_ref()));
    }
    parsed
}

fn citizen(
    checker: &mut Checker<'_>,
    index: usize,
    value: &Spanned<raw::Citizen>,
    authorities: &AuthorityCatalog,
    ids: &mut HashSet<String>,
    cprs: &mut HashSet<Cpr>,
) -> Option<CastCitizen> {
    let (raw, span) = (value.get_ref(), value.span());
    let id = string(checker, raw.id.as_ref(), &span, &format!("citizens[{index}].id"));
    let field = |name: &str| {
        if id.is_empty() { format!("citizens[{index}].{name}") } else { format!("citizens[{id}].{name}") }
    };
    if let Some(value) = raw.id.as_ref().filter(|_| !id.is_empty()) {
        if !valid_id(&id) {
            checker.fail(&value.span(), &field("id"), "use lower-case letters, digits and '-'");
        } else if !ids.insert(id.clone()) {
            checker.fail(&value.span(), &field("id"), format!("duplicate citizen id '{id}'"));
        }
    }
    let name = string(checker, raw.name.as_ref(), &span, &field("name"));
    let cpr = checker.required(raw.cpr.as_ref(), &span, &field("cpr")).and_then(|value| {
        // The reason never repeats the digits, like every CPR message in the program.
        match Cpr::parse(value.get_ref()) {
            Ok(cpr) if !cprs.insert(cpr) => {
                checker.fail(&value.span(), &field("cpr"), "another citizen in the cast has this CPR number");
                None
            }
            Ok(cpr) => {
                // An error, not a warning: seeding skips a real record under the number, but the scenario would
                // then send a trainee to nobody.
                if cpr.passes_modulus11() {
                    let message = "passes the modulus-11 check, so it may be a real person's number: change the \
                                   last digits so it fails";
                    checker.fail(&value.span(), &field("cpr"), message);
                }
                Some(cpr)
            }
            Err(error) => {
                checker.fail(&value.span(), &field("cpr"), format!("not a valid CPR number: {error}"));
                None
            }
        }
    });
    let language = coded(checker, raw.language.as_ref(), &span, &field("language"), "da, en");
    let phone = raw.phone.as_ref().and_then(|value| {
        let phone = normalise_phone(value.get_ref()).filter(|p| p.len() == 8);
        if phone.is_none() {
            checker.fail(&value.span(), &field("phone"), "write a Danish phone number of 8 digits");
        }
        phone
    });
    let email = raw.email.as_ref().and_then(|value| {
        let email = normalise_email(value.get_ref()).filter(|e| e.ends_with("@example.com"));
        if email.is_none() {
            checker.fail(&value.span(), &field("email"), "use an address at example.com, never a real one");
        }
        email
    });
    let mitid = coded(
        checker,
        raw.mitid.as_ref(),
        &span,
        &field("mitid"),
        "app, code_display, audio_code_display, chip, blocked, none, unknown",
    );
    let readiness = coded(
        checker,
        raw.readiness.as_ref(),
        &span,
        &field("readiness"),
        "self_reliant, with_guidance, needs_assistance, not_digital, unknown",
    );
    let digital_post = checker.required(raw.digital_post.as_ref(), &span, &field("digital_post")).and_then(|value| {
        let status = match value.get_ref().as_str() {
            "active" => Some(DigitalPostStatus::Active),
            "exempt" => Some(DigitalPostStatus::Exempt { reason: "Fritaget (øvelse)".to_owned(), since: None }),
            "not_registered" => Some(DigitalPostStatus::NotRegistered),
            "unknown" => Some(DigitalPostStatus::Unknown),
            _ => None,
        };
        if status.is_none() {
            let message = format!("'{}' is not one of active, exempt, not_registered, unknown", value.get_ref());
            checker.fail(&value.span(), &field("digital_post"), message);
        }
        status
    });
    let history = raw
        .history
        .iter()
        .enumerate()
        .map(|(i, event)| history_event(checker, event, &field(&format!("history[{i}]")), authorities))
        .collect::<Option<Vec<_>>>();
    Some(CastCitizen {
        id,
        name,
        cpr: cpr?,
        language: language?,
        phone,
        email,
        mitid: mitid?,
        readiness: readiness?,
        digital_post: digital_post?,
        history: history?,
    })
}

fn history_event(
    checker: &mut Checker<'_>,
    value: &Spanned<raw::Event>,
    field: &str,
    authorities: &AuthorityCatalog,
) -> Option<CastEvent> {
    let (raw, span) = (value.get_ref(), value.span());
    let days_ago = checker.required(raw.days_ago.as_ref(), &span, &format!("{field}.days_ago")).and_then(|days| {
        let ok = (1..=MAX_DAYS_AGO).contains(days.get_ref());
        if !ok {
            checker.fail(&days.span(), &format!("{field}.days_ago"), format!("must be 1 to {MAX_DAYS_AGO}"));
        }
        u32::try_from(*days.get_ref()).ok().filter(|_| ok)
    });
    let channel = checker.required(raw.channel.as_ref(), &span, &format!("{field}.channel")).and_then(|value| {
        let channel = Channel::from_code(value.get_ref()).filter(|c| *c != Channel::GroupTraining);
        if channel.is_none() {
            let known: Vec<&str> =
                Channel::ALL.iter().filter(|c| **c != Channel::GroupTraining).map(|c| c.code()).collect();
            let message = format!("'{}' is not one of {}", value.get_ref(), known.join(", "));
            checker.fail(&value.span(), &format!("{field}.channel"), message);
        }
        channel
    });
    let authority = checker.required(raw.authority.as_ref(), &span, &format!("{field}.authority")).and_then(|value| {
        let known = authorities.get(value.get_ref()).map(|a| a.id.clone());
        if known.is_none() {
            let message = format!("unknown authority '{}'; see assets/authorities.tsv", value.get_ref());
            checker.fail(&value.span(), &format!("{field}.authority"), message);
        }
        known
    });
    let kle = checker.required(raw.kle.as_ref(), &span, &format!("{field}.kle")).and_then(|value| {
        KleCatalog::builtin()
            .topic(value.get_ref())
            .map_err(|error| checker.fail(&value.span(), &format!("{field}.kle"), error.to_string()))
            .ok()
    });
    let summary = string(checker, raw.summary.as_ref(), &span, &format!("{field}.summary"));
    if let Some(value) = &raw.summary
        && value.get_ref().split(|c: char| !c.is_ascii_digit()).any(|digits| digits.len() >= 6)
    {
        checker.fail(&value.span(), &format!("{field}.summary"), "no CPR numbers or other identifiers in a summary");
    }
    Some(CastEvent {
        days_ago: days_ago?,
        channel: channel?,
        authority: authority?,
        kle: kle?,
        summary,
        abandoned: raw.abandoned,
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use uuid::Uuid;

    use super::*;
    use crate::guides::library::Severity;

    fn check(text: &str) -> CheckedCast {
        let source = Source { path: "citizens.toml".into(), text: text.to_owned() };
        Cast::check(&source, &AuthorityCatalog::builtin())
    }

    #[test]
    fn the_builtin_cast_is_clean_and_fictitious() {
        let checked = Cast::builtin();
        let problems: Vec<String> = checked.problems.iter().map(ToString::to_string).collect();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(checked.cast.citizens.len() >= 8);
        for citizen in &checked.cast.citizens {
            assert!(citizen.record().fictitious);
            assert!(!citizen.cpr.passes_modulus11(), "{}: an invented number fails the modulus-11 check", citizen.id);
        }
    }

    #[test]
    fn every_problem_names_its_line_and_field() {
        let checked = check(
            "[[citizens]]\nid = \"a\"\nname = \"A\"\ncpr = \"3102401234\"\nlanguage = \"fr\"\nmitid = \"app\"\n\
             readiness = \"self_reliant\"\ndigital_post = \"active\"\nemail = \"a@kk.dk\"\n\
             [[citizens.history]]\ndays_ago = 0\nchannel = \"fax\"\nauthority = \"nasa\"\nkle = \"99.99.99\"\n\
             summary = \"Ringede om 0101801234\"\n",
        );
        let found: Vec<(usize, &str)> = checked.problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(
            found,
            vec![
                (4, "citizens[a].cpr"),
                (5, "citizens[a].language"),
                (9, "citizens[a].email"),
                (11, "citizens[a].history[0].days_ago"),
                (12, "citizens[a].history[0].channel"),
                (13, "citizens[a].history[0].authority"),
                (14, "citizens[a].history[0].kle"),
                (15, "citizens[a].history[0].summary"),
            ],
            "{:#?}",
            checked.problems
        );
        assert!(checked.cast.citizens.is_empty(), "a citizen with errors is left out");
        assert!(checked.ids.contains("a"), "but scenarios naming it are not told it does not exist");
    }

    #[test]
    fn a_cast_saved_with_a_bom_reads_as_without() {
        // `demo-data --scenarios` reads the file as it is, so the checker drops the mark, not only the loader.
        let text = "[[citizens]]\nid = \"a\"\nname = \"A\"\ncpr = \"3102401234\"\n";
        let found =
            |checked: &CheckedCast| checked.problems.iter().map(|p| (p.line, p.field.clone())).collect::<Vec<_>>();
        let plain = check(text);
        assert_eq!(found(&plain).first(), Some(&(4, "citizens[a].cpr".to_owned())), "{:#?}", plain.problems);
        assert_eq!(found(&check(&format!("\u{feff}{text}"))), found(&plain));
    }

    #[test]
    fn a_cpr_number_used_twice_is_an_error_in_either_spelling() {
        let checked = check(
            "[[citizens]]\nid = \"a\"\nname = \"A\"\ncpr = \"0101401234\"\n\
             [[citizens]]\nid = \"b\"\nname = \"B\"\ncpr = \"010140-1234\"\n",
        );
        let twice: Vec<_> = checked.problems.iter().filter(|p| p.field == "citizens[b].cpr").collect();
        assert_eq!(twice.len(), 1, "{:#?}", checked.problems);
        assert_eq!(twice[0].severity, Severity::Error);
        assert_eq!(twice[0].line, 8);
        assert!(!twice[0].to_string().contains("1234"), "the message never repeats the digits");
    }

    #[test]
    fn a_number_that_passes_modulus_11_is_an_error() {
        let checked = check("[[citizens]]\nid = \"a\"\nname = \"A\"\ncpr = \"0707614285\"\n");
        let problem = checked.problems.iter().find(|p| p.field == "citizens[a].cpr").expect("a problem");
        assert_eq!(problem.severity, Severity::Error);
    }

    #[test]
    fn events_have_stable_source_ids_and_lie_in_the_past() {
        let checked = Cast::builtin();
        let bent = checked.cast.citizen("bent-larsen").expect("Bent");
        let now = Utc::now();
        let events = bent.events(Uuid::nil(), now);
        assert_eq!(events.len(), bent.history.len());
        assert_eq!(events[0].source, EVENT_SOURCE);
        assert_eq!(events[0].source_id, "bent-larsen-1");
        assert!(events.iter().all(|e| e.occurred_at < now));
        assert!(events[0].abandoned);
    }
}
