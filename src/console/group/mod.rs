//! Group sessions in the console: a trainer or staff member logs a session held for several citizens at once
//! (seniors learning the MitID app at a library, say) — topic, guides used, site, duration, how many took part,
//! and the participants who agreed to be identified, added one at a time by CPR number or from a CSV list.
//!
//! The session goes through the same durable outbox as any other; the service puts it in each identified
//! participant's history and audits every link. A participant who did not agree is only ever a number here: their
//! row in an imported list is dropped as it is read. A CPR number is kept only until its lookup answers; what
//! stays is the citizen id, the name and the masked number, and only in memory.

mod control;
pub mod csv;
pub mod text;
pub mod view;

use std::collections::BTreeSet;

use chrono::Utc;
use uuid::Uuid;

use self::csv::{ImportError, ParticipantList, RowProblem};
use super::session::LocalFailure;
use crate::domain::{
    Channel, CitizenId, ContactKind, CprError, GroupPart, GuideRun, KleCatalog, KleTopic, Language, Outcome,
};
use crate::guides::library::Library;
use crate::history::api::{CitizenMatches, SessionInput};
use crate::history::client::ClientError;

/// Group sessions are held by Borgerservice, whichever building hosts them.
const AUTHORITY: &str = "borgerservice";

/// The length a group session usually has, as the form suggests it.
const DEFAULT_MINUTES: u32 = 60;

/// A participant who agreed to be identified, as the registry knows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupParticipant {
    id: CitizenId,
    name: String,
    masked_cpr: String,
}

/// Why a participant could not be added.
#[derive(Clone, Debug)]
pub enum GroupProblem {
    /// A row of an imported list that could not be read.
    Row(RowProblem),
    InvalidCpr(CprError),
    NotFound,
    Ambiguous,
    /// The list's name for the participant shares no word with the registry's: likely a mistyped number.
    NameMismatch,
    AlreadyAdded,
    TooMany,
    Lookup(ClientError),
}

/// A problem with the line of the imported list it came from (`None` for a number typed in the window).
#[derive(Clone, Debug)]
pub struct Noted {
    line: Option<usize>,
    problem: GroupProblem,
}

/// Why the form cannot be logged yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormProblem {
    NoTopic,
    NoSite,
    NoDuration,
    NoParticipants,
    TooFewParticipants,
    TooManyIdentified,
    StillLooking,
    OutboxUnavailable(Option<LocalFailure>),
    /// The journal could not be written.
    Journal(LocalFailure),
}

/// The group session being put together.
pub struct GroupForm {
    /// Generated here, so a retried write is the same session to the service.
    id: Uuid,
    /// Lookups answered for an earlier form are dropped.
    generation: u64,
    kle: Option<KleTopic>,
    /// Whether staff picked the topic themselves; otherwise the first guide ticked gives it.
    kle_chosen: bool,
    kle_query: String,
    /// Ids of the guides used.
    guides: BTreeSet<String>,
    site: String,
    minutes: u32,
    /// Everyone who took part; raised (never lowered) as participants are added or imported.
    participants: u32,
    identified: Vec<GroupParticipant>,
    /// Participants an imported list only counted.
    imported_anonymous: u32,
    /// The CPR number typed to add one participant; cleared as soon as it is sent.
    cpr_text: String,
    problems: Vec<Noted>,
    import_error: Option<ImportError>,
    /// The last list read: (with consent, only counted).
    imported: Option<(usize, u32)>,
    /// Lookups on their way.
    looking_up: usize,
    importing: bool,
    saving: bool,
    check: Option<FormProblem>,
}

impl GroupForm {
    /// An empty form at `site`.
    #[must_use]
    pub fn new(site: String, generation: u64) -> Self {
        Self {
            id: Uuid::now_v7(),
            generation,
            kle: None,
            kle_chosen: false,
            kle_query: String::new(),
            guides: BTreeSet::new(),
            site,
            minutes: DEFAULT_MINUTES,
            participants: 0,
            identified: Vec::new(),
            imported_anonymous: 0,
            cpr_text: String::new(),
            problems: Vec::new(),
            import_error: None,
            imported: None,
            looking_up: 0,
            importing: false,
            saving: false,
            check: None,
        }
    }

    /// Participants who are only counted.
    #[must_use]
    pub fn anonymous(&self) -> u32 {
        self.participants.saturating_sub(u32::try_from(self.identified.len()).unwrap_or(u32::MAX))
    }

    /// Makes the count cover everyone identified, being looked up, or counted by an imported list.
    fn raise_count(&mut self) {
        let known = self.identified.len().saturating_add(self.looking_up);
        let floor = u32::try_from(known).unwrap_or(u32::MAX).saturating_add(self.imported_anonymous);
        self.participants = self.participants.max(floor);
    }

    /// Takes in the answer to one participant's lookup.
    fn found(&mut self, line: Option<usize>, name_in_list: &str, result: Result<CitizenMatches, ClientError>) {
        self.looking_up = self.looking_up.saturating_sub(1);
        let problem = match result {
            Err(error) => Some(GroupProblem::Lookup(error)),
            Ok(matches) => match matches.citizens.as_slice() {
                [] => Some(GroupProblem::NotFound),
                // A typed number has no name to check; a listed one must have one that agrees.
                [one] if line.is_some() && !names_agree(name_in_list, &one.name) => Some(GroupProblem::NameMismatch),
                // A list imported again after a fix names the people it named before: that is no mistake.
                [one] if self.identified.iter().any(|p| p.id == one.id) => {
                    line.is_none().then_some(GroupProblem::AlreadyAdded)
                }
                [_] if self.identified.len() >= GroupPart::MAX_LINKED => Some(GroupProblem::TooMany),
                [one] => {
                    let (id, name, masked_cpr) = (one.id, one.name.clone(), one.masked_cpr.clone());
                    self.identified.push(GroupParticipant { id, name, masked_cpr });
                    None
                }
                _ => Some(GroupProblem::Ambiguous),
            },
        };
        if let Some(problem) = problem {
            self.note(line, problem);
        }
        self.raise_count();
    }

    fn note(&mut self, line: Option<usize>, problem: GroupProblem) {
        self.problems.push(Noted { line, problem });
        // Typed numbers first, then the list's lines in order, however the lookups were answered.
        self.problems.sort_by_key(|n| n.line);
    }

    /// The session to log, or what must be fixed first.
    pub fn to_input(&self, library: Option<&Library>, lang: Language) -> Result<SessionInput, FormProblem> {
        let Some(kle) = &self.kle else { return Err(FormProblem::NoTopic) };
        if self.site.trim().is_empty() {
            return Err(FormProblem::NoSite);
        }
        if self.minutes == 0 {
            return Err(FormProblem::NoDuration);
        }
        if !(1..=GroupPart::MAX_PARTICIPANTS).contains(&self.participants) {
            return Err(FormProblem::NoParticipants);
        }
        if self.identified.len() > GroupPart::MAX_LINKED {
            return Err(FormProblem::TooManyIdentified);
        }
        if u32::try_from(self.identified.len()).map_or(true, |n| n > self.participants) {
            return Err(FormProblem::TooFewParticipants);
        }
        if self.looking_up > 0 {
            return Err(FormProblem::StillLooking);
        }
        let guides = self
            .guides
            .iter()
            .map(|id| GuideRun {
                guide: id.clone(),
                guide_version: library.and_then(|l| l.guide(id)).map_or(0, |g| g.version),
                steps: Vec::new(),
                outcome: None,
                reviewed: library.and_then(|l| l.guide(id)).map(|g| g.reviewed),
            })
            .collect();
        let g = text::group_text(lang);
        let topic = KleCatalog::builtin().title(kle);
        let ended_at = Utc::now();
        Ok(SessionInput {
            citizen_id: None,
            channel: Channel::GroupTraining,
            authority: AUTHORITY.to_owned(),
            site: self.site.trim().to_owned(),
            started_at: ended_at - chrono::Duration::minutes(i64::from(self.minutes)),
            ended_at,
            kle: Some(kle.as_str().to_owned()),
            guides,
            outcome: Outcome::Completed,
            contact_kind: ContactKind::Information,
            summary: super::i18n::fill(
                g.summary,
                &[("topic", topic), ("participants", &self.participants.to_string())],
            ),
            next_steps: Vec::new(),
            notes: String::new(),
            digital_readiness_after: None,
            referral: None,
            failure_demand: None,
            could_self_serve: None,
            group: Some(GroupPart {
                participants: self.participants,
                linked: self.identified.iter().map(|p| p.id).collect(),
            }),
        })
    }
}

/// Whether a list's name can be the registry's: some word in common, ignoring case. An empty name agrees with
/// nobody: it would let any mistyped number through.
fn names_agree(in_list: &str, in_registry: &str) -> bool {
    let words = |name: &str| -> BTreeSet<String> {
        name.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '.'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let listed = words(in_list);
    !listed.is_disjoint(&words(in_registry))
}

/// The group-session window's state.
#[derive(Default)]
pub struct GroupState {
    open: bool,
    /// Made when the window first opens, with the staff member's site.
    form: Option<GroupForm>,
    /// The last group session logged: (participants, identified).
    logged: Option<(u32, usize)>,
    generation: u64,
}

impl GroupState {
    /// Whether a lookup or a journal write is on its way.
    #[must_use]
    pub fn is_busy(&self) -> bool {
        self.form.as_ref().is_some_and(|f| f.looking_up > 0 || f.saving)
    }
}

/// Answers to the group window's background work.
/// What the group-session window does for a view or shortcut.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GroupCommand {
    /// Show or hide the group-session window.
    Toggle,
    /// Look up the CPR number typed in the window and add the participant.
    AddCpr,
    /// Stop identifying this participant (they stay counted).
    RemoveParticipant(CitizenId),
    /// The guides ticked changed: the topic may follow them.
    GuidesChanged,
    /// Staff chose the topic: ticking guides no longer changes it.
    TopicChosen,
    /// Choose a participant list (CSV) to import.
    ImportCsv,
    Log,
}

pub enum GroupReply {
    /// One participant looked up by CPR number. `name` is the list's name for them, for the check (empty for a
    /// number typed in the window, which has no `line`).
    Found {
        generation: u64,
        line: Option<usize>,
        name: String,
        result: Result<CitizenMatches, ClientError>,
    },
    /// A participant file was read; `None` when the dialog was cancelled.
    Imported(Option<Result<ParticipantList, ImportError>>),
    Journaled {
        id: Uuid,
        result: Result<(), LocalFailure>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::api::CitizenSummary;

    fn matches(name: &str) -> CitizenMatches {
        let citizen = CitizenSummary {
            id: Uuid::from_u128(7),
            name: name.to_owned(),
            masked_cpr: "070761-XXXX".to_owned(),
            age: 65,
            district: None,
            fictitious: true,
        };
        CitizenMatches { citizens: vec![citizen], truncated: false }
    }

    #[test]
    fn the_count_covers_everyone_added_and_is_never_lowered() {
        let mut form = GroupForm::new("Hovedbiblioteket".into(), 1);
        form.imported_anonymous = 5;
        form.looking_up = 1;
        form.raise_count();
        assert_eq!(form.participants, 6);
        form.found(Some(2), "Søren Østergaard", Ok(matches("Søren Østergaard")));
        assert_eq!((form.participants, form.identified.len(), form.anonymous()), (6, 1, 5));
        form.identified.clear();
        form.raise_count();
        assert_eq!((form.participants, form.anonymous()), (6, 6), "a removed participant is still counted");
    }

    #[test]
    fn a_name_that_does_not_fit_the_number_is_not_linked_and_nobody_is_linked_twice() {
        let mut form = GroupForm::new("Hovedbiblioteket".into(), 1);
        form.looking_up = 6;
        form.found(Some(4), "Karen Abildgaard", Ok(matches("Søren Østergaard")));
        form.found(Some(5), "", Ok(matches("Karen Abildgaard")));
        form.found(Some(6), " , ", Ok(matches("Karen Abildgaard")));
        form.found(Some(2), "søren", Ok(matches("Søren Østergaard")));
        form.found(Some(2), "Søren", Ok(matches("Søren Østergaard")));
        form.found(None, "", Ok(matches("Søren Østergaard")));
        assert_eq!(form.identified.len(), 1);
        let noted: Vec<_> = form.problems.iter().map(|n| (n.line, format!("{:?}", n.problem))).collect();
        let mismatch = |line| (Some(line), "NameMismatch".to_owned());
        assert_eq!(noted, [(None, "AlreadyAdded".to_owned()), mismatch(4), mismatch(5), mismatch(6)]);
    }

    #[test]
    fn the_input_is_a_group_session_on_the_group_channel() {
        let mut form = GroupForm::new("Hovedbiblioteket".into(), 1);
        assert_eq!(form.to_input(None, Language::Da).err(), Some(FormProblem::NoTopic));
        form.kle = KleCatalog::builtin().topic("23.15.25").ok();
        assert_eq!(form.to_input(None, Language::Da).err(), Some(FormProblem::NoParticipants));
        form.participants = 8;
        form.looking_up = 1;
        form.found(None, "", Ok(matches("Søren Østergaard")));
        let input = form.to_input(None, Language::Da).expect("a session");
        assert_eq!((input.channel, input.citizen_id), (Channel::GroupTraining, None));
        assert_eq!(input.group, Some(GroupPart { participants: 8, linked: vec![Uuid::from_u128(7)] }));
        assert_eq!((input.ended_at - input.started_at).num_minutes(), 60);
        assert!(input.summary.contains("8 deltagere"), "{}", input.summary);
    }
}
