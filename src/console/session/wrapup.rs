//! The wrap-up form: pre-filled from the guides run in the session so a finished walkthrough is logged in two
//! actions (open the wrap-up, log), and turned into the session record the outbox sends.

use chrono::{NaiveDate, Utc};

use super::ActiveSession;
use crate::domain::{
    ContactKind, DigitalReadiness, FailureReason, GuideRun, Language, NextStep, Outcome, is_safe_link,
};
use crate::guides::library::Library;
use crate::history::api::SessionInput;

/// One next step as staff edit it; the date is text until it is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NextStepDraft {
    pub(super) text: String,
    /// `YYYY-MM-DD`, or empty.
    pub(super) due: String,
    pub(super) url: String,
}

/// The wrap-up form.
#[derive(Clone, Debug, PartialEq)]
pub struct WrapUp {
    pub(super) outcome: Outcome,
    pub(super) kind: ContactKind,
    pub(super) summary: String,
    pub(super) next_steps: Vec<NextStepDraft>,
    pub(super) notes: String,
    pub(super) readiness: DigitalReadiness,
    pub(super) referral: Option<String>,
    /// Staff judged the contact unnecessary, and why; most contacts are not, so it starts empty.
    pub(super) failure: Option<FailureReason>,
    /// KOMHEN's "could the citizen have done this online?": not said unless staff say it.
    pub(super) could_self_serve: Option<bool>,
    /// Why the form cannot be logged yet, in the staff member's language.
    pub(super) problem: Option<String>,
    /// Put the keyboard on the log button when the form opens.
    pub(super) focus_log: bool,
    /// Being written to the journal.
    pub(super) saving: bool,
}

/// Why a wrap-up cannot be logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WrapProblem {
    NoSummary,
    BadDate,
    /// A next step's link is not `https:`, `tel:` or `mailto:`; it would be left off the receipt.
    UnsafeLink,
    NoReferral,
}

impl WrapUp {
    /// A form pre-filled from what happened: the outcome of the last guide end, its next steps in the citizen's
    /// language, a summary naming the guides, and the citizen's current readiness.
    #[must_use]
    pub fn prefilled(session: &ActiveSession, runs: &[GuideRun], library: Option<&Library>, staff: Language) -> Self {
        let citizen_lang = session.citizen_language(staff);
        let outcome = session.last_end.as_ref().map_or(Outcome::Completed, |(_, o)| *o);
        let guides: Vec<&str> =
            runs.iter().filter_map(|r| library.and_then(|l| l.guide(&r.guide)).map(|g| g.title.get(staff))).collect();
        let summary = match guides.as_slice() {
            [] => String::new(),
            titles => format!("{}: {}", titles.join(", "), outcome.label(staff)),
        };
        let next_steps = match (&session.last_end, library) {
            (Some((guide, outcome)), Some(library)) => end_next_steps(library, guide, *outcome, citizen_lang),
            _ => Vec::new(),
        };
        // A walkthrough of a self-service solution is something done for the citizen; a talk alone informs.
        let kind = if runs.is_empty() { ContactKind::Information } else { ContactKind::Transaction };
        Self {
            outcome,
            kind,
            summary,
            next_steps,
            notes: String::new(),
            readiness: session.citizen.as_ref().map_or(DigitalReadiness::Unknown, |c| c.profile.digital_readiness),
            referral: None,
            failure: None,
            could_self_serve: None,
            problem: None,
            focus_log: true,
            saving: false,
        }
    }

    /// The next steps as recorded, or what is wrong with one.
    pub fn checked_next_steps(&self) -> Result<Vec<NextStep>, WrapProblem> {
        self.next_steps
            .iter()
            .filter(|s| !s.text.trim().is_empty())
            .map(|s| {
                let due = match s.due.trim() {
                    "" => None,
                    text => Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| WrapProblem::BadDate)?),
                };
                let url = Some(s.url.trim().to_owned()).filter(|u| !u.is_empty());
                if url.as_deref().is_some_and(|u| !is_safe_link(u)) {
                    return Err(WrapProblem::UnsafeLink);
                }
                Ok(NextStep { text: s.text.trim().to_owned(), due, url })
            })
            .collect()
    }

    /// The session record to log, or what must be fixed first.
    pub fn to_input(&self, session: &ActiveSession, runs: Vec<GuideRun>) -> Result<SessionInput, WrapProblem> {
        if self.summary.trim().is_empty() {
            return Err(WrapProblem::NoSummary);
        }
        let referral = self.referral.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        if self.outcome == Outcome::Referred && referral.is_none() {
            return Err(WrapProblem::NoReferral);
        }
        Ok(SessionInput {
            citizen_id: session.citizen_id(),
            channel: session.channel,
            authority: session.authority.clone(),
            site: session.site.trim().to_owned(),
            started_at: session.started_at,
            ended_at: Utc::now().max(session.started_at),
            kle: session.kle.as_ref().map(|k| k.as_str().to_owned()),
            guides: runs,
            outcome: self.outcome,
            contact_kind: self.kind,
            summary: self.summary.trim().to_owned(),
            next_steps: self.checked_next_steps()?,
            notes: self.notes.trim().to_owned(),
            digital_readiness_after: Some(self.readiness).filter(|r| *r != DigitalReadiness::Unknown),
            referral,
            failure_demand: self.failure,
            could_self_serve: self.could_self_serve,
            group: None,
        })
    }
}

impl NextStepDraft {
    /// Whether the link typed is one the receipt will carry: empty, or `https:`, `tel:` or `mailto:`.
    #[must_use]
    pub fn link_is_safe(&self) -> bool {
        let url = self.url.trim();
        url.is_empty() || is_safe_link(url)
    }
}

/// The next steps a guide's end gives the citizen, in their language.
fn end_next_steps(library: &Library, guide: &str, outcome: Outcome, lang: Language) -> Vec<NextStepDraft> {
    let Some(guide) = library.guide(guide) else { return Vec::new() };
    let ends = guide.ends();
    ends.filter(|end| end.outcome == outcome)
        .take(1)
        .flat_map(|end| end.next_steps.iter())
        .map(|text| NextStepDraft { text: text.get(lang).to_owned(), ..NextStepDraft::default() })
        .collect()
}

/// Words that suggest health or criminal matters, which do not belong in a contact note.
const SENSITIVE_WORDS: [&str; 10] =
    ["diagnose", "sygdom", "misbrug", "psykisk", "depression", "kræft", "hiv", "straf", "diagnosis", "illness"];

/// Whether notes look like they hold what should not be written there: a CPR-like number, or health words.
#[must_use]
pub fn notes_look_sensitive(notes: &str) -> bool {
    let digits_run = notes
        .split(|c: char| !(c.is_ascii_digit() || c == '-'))
        .any(|word| word.chars().filter(char::is_ascii_digit).count() == 10);
    let lower = notes.to_lowercase();
    digits_run || SENSITIVE_WORDS.iter().any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_notes_are_noticed() {
        assert!(notes_look_sensitive("Borgerens cpr 070761-4285"));
        assert!(notes_look_sensitive("Har en psykisk lidelse"));
        assert!(!notes_look_sensitive("Borgeren ønsker papirkvittering næste gang"));
    }

    #[test]
    fn dates_of_next_steps_are_checked() {
        let mut form = WrapUp {
            outcome: Outcome::Completed,
            kind: ContactKind::Transaction,
            summary: "x".into(),
            next_steps: vec![NextStepDraft {
                text: "Tjek Digital Post".into(),
                due: "2026-12-01".into(),
                url: String::new(),
            }],
            notes: String::new(),
            readiness: DigitalReadiness::Unknown,
            referral: None,
            failure: None,
            could_self_serve: None,
            problem: None,
            focus_log: false,
            saving: false,
        };
        let steps = form.checked_next_steps().expect("valid");
        assert_eq!(steps[0].due, NaiveDate::from_ymd_opt(2026, 12, 1));
        form.next_steps[0].due = "1. december".into();
        assert_eq!(form.checked_next_steps(), Err(WrapProblem::BadDate));
    }

    #[test]
    fn a_next_step_link_must_be_https_tel_or_mailto() {
        let form = |url: &str| WrapUp {
            outcome: Outcome::Completed,
            kind: ContactKind::Transaction,
            summary: "x".into(),
            next_steps: vec![NextStepDraft { text: "Læs brevet".into(), due: String::new(), url: url.into() }],
            notes: String::new(),
            readiness: DigitalReadiness::Unknown,
            referral: None,
            failure: None,
            could_self_serve: None,
            problem: None,
            focus_log: false,
            saving: false,
        };
        for url in ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "file:///etc/passwd", "http://borger.dk/", "data:,x"]
        {
            let form = form(url);
            assert!(!form.next_steps[0].link_is_safe(), "{url}");
            assert_eq!(form.checked_next_steps(), Err(WrapProblem::UnsafeLink), "{url}");
        }
        for url in ["", "  https://www.borger.dk/flytning  ", "tel:+4533663366", "mailto:x@kk.dk"] {
            let form = form(url);
            assert!(form.next_steps[0].link_is_safe(), "{url}");
            let steps = form.checked_next_steps().expect("a safe link");
            assert_eq!(steps[0].url.as_deref(), Some(url.trim()).filter(|u| !u.is_empty()));
        }
    }
}
