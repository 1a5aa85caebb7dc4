//! What a contact counts as in KL's KOMHEN ("Kommunernes henvendelser"), the method Danish municipalities share
//! to count citizen contacts and compare themselves. Every mapping from our values to its codes is in this file,
//! so a code found to be wrong is corrected in one place. The codes follow real municipal exports; KL's own upload
//! specification was not found.

use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::contact::{CaseStatus, ContactEvent, Direction};
use super::kle::KleTopic;
use super::session::{AssistedSession, ContactKind, Outcome, StepState};

/// KOMHEN's contact type. `Opret` and `Status` are transactions; the rest are information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KomhenType {
    /// A new case (an application, a registration).
    Opret,
    /// A change to an existing case.
    Status,
    /// Information about a case.
    Info,
    /// Guidance.
    Vejl,
    /// Help with a digital self-service solution.
    Slvbtjn,
    /// Misdirected: no unit of the municipality handles the matter. Not failure demand, which is judged apart.
    Fejl,
}

impl KomhenType {
    pub const ALL: [Self; 6] = [Self::Opret, Self::Status, Self::Info, Self::Vejl, Self::Slvbtjn, Self::Fejl];

    /// The code in a KOMHEN file.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Opret => "OPRET",
            Self::Status => "STATUS",
            Self::Info => "INFO",
            Self::Vejl => "VEJL",
            Self::Slvbtjn => "SLVBTJN",
            Self::Fejl => "FEJL",
        }
    }

    /// An assisted session's type: see [`Counted::session`]. Apart from it because counting by type alone must not
    /// build a whole record per session.
    #[must_use]
    pub fn of_session(session: &AssistedSession) -> Self {
        match session.contact_kind {
            ContactKind::Transaction => Self::Opret,
            ContactKind::Information if !session.guides.is_empty() => Self::Slvbtjn,
            ContactKind::Information => Self::Vejl,
            ContactKind::ErrorDriven => Self::Info,
        }
    }

    /// Whether the citizen wanted something done, rather than to know something.
    #[must_use]
    pub fn is_transaction(self) -> bool {
        matches!(self, Self::Opret | Self::Status)
    }
}

/// How the contact was closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Closing {
    /// Closed there and then. KOMHEN allows it only for personal and phone contacts.
    Straks,
    /// Left for further handling.
    Hold,
}

impl Closing {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Straks => "STRAKS",
            Self::Hold => "HOLD",
        }
    }
}

/// Whether the right form was at least partly filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    Ja,
    Nej,
}

impl Form {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Ja => "JA",
            Self::Nej => "NEJ",
        }
    }
}

/// The KOMHEN channel code for a contact on `channel` in `direction`.
///
/// Codes seen in real exports are used where they exist. Where none was found, the nearest is chosen and said
/// here: a video call and a group session are staffed meetings in person, counted as `PRSNLG`; a chatbot, social
/// media and the app are counted as system contacts, `SYSIND`.
#[must_use]
pub fn channel_code(channel: Channel, direction: Direction) -> &'static str {
    let inbound = direction == Direction::Inbound;
    match channel {
        Channel::Phone => pick(inbound, "TLFIND", "TLFUD"),
        Channel::Email => pick(inbound, "EMLIND", "EMLUD"),
        Channel::Letter => pick(inbound, "PPRIND", "PPRUD"),
        Channel::DigitalPost => pick(inbound, "DOCIND", "DOKUD"),
        Channel::Counter | Channel::Video | Channel::GroupTraining => "PRSNLG",
        Channel::SelfService => "SLVBTJN",
        Channel::Web => "WEB",
        Channel::Chatbot | Channel::SocialMedia | Channel::App => "SYSIND",
    }
}

fn pick(inbound: bool, inbound_code: &'static str, outbound_code: &'static str) -> &'static str {
    if inbound { inbound_code } else { outbound_code }
}

/// Whether KOMHEN lets a contact on this channel be closed at once: personal and phone contacts only.
#[must_use]
pub fn may_close_at_once(channel: Channel) -> bool {
    matches!(channel, Channel::Phone | Channel::Counter | Channel::Video | Channel::GroupTraining)
}

/// One contact as KOMHEN counts it. The unit is the site, so contact centres compare with each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Counted {
    pub channel: &'static str,
    pub direction: Direction,
    pub kle: Option<KleTopic>,
    pub kind: KomhenType,
    pub closing: Closing,
    pub form: Form,
    pub unit: String,
    pub seconds: u32,
}

impl Counted {
    /// An assisted session. What staff said in the wrap-up is kept; the rest is derived:
    /// - a transaction is a new case (`OPRET`); help given while a guide ran is help with self-service
    ///   (`SLVBTJN`), other information is guidance (`VEJL`); a contact staff marked as caused by the public
    ///   sector's own error is information about the case (`INFO`) — whether it was failure demand is judged apart;
    /// - a session that ended completed or referred on, on a personal or phone channel, was closed at once;
    /// - a transaction had its form when a guide step was completed in the solution.
    #[must_use]
    pub fn session(session: &AssistedSession, direction: Direction) -> Self {
        let kind = KomhenType::of_session(session);
        let done_here = matches!(session.outcome, Outcome::Completed | Outcome::Referred);
        let closing = if done_here && may_close_at_once(session.channel) { Closing::Straks } else { Closing::Hold };
        let filled_in = session.guides.iter().flat_map(|run| &run.steps).any(|step| step.state == StepState::Completed);
        let form = if kind.is_transaction() && filled_in { Form::Ja } else { Form::Nej };
        let seconds = (session.ended_at - session.started_at).num_seconds().clamp(0, i64::from(u32::MAX));
        Self {
            channel: channel_code(session.channel, direction),
            direction,
            kle: session.kle.clone(),
            kind,
            closing,
            form,
            unit: session.site.clone(),
            seconds: u32::try_from(seconds).unwrap_or(u32::MAX),
        }
    }

    /// A contact another system reported. Without a staff member's judgement: a self-service contact that was not
    /// abandoned is a transaction done in the solution (`OPRET`, with its form); any other
    /// is information about its case (`INFO`) when it names one, else guidance (`VEJL`). Only a personal or phone
    /// contact whose case is resolved was closed at once. The unit is the reporting source.
    #[must_use]
    pub fn event(event: &ContactEvent) -> Self {
        let kind = if event.channel == Channel::SelfService && !event.abandoned {
            KomhenType::Opret
        } else if event.case_ref.is_some() {
            KomhenType::Info
        } else {
            KomhenType::Vejl
        };
        let resolved = event.status == CaseStatus::Resolved;
        let closing = if resolved && may_close_at_once(event.channel) { Closing::Straks } else { Closing::Hold };
        Self {
            channel: channel_code(event.channel, event.direction),
            direction: event.direction,
            kle: event.kle.clone(),
            kind,
            closing,
            form: if kind == KomhenType::Opret { Form::Ja } else { Form::Nej },
            unit: event.source.clone(),
            seconds: 0,
        }
    }
}

/// The header of a KOMHEN file, as real municipal exports have it (`;`-separated, Latin-1).
pub const FILE_HEADER: &str =
    "Kommune;ID;Enhed;Opgave;Kanal;Type;Afslutning;Blanket;Dato;StartTidspunkt;SlutTidspunkt;Datakilde";

/// How times are written in a KOMHEN file.
const FILE_TIME: &str = "%d-%m-%Y %H:%M:%S";

/// One contact's line in a KOMHEN file, without the line break, with its start and end in local time. The format
/// has no quoting, so a `;` or a line break inside a value (a site's name) becomes a space.
#[must_use]
pub fn file_line(
    municipality: &str,
    id: &str,
    counted: &Counted,
    start: chrono::NaiveDateTime,
    end: chrono::NaiveDateTime,
    source: &str,
) -> String {
    let day = start.date().and_time(chrono::NaiveTime::MIN);
    let fields = [
        municipality,
        id,
        &counted.unit,
        counted.kle.as_ref().map_or("", KleTopic::as_str),
        counted.channel,
        counted.kind.code(),
        counted.closing.code(),
        counted.form.code(),
        &day.format(FILE_TIME).to_string(),
        &start.format(FILE_TIME).to_string(),
        &end.format(FILE_TIME).to_string(),
        source,
    ];
    let clean = |field: &str| field.replace([';', '\n', '\r'], " ");
    fields.iter().map(|f| clean(f)).collect::<Vec<_>>().join(";")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuthorityId, GuideRun, KleCatalog, StepRecord};
    use chrono::{Duration, TimeZone, Utc};

    fn session(channel: Channel, kind: ContactKind, outcome: Outcome, guides: Vec<GuideRun>) -> AssistedSession {
        let kle = Some(KleCatalog::builtin().topic("23.05.01").expect("kle"));
        AssistedSession { kle, guides, ..AssistedSession::example(channel, kind, outcome) }
    }

    fn run(completed_steps: usize) -> GuideRun {
        let step = |i: usize| StepRecord {
            step: format!("trin-{i}"),
            state: StepState::Completed,
            performed_by: None,
            attorney: None,
            seconds: 30,
        };
        GuideRun {
            guide: "flytning".into(),
            guide_version: 1,
            steps: (0..completed_steps).map(step).collect(),
            outcome: Some(Outcome::Completed),
            reviewed: None,
        }
    }

    #[test]
    fn every_code_is_one_of_the_reference_codes() {
        let channels = [
            "TLFIND", "TLFUD", "PRSNLG", "EMLIND", "EMLUD", "PPRIND", "PPRUD", "DOCIND", "DOKUD", "SLVBTJN", "WEB",
            "SYSIND",
        ];
        for channel in Channel::ALL {
            for direction in [Direction::Inbound, Direction::Outbound] {
                assert!(channels.contains(&channel_code(channel, direction)), "{channel:?} {direction:?}");
            }
        }
        let types: Vec<&str> = KomhenType::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(types, ["OPRET", "STATUS", "INFO", "VEJL", "SLVBTJN", "FEJL"]);
        assert_eq!(channel_code(Channel::Phone, Direction::Outbound), "TLFUD");
        assert_eq!(channel_code(Channel::DigitalPost, Direction::Inbound), "DOCIND");
    }

    #[test]
    fn a_guided_application_at_the_counter_is_a_new_case_with_its_form_closed_at_once() {
        let counted = Counted::session(
            &session(Channel::Counter, ContactKind::Transaction, Outcome::Completed, vec![run(3)]),
            Direction::Inbound,
        );
        assert_eq!(
            (counted.channel, counted.kind, counted.closing, counted.form),
            ("PRSNLG", KomhenType::Opret, Closing::Straks, Form::Ja)
        );
        assert_eq!((counted.unit.as_str(), counted.seconds), ("Borgerservice Amager", 754));
        assert_eq!(counted.kle.as_ref().map(KleTopic::as_str), Some("23.05.01"));
    }

    #[test]
    fn closing_at_once_needs_a_finished_matter_on_a_personal_or_phone_channel() {
        let phone = |outcome| session(Channel::Phone, ContactKind::Information, outcome, Vec::new());
        assert_eq!(Counted::session(&phone(Outcome::Completed), Direction::Inbound).closing, Closing::Straks);
        assert_eq!(Counted::session(&phone(Outcome::Referred), Direction::Inbound).closing, Closing::Straks);
        assert_eq!(Counted::session(&phone(Outcome::FollowUpBooked), Direction::Inbound).closing, Closing::Hold);
        assert_eq!(Counted::session(&phone(Outcome::HandedOver), Direction::Inbound).closing, Closing::Hold);
        let email = session(Channel::Email, ContactKind::Information, Outcome::Completed, Vec::new());
        let counted = Counted::session(&email, Direction::Outbound);
        assert_eq!((counted.channel, counted.closing), ("EMLUD", Closing::Hold));
    }

    #[test]
    fn information_is_self_service_help_with_a_guide_and_guidance_without() {
        let with = session(Channel::Video, ContactKind::Information, Outcome::Completed, vec![run(1)]);
        let without = session(Channel::Video, ContactKind::Information, Outcome::Completed, Vec::new());
        assert_eq!(Counted::session(&with, Direction::Inbound).kind, KomhenType::Slvbtjn);
        assert_eq!(Counted::session(&without, Direction::Inbound).kind, KomhenType::Vejl);
        // Only a transaction has a form, and only when a step of the solution was done.
        assert_eq!(Counted::session(&with, Direction::Inbound).form, Form::Nej);
        let started = session(Channel::Counter, ContactKind::Transaction, Outcome::Abandoned, vec![run(0)]);
        assert_eq!(Counted::session(&started, Direction::Inbound).form, Form::Nej);
    }

    #[test]
    fn an_error_caused_contact_is_not_counted_as_misdirected() {
        let error = session(Channel::Phone, ContactKind::ErrorDriven, Outcome::Completed, Vec::new());
        assert_eq!(Counted::session(&error, Direction::Inbound).kind, KomhenType::Info);
    }

    fn event(channel: Channel, abandoned: bool, case_ref: Option<&str>, status: CaseStatus) -> ContactEvent {
        ContactEvent {
            id: uuid::Uuid::nil(),
            citizen_id: uuid::Uuid::nil(),
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).single().expect("time"),
            channel,
            direction: Direction::Inbound,
            authority: AuthorityId("udbetaling-danmark".into()),
            kle: None,
            case_ref: case_ref.map(str::to_owned),
            status,
            summary: String::new(),
            source: "udbetaling-danmark".into(),
            source_id: "1".into(),
            staff: None,
            abandoned,
            failure_demand: None,
        }
    }

    #[test]
    fn reported_contacts_count_a_finished_application_as_a_new_case_and_the_rest_as_information() {
        let submitted = Counted::event(&event(Channel::SelfService, false, None, CaseStatus::Open));
        assert_eq!((submitted.channel, submitted.kind, submitted.form), ("SLVBTJN", KomhenType::Opret, Form::Ja));
        let abandoned = Counted::event(&event(Channel::SelfService, true, None, CaseStatus::Open));
        assert_eq!((abandoned.kind, abandoned.form), (KomhenType::Vejl, Form::Nej));
        let about_case = Counted::event(&event(Channel::Phone, false, Some("UDK-1"), CaseStatus::Resolved));
        assert_eq!((about_case.kind, about_case.closing), (KomhenType::Info, Closing::Straks));
        let letter = Counted::event(&event(Channel::Letter, false, Some("UDK-1"), CaseStatus::Resolved));
        assert_eq!((letter.channel, letter.closing), ("PPRIND", Closing::Hold));
    }

    #[test]
    fn a_komhen_file_reads_back_from_latin_1_with_its_header_codes_and_times() {
        let mut counted = Counted::session(
            &session(Channel::Phone, ContactKind::Transaction, Outcome::Completed, vec![run(2)]),
            Direction::Inbound,
        );
        counted.unit = "Borgerservice Østerbro; Nørrebro".into();
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 9).and_then(|d| d.and_hms_opt(8, 5, 7)).expect("time");
        let end = start + Duration::seconds(754);
        let text =
            format!("{FILE_HEADER}\r\n{}\r\n", file_line("København", "42", &counted, start, end, "Skærmservice"));
        let bytes = crate::encoding::to_latin1(&text);
        assert!(
            bytes.contains(&0xD8) && bytes.contains(&0xF8) && bytes.contains(&0xE6),
            "Ø, ø and æ are one byte each"
        );
        let read = crate::encoding::from_latin1(&bytes);
        let mut lines = read.lines();
        assert_eq!(lines.next(), Some(FILE_HEADER));
        let fields: Vec<&str> = lines.next().expect("a row").split(';').collect();
        assert_eq!(fields.len(), FILE_HEADER.split(';').count(), "a ';' in a value does not add a column");
        assert_eq!(
            fields,
            [
                "København",
                "42",
                "Borgerservice Østerbro  Nørrebro",
                "23.05.01",
                "TLFIND",
                "OPRET",
                "STRAKS",
                "JA",
                "09-03-2026 00:00:00",
                "09-03-2026 08:05:07",
                "09-03-2026 08:17:41",
                "Skærmservice",
            ]
        );
        assert_eq!(crate::encoding::to_latin1("ő"), b"?", "beyond Latin-1 there is no byte to write");
    }
}
