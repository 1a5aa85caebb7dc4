//! The showcase citizens: a small, fixed cast the demo store always holds beside the random population, one for
//! each thing a newcomer should try in the console. The README's "Try looking up" line is written from
//! [`SHOWCASE`], and tests hold every demo store to what each row claims.
//!
//! Their CPR numbers are made as the generator makes its own (birth date, century digit, gender digit); all but
//! the modulus-11 example pass the check, so the console's warning shows only where it is the point.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use fastrand::Rng;

use super::data::{ERRANDS, Errand};
use super::{BATCH, DemoReport, HEAVY_EVENTS, History, ascii, count_outcome, uuid};
use crate::domain::{
    AttorneyDirection, AttorneyKind, CaseStatus, Channel, Citizen, CitizenPatch, ContactEvent, Cpr, DigitalPostStatus,
    DigitalReadiness, Direction, Language, MitidStatus, PowerOfAttorney,
};
use crate::history::store::{RecordWriter, Store, StoreResult};

/// What a showcase citizen is there to show; tests check each store against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// At least [`HEAVY_EVENTS`] contacts: the timeline's paging and filters at scale.
    ManyContacts,
    /// An open case and self-service attempts left unfinished, which the guide suggestions quote.
    OpenCaseAndAbandonedAttempts,
    /// Exempt from Digital Post: the red note, and answers that come as letters.
    ExemptFromDigitalPost,
    /// Has given a relative a power of attorney.
    PowerOfAttorney,
    /// Prefers English and came to Denmark recently: every contact is from the last few months.
    EnglishNewcomer,
    /// A valid CPR number that fails the modulus-11 check, as numbers issued since 2007 may.
    FailsModulus11,
}

/// One step of an errand, some days before now.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub days_ago: i64,
    /// The errand's topic, as in the generator's list of errands.
    pub topic: &'static str,
    pub kind: StepKind,
}

/// What the citizen or the authority did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    /// Read about it on the web.
    Read,
    /// Started the self-service solution and left it unfinished.
    Stuck,
    /// Finished the self-service solution (a case errand opens its case).
    Done,
    /// Got help at the counter (a case errand then waits for the authority).
    Helped,
    /// The authority's answer, in Digital Post or, for the exempt, on paper.
    Answered,
}

/// A showcase citizen: who they are, what looking them up shows, and the data that makes it so.
#[derive(Clone, Copy, Debug)]
pub struct Showcase {
    pub name: &'static str,
    /// `DDMMYY-SSSS`.
    pub cpr: &'static str,
    /// What looking them up shows, in the README's words.
    pub shows: &'static str,
    pub claim: Claim,
    pub language: Language,
    pub district: &'static str,
    pub phone: &'static str,
    pub readiness: DigitalReadiness,
    pub mitid: MitidStatus,
    /// Why they are exempt from Digital Post, if they are.
    pub exempt: Option<&'static str>,
    /// The relative they gave a Digital Fuldmagt for all solutions, if anyone.
    pub attorney: Option<&'static str>,
    /// Contacts drawn errand by errand, as for the random population, over this many years.
    pub contacts: usize,
    pub years: i64,
    /// Then these steps, oldest first.
    pub steps: &'static [Step],
}

const fn step(days_ago: i64, topic: &'static str, kind: StepKind) -> Step {
    Step { days_ago, topic, kind }
}

/// The showcase citizens, in the order the README names them.
pub const SHOWCASE: &[Showcase] = &[
    Showcase {
        name: "Freja Andersen",
        cpr: "120384-2372",
        shows: "10,000 contacts",
        claim: Claim::ManyContacts,
        language: Language::Da,
        district: "Østerbro",
        phone: "28417305",
        readiness: DigitalReadiness::SelfReliant,
        mitid: MitidStatus::App,
        exempt: None,
        attorney: None,
        contacts: HEAVY_EVENTS,
        years: 10,
        steps: &[],
    },
    Showcase {
        name: "Ida Dahl",
        cpr: "270951-1370",
        shows: "an open case, abandoned self-service attempts",
        claim: Claim::OpenCaseAndAbandonedAttempts,
        language: Language::Da,
        district: "Bispebjerg",
        phone: "51936248",
        readiness: DigitalReadiness::WithGuidance,
        mitid: MitidStatus::App,
        exempt: None,
        attorney: None,
        contacts: 12,
        years: 3,
        steps: &[
            step(40, "Digital Post", StepKind::Stuck),
            step(12, "boligstøtte", StepKind::Read),
            step(11, "boligstøtte", StepKind::Stuck),
            step(6, "boligstøtte", StepKind::Helped),
        ],
    },
    Showcase {
        name: "Kjeld Holm",
        cpr: "041136-0377",
        shows: "exempt from Digital Post",
        claim: Claim::ExemptFromDigitalPost,
        language: Language::Da,
        district: "Valby",
        phone: "36442917",
        readiness: DigitalReadiness::NotDigital,
        mitid: MitidStatus::None,
        exempt: Some("Manglende adgang til computer eller smartphone"),
        attorney: None,
        contacts: 20,
        years: 3,
        steps: &[step(20, "folkepension", StepKind::Helped), step(9, "folkepension", StepKind::Answered)],
    },
    Showcase {
        name: "Karen Lund",
        cpr: "180541-3448",
        shows: "has given her daughter a power of attorney",
        claim: Claim::PowerOfAttorney,
        language: Language::Da,
        district: "Amager Øst",
        phone: "32581746",
        readiness: DigitalReadiness::NeedsAssistance,
        mitid: MitidStatus::CodeDisplay,
        exempt: None,
        attorney: Some("Mette Lund"),
        contacts: 16,
        years: 3,
        steps: &[],
    },
    Showcase {
        name: "Emily Carter",
        cpr: "230897-4378",
        shows: "an English-speaking newcomer",
        claim: Claim::EnglishNewcomer,
        language: Language::En,
        district: "Vesterbro/Kongens Enghave",
        phone: "71298354",
        readiness: DigitalReadiness::WithGuidance,
        mitid: MitidStatus::None,
        exempt: None,
        attorney: None,
        contacts: 0,
        years: 0,
        steps: &[
            step(44, "lægevalg", StepKind::Read),
            step(43, "lægevalg", StepKind::Done),
            step(30, "MitID", StepKind::Read),
            step(29, "MitID", StepKind::Stuck),
            step(22, "MitID", StepKind::Helped),
            step(15, "sundhedskort", StepKind::Done),
        ],
    },
    Showcase {
        name: "Yonas Tesfaye",
        cpr: "010188-9371",
        shows: "a valid CPR number that fails the modulus-11 check",
        claim: Claim::FailsModulus11,
        language: Language::Da,
        district: "Nørrebro",
        phone: "42637190",
        readiness: DigitalReadiness::SelfReliant,
        mitid: MitidStatus::App,
        exempt: None,
        attorney: None,
        contacts: 14,
        years: 3,
        steps: &[],
    },
];

impl Showcase {
    /// The CPR number; every row's parses (a unit test says so).
    #[must_use]
    pub fn cpr(&self) -> Option<Cpr> {
        Cpr::parse(self.cpr).ok()
    }

    /// The citizen record, fictitious, with an id of its own drawn from `rng`.
    fn citizen(&self, cpr: Cpr, rng: &mut Rng) -> Citizen {
        let digital_post = match self.exempt {
            Some(reason) => {
                DigitalPostStatus::Exempt { reason: reason.to_owned(), since: NaiveDate::from_ymd_opt(2019, 3, 1) }
            }
            None => DigitalPostStatus::Active,
        };
        let powers_of_attorney = self.attorney.map(|relative| PowerOfAttorney {
            direction: AttorneyDirection::Given,
            kind: AttorneyKind::DigitalFuldmagt,
            counterpart_name: relative.to_owned(),
            scope: Some("Alle løsninger".to_owned()),
            valid_until: None,
        });
        let email = self.readiness != DigitalReadiness::NotDigital;
        Citizen {
            id: uuid(rng),
            cpr,
            earlier_cprs: Vec::new(),
            name: self.name.to_owned(),
            phones: vec![self.phone.to_owned()],
            emails: email.then(|| format!("{}@example.com", ascii(self.name))).into_iter().collect(),
            preferred_language: self.language,
            district: Some(self.district.to_owned()),
            digital_post,
            mitid: self.mitid,
            digital_readiness: self.readiness,
            powers_of_attorney: powers_of_attorney.into_iter().collect(),
            fictitious: true,
        }
    }

    /// The history: drawn contacts first, then the steps.
    fn history(&self, rng: &mut Rng, citizen: &Citizen, anchor: DateTime<Utc>, index: usize) -> Vec<ContactEvent> {
        let prefix = format!("demo-showcase-{index}");
        let mut history = History::new(rng, citizen, anchor, self.years.max(1), &prefix);
        if self.contacts > 0 {
            history.fill(self.contacts);
        }
        let mut cases = HashMap::new();
        for step in self.steps {
            let Some(errand) = ERRANDS.iter().find(|e| e.topic == step.topic) else { continue };
            history.step(errand, step, &mut cases);
        }
        history.events
    }
}

impl History<'_> {
    /// Adds one scripted step; `cases` keeps one case number per errand, so the steps of an errand share it.
    fn step(&mut self, errand: &Errand, step: &Step, cases: &mut HashMap<&'static str, String>) {
        let at = self.anchor - Duration::days(step.days_ago);
        let case_ref = errand.case_prefix.map(|prefix| {
            let number = self.rng.u32(0..1_000_000);
            cases.entry(errand.topic).or_insert_with(|| format!("{prefix}-{}-{number:06}", at.year())).clone()
        });
        let exempt = matches!(self.citizen.digital_post, DigitalPostStatus::Exempt { .. });
        let (open, waiting) = if case_ref.is_some() {
            (CaseStatus::Open, CaseStatus::Waiting)
        } else {
            (CaseStatus::Resolved, CaseStatus::Resolved)
        };
        let inbound = Direction::Inbound;
        let case = case_ref.as_deref();
        match step.kind {
            StepKind::Read => {
                self.push(errand, Channel::Web, inbound, at, errand.info, None, CaseStatus::Resolved, false);
            }
            StepKind::Stuck => {
                self.push(errand, Channel::SelfService, inbound, at, errand.stuck, None, CaseStatus::Resolved, true);
            }
            StepKind::Done => self.push(errand, Channel::SelfService, inbound, at, errand.attempt, case, open, false),
            StepKind::Helped => self.push(errand, Channel::Counter, inbound, at, errand.help, case, waiting, false),
            StepKind::Answered => {
                let channel = if exempt { Channel::Letter } else { Channel::DigitalPost };
                let outbound = Direction::Outbound;
                self.push(errand, channel, outbound, at, errand.answer, case, CaseStatus::Resolved, false);
            }
        }
    }
}

/// Whether the generator must not give a random citizen this name, so each showcase name finds one person.
pub(super) fn is_showcase_name(name: &str) -> bool {
    SHOWCASE.iter().any(|s| s.name == name)
}

/// The showcase's CPR numbers, which the generator leaves to them.
pub(super) fn cprs() -> impl Iterator<Item = Cpr> {
    SHOWCASE.iter().filter_map(Showcase::cpr)
}

/// Stores the showcase citizens that are not there yet, each with their history. Like the generator, it never
/// touches a record that is not fictitious: such a CPR number counts as a conflict and is left alone.
pub async fn seed(store: &Store, anchor: DateTime<Utc>) -> StoreResult<DemoReport> {
    let mut report = DemoReport::default();
    for (index, showcase) in SHOWCASE.iter().enumerate() {
        let Some(cpr) = showcase.cpr() else { continue };
        // Seeded by the number, so a showcase citizen keeps their id and history from store to store.
        let mut rng = Rng::with_seed(cpr.compact().parse().unwrap_or_default());
        let citizen = showcase.citizen(cpr, &mut rng);
        let outcome =
            store.upsert_citizen(&CitizenPatch::full(&citizen), citizen.id, RecordWriter::Seed, anchor).await?;
        if !count_outcome(&mut report, &outcome) {
            continue;
        }
        for batch in showcase.history(&mut rng, &citizen, anchor, index).chunks(BATCH) {
            report.events_created += store.insert_events(batch, anchor).await?;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_a_valid_fictitious_citizen_that_shows_what_it_claims() {
        let anchor = DateTime::parse_from_rfc3339("2026-11-01T12:00:00Z").expect("time").to_utc();
        for (index, showcase) in SHOWCASE.iter().enumerate() {
            let cpr = showcase.cpr().unwrap_or_else(|| panic!("{}: not a CPR number", showcase.name));
            assert_eq!(cpr.passes_modulus11(), showcase.claim != Claim::FailsModulus11, "{}", showcase.name);
            for step in showcase.steps {
                assert!(ERRANDS.iter().any(|e| e.topic == step.topic), "{}: {}", showcase.name, step.topic);
            }
            let mut rng = Rng::with_seed(1);
            let citizen = showcase.citizen(cpr, &mut rng);
            assert!(citizen.fictitious);
            let events = showcase.history(&mut rng, &citizen, anchor, index);
            assert!(events.iter().all(|e| e.occurred_at < anchor && e.citizen_id == citizen.id));
            assert!(events.len() >= showcase.contacts + showcase.steps.len(), "{}", showcase.name);
        }
        let names: std::collections::HashSet<_> = SHOWCASE.iter().map(|s| s.name).collect();
        let numbers: std::collections::HashSet<_> = cprs().collect();
        assert_eq!((names.len(), numbers.len()), (SHOWCASE.len(), SHOWCASE.len()), "names and numbers are unique");
    }

    #[test]
    fn the_random_population_leaves_the_showcase_names_alone() {
        let mut rng = Rng::with_seed(1);
        let mut used: std::collections::HashSet<Cpr> = cprs().collect();
        for index in 0..2_000 {
            let citizen = super::super::citizen(&mut rng, &mut used, index);
            assert!(!is_showcase_name(&citizen.name), "{}", citizen.name);
        }
    }
}
