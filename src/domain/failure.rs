//! Failure demand: contacts caused by a failure to do something, or to do it right, for the citizen. Staff judge
//! each contact with a reason from a short list; it is kept apart from KOMHEN's `FEJL` (misdirected). And
//! *tilbageløb*: a self-service attempt the citizen gave up on, followed by an assisted contact on the same matter.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::contact::ContactEvent;
use super::kle::KleTopic;
use super::language::{Language, pick};

/// Why a contact should not have been needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    /// The citizen asks how far their case has come.
    ChasingProgress,
    /// A letter from us was not understood.
    LetterNotUnderstood,
    /// What they needed to know should have been online.
    ShouldHaveBeenOnline,
    /// The self-service solution failed or could not be finished.
    SelfServiceFailed,
    Other,
}

impl FailureReason {
    pub const ALL: [Self; 5] = [
        Self::ChasingProgress,
        Self::LetterNotUnderstood,
        Self::ShouldHaveBeenOnline,
        Self::SelfServiceFailed,
        Self::Other,
    ];

    /// The wire code (`chasing_progress`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::ChasingProgress => "chasing_progress",
            Self::LetterNotUnderstood => "letter_not_understood",
            Self::ShouldHaveBeenOnline => "should_have_been_online",
            Self::SelfServiceFailed => "self_service_failed",
            Self::Other => "other",
        }
    }

    /// The words staff choose from.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::ChasingProgress => pick(lang, "Rykker for svar på sin sag", "Chasing progress on a case"),
            Self::LetterNotUnderstood => {
                pick(lang, "Forstod ikke et brev fra os", "Did not understand a letter from us")
            }
            Self::ShouldHaveBeenOnline => {
                pick(lang, "Oplysningen burde have været på nettet", "The information should have been online")
            }
            Self::SelfServiceFailed => pick(
                lang,
                "Selvbetjeningen fejlede eller kunne ikke gøres færdig",
                "The self-service solution failed or could not be finished",
            ),
            Self::Other => pick(lang, "Andet", "Other"),
        }
    }
}

/// How long before an assisted contact a given-up self-service attempt still counts as its cause.
pub const RETURN_WINDOW_DAYS: i64 = 14;

/// Whether `attempt` is a self-service attempt the citizen gave up on, in the window before an assisted contact
/// at `assisted_at` on the same KLE group as `assisted_kle` — a *tilbageløb* to the solution the attempt was in.
#[must_use]
pub fn is_return(attempt: &ContactEvent, assisted_at: DateTime<Utc>, assisted_kle: &KleTopic) -> bool {
    let gave_up = attempt.abandoned && attempt.channel == Channel::SelfService;
    let before = attempt.occurred_at <= assisted_at;
    let recent = assisted_at - attempt.occurred_at <= Duration::days(RETURN_WINDOW_DAYS);
    let same_matter = attempt.kle.as_ref().is_some_and(|kle| kle.group() == assisted_kle.group());
    gave_up && before && recent && same_matter
}

/// KOMHEN's "did the citizen try online first?", from the history: a given-up self-service attempt on the same
/// KLE group in the window before the contact.
#[must_use]
pub fn tried_online_first(history: &[ContactEvent], at: DateTime<Utc>, kle: &KleTopic) -> bool {
    history.iter().any(|event| is_return(event, at, kle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuthorityId, CaseStatus, Direction, KleCatalog};
    use chrono::TimeZone;

    fn topic(number: &str) -> KleTopic {
        KleCatalog::builtin().topic(number).expect("a KLE topic")
    }

    fn attempt(days_before: i64, kle: &str, abandoned: bool) -> ContactEvent {
        ContactEvent {
            id: uuid::Uuid::nil(),
            citizen_id: uuid::Uuid::nil(),
            occurred_at: assisted_at() - Duration::days(days_before),
            channel: Channel::SelfService,
            direction: Direction::Inbound,
            authority: AuthorityId("udbetaling-danmark".into()),
            kle: Some(topic(kle)),
            case_ref: None,
            status: CaseStatus::Open,
            summary: String::new(),
            source: "boligstoette".into(),
            source_id: "1".into(),
            staff: None,
            abandoned,
            failure_demand: None,
        }
    }

    fn assisted_at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).single().expect("time")
    }

    #[test]
    fn a_given_up_attempt_on_the_same_matter_within_a_fortnight_is_a_return() {
        let housing = topic("32.06.00");
        assert!(is_return(&attempt(3, "32.06.00", true), assisted_at(), &housing));
        assert!(is_return(&attempt(14, "32.06.00", true), assisted_at(), &housing), "the 14th day still counts");
        assert!(!is_return(&attempt(20, "32.06.00", true), assisted_at(), &housing), "20 days before is too long");
        assert!(!is_return(&attempt(3, "23.05.01", true), assisted_at(), &housing), "another matter");
        assert!(!is_return(&attempt(3, "32.06.00", false), assisted_at(), &housing), "finished, not given up");
        assert!(!is_return(&attempt(-1, "32.06.00", true), assisted_at(), &housing), "after the contact");
    }

    #[test]
    fn the_same_kle_group_is_the_same_matter() {
        let moving_abroad = topic("23.05.12");
        assert!(tried_online_first(&[attempt(2, "23.05.10", true)], assisted_at(), &moving_abroad));
        assert!(!tried_online_first(&[attempt(2, "23.02.00", true)], assisted_at(), &moving_abroad));
        assert!(!tried_online_first(&[], assisted_at(), &moving_abroad));
    }

    #[test]
    fn every_reason_has_a_code_and_words_in_both_languages() {
        for reason in FailureReason::ALL {
            let json = serde_json::to_string(&reason).expect("serialise");
            assert_eq!(json, format!("\"{}\"", reason.code()));
            assert!(!reason.label(Language::Da).is_empty() && !reason.label(Language::En).is_empty());
        }
    }
}
