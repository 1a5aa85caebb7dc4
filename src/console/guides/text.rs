//! The strings of the guide library, the walkthrough and the citizen screen, in Danish and English. As in `i18n`, a string missing in either language is a compile
//! error; templates hold named placeholders filled by `i18n::fill`.

use super::super::i18n::fill;
use crate::domain::Language;
use crate::guides::runner::RunError;

crate::domain::language::text_table! {
    /// Strings of the guide library in one language.
    #[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
    pub struct GuidesText {
        kle_topics,
        run_unknown_guide,
        run_unknown_step,
        run_needs_choice,
        run_no_such_option,
        run_cannot_skip,
        run_no_reason,
        run_finished,
        run_at_start,
        guides_title,
        guides_search,
        guides_search_hint,
        guides_topic,
        guides_all_topics,
        guides_none,
        guides_loading,
        guides_failed,
        guides_broken,
        suggestions,
        reason_abandoned,
        reason_open_case,
        reason_recent,
        start_guide,
        open_solution,
        step_n,
        in_linked,
        prerequisites,
        say,
        screen,
        tips,
        pitfalls,
        checks,
        back,
        next,
        finish,
        skip,
        skip_reason,
        skip_confirm,
        stop_guide,
        outcome,
        next_steps,
        close_guide,
        citizen_view,
        citizen_view_title,
        mitid_notice_title,
        mitid_notice_body,
        mitid_citizen,
        login_mitid,
        login_booking,
        login_in_person,
        login_none,
        present,
    }
}

pub const DA: GuidesText = GuidesText {
    run_unknown_guide: "Vejledningen {guide} findes ikke (længere).",
    run_unknown_step: "Vejledningen {guide} har intet trin {step}. Vejledningen er måske ændret; start den igen.",
    run_needs_choice: "Trinnet stiller et spørgsmål: vælg et af svarene.",
    run_no_such_option: "Trinnet har intet svar nummer {number}.",
    run_cannot_skip: "Kun et trin med ét fast næste trin kan springes over.",
    run_no_reason: "Skriv, hvorfor du springer trinnet over.",
    run_finished: "Vejledningen er afsluttet.",
    run_at_start: "Det er det første trin.",
    guides_title: "📖 Vejledninger",
    guides_search: "Søg i vejledninger",
    guides_search_hint: "fx flytning eller MitID",
    guides_topic: "KLE-emne",
    guides_all_topics: "Alle emner",
    guides_none: "Ingen vejledninger passer til søgningen",
    guides_loading: "Henter vejledninger …",
    guides_failed: "Vejledningerne kunne ikke læses: {error}",
    guides_broken: "{count} fejl i vejledningsfilerne (de berørte vejledninger er ikke indlæst):",
    suggestions: "Forslag ud fra borgerens historik",
    reason_abandoned: "Afbrudt selvbetjening {date}: {summary}",
    reason_open_case: "Åben sag {case} hos {authority}",
    reason_recent: "Henvendelse for nylig ({channel}, {date})",
    start_guide: "Start",
    open_solution: "🌐 Åbn løsningen",
    step_n: "Trin {step}",
    in_linked: "i vejledningen: {guide}",
    prerequisites: "Det skal borgeren have klar",
    say: "Sig til borgeren",
    screen: "Borgeren ser",
    tips: "Gode råd",
    pitfalls: "Faldgruber",
    checks: "Tjek",
    back: "◀ Tilbage",
    next: "Næste ▶",
    finish: "Afslut vejledningen ✔",
    skip: "Spring over …",
    skip_reason: "Hvorfor springes trinnet over?",
    skip_confirm: "Spring trinnet over",
    stop_guide: "Stop vejledningen",
    outcome: "Resultat",
    next_steps: "Borgeren skal nu",
    close_guide: "Luk vejledningen",
    citizen_view: "🖥 Borgerskærm",
    citizen_view_title: "Medbetjening — borgerskærm",
    mitid_notice_title: "Kig væk — borgeren taster selv sit MitID",
    mitid_notice_body: "Personoplysninger er skjult, mens borgeren bruger MitID. Du må aldrig se, kende eller taste borgerens MitID. Gå videre, når borgeren er færdig.",
    mitid_citizen: "Log selv ind med dit MitID. Medarbejderen kigger væk imens.",
    login_mitid: "Kræver MitID",
    login_booking: "Kræver tidsbestilling",
    login_in_person: "Kræver fremmøde",
    login_none: "Uden login",
    present: "Præsentér",
    kle_topics: "KLE-emne {topics}",
};

pub const EN: GuidesText = GuidesText {
    run_unknown_guide: "The guide {guide} does not exist (any more).",
    run_unknown_step: "The guide {guide} has no step {step}. It may have changed; start it again.",
    run_needs_choice: "This step asks a question: choose one of the answers.",
    run_no_such_option: "This step has no answer number {number}.",
    run_cannot_skip: "Only a step with one plain next step can be skipped.",
    run_no_reason: "Enter why you are skipping this step.",
    run_finished: "The guide has ended.",
    run_at_start: "This is the first step.",
    guides_title: "📖 Guides",
    guides_search: "Search guides",
    guides_search_hint: "e.g. moving or MitID",
    guides_topic: "KLE topic",
    guides_all_topics: "All topics",
    guides_none: "No guide matches the search",
    guides_loading: "Loading guides …",
    guides_failed: "The guides could not be read: {error}",
    guides_broken: "{count} problems in the guide files (the guides concerned are not loaded):",
    suggestions: "Suggested from the citizen's history",
    reason_abandoned: "Abandoned self-service {date}: {summary}",
    reason_open_case: "Open case {case} at {authority}",
    reason_recent: "Recent contact ({channel}, {date})",
    start_guide: "Start",
    open_solution: "🌐 Open the solution",
    step_n: "Step {step}",
    in_linked: "in the guide: {guide}",
    prerequisites: "What the citizen must have ready",
    say: "Say to the citizen",
    screen: "The citizen sees",
    tips: "Tips",
    pitfalls: "Pitfalls",
    checks: "Check",
    back: "◀ Back",
    next: "Next ▶",
    finish: "Finish the guide ✔",
    skip: "Skip …",
    skip_reason: "Why are you skipping this step?",
    skip_confirm: "Skip the step",
    stop_guide: "Stop the guide",
    outcome: "Outcome",
    next_steps: "The citizen must now",
    close_guide: "Close the guide",
    citizen_view: "🖥 Citizen screen",
    citizen_view_title: "Medbetjening — citizen screen",
    mitid_notice_title: "Look away: the citizen is logging in with MitID",
    mitid_notice_body: "Personal data is hidden while the citizen uses MitID. You must never see, know or type the citizen's MitID. Continue when the citizen has finished.",
    mitid_citizen: "Log in with your MitID yourself. The staff member will look away while you do.",
    login_mitid: "Requires MitID",
    login_booking: "Requires a booking",
    login_in_person: "Requires coming in person",
    login_none: "No login needed",
    present: "Present",
    kle_topics: "KLE topic {topics}",
};

/// The strings of a language.
#[must_use]
pub fn guides_text(lang: Language) -> &'static GuidesText {
    crate::domain::language::by_language(lang, &DA, &EN)
}

impl GuidesText {
    /// Why the walkthrough refused a move.
    #[must_use]
    pub fn run_error(&self, error: &RunError) -> String {
        match error {
            RunError::UnknownGuide(guide) => fill(self.run_unknown_guide, &[("guide", guide)]),
            RunError::UnknownStep { guide, step } => fill(self.run_unknown_step, &[("guide", guide), ("step", step)]),
            RunError::NeedsChoice => self.run_needs_choice.to_owned(),
            RunError::NoSuchOption(number) => fill(self.run_no_such_option, &[("number", &(number + 1).to_string())]),
            RunError::CannotSkip => self.run_cannot_skip.to_owned(),
            RunError::NoReason => self.run_no_reason.to_owned(),
            RunError::Finished => self.run_finished.to_owned(),
            RunError::AtStart => self.run_at_start.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_move_reads_in_danish() {
        assert_eq!(DA.run_error(&RunError::AtStart), "Det er det første trin.");
        assert_eq!(EN.run_error(&RunError::AtStart), "This is the first step.");
        assert!(DA.run_error(&RunError::NoSuchOption(2)).contains("nummer 3"));
    }
}
