//! The strings of practice scenarios in the console, in Danish and English. As in `i18n`, a string missing in
//! either language is a compile error. The feedback's own messages come with it, in both languages.

use super::super::i18n::fill;
use super::ScenarioProblem;
use crate::domain::Language;
use crate::history::client::ClientError;

crate::domain::language::text_table! {
    /// Scenario strings in one language.
    #[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
    pub struct ScenarioText {
        open_button,
        title,
        intro,
        loading,
        failed,
        none,
        broken,
        citizen,
        task,
        minutes,
        start,
        running,
        finding,
        says,
        translation,
        stop,
        session_active,
        not_in_store,
        lookup_failed,
        profile_failed,
        feedback_title,
        all_good,
        not_yet,
        check_passed,
        check_failed,
        check_remark,
        advice,
        try_again,
        close,
    }
}

const DA: ScenarioText = ScenarioText {
    open_button: "Øvelser",
    title: "Øvelser",
    intro: "Vælg en øvelse. Borgeren er fiktiv. Betjen borgeren som ved en rigtig henvendelse: find vejledningen, marker \
            hvem der gjorde hvert trin, afslut henvendelsen og log den. Så får du feedback.",
    loading: "Henter øvelser …",
    failed: "Øvelserne kunne ikke læses: {error}",
    none: "Der er ingen øvelser.",
    broken: "{count} øvelser har fejl og er udeladt (se guides check).",
    citizen: "Borger",
    task: "Opgave",
    minutes: "ca. {minutes} min.",
    start: "▶ Start øvelsen: {title}",
    running: "Øvelse: {title}",
    finding: "Finder borgeren …",
    says: "Borgeren siger",
    translation: "Oversat",
    stop: "Stop øvelsen",
    session_active: "Afslut eller kassér den igangværende henvendelse, før du starter en øvelse.",
    not_in_store: "Øvelsens borger findes ikke i historikken. De fiktive øvelsesborgere skal lægges ind først \
                   (demo-data --scenarios).",
    lookup_failed: "Borgeren kunne ikke slås op: {error}",
    profile_failed: "Borgerens oplysninger kunne ikke hentes: {error}",
    feedback_title: "Feedback på øvelsen",
    all_good: "Alt i orden – godt klaret!",
    not_yet: "Ikke helt endnu – se punkterne markeret „Ret“.",
    check_passed: "I orden",
    check_failed: "Ret",
    check_remark: "Bemærk",
    advice: "Gode råd",
    try_again: "Prøv igen",
    close: "Luk",
};

const EN: ScenarioText = ScenarioText {
    open_button: "Scenarios",
    title: "Practice scenarios",
    intro: "Choose a scenario. The citizen is fictitious. Serve them as in a real session: find the guide, mark who \
            did each step, finish the session and log it. Then you get feedback.",
    loading: "Loading scenarios …",
    failed: "The scenarios could not be read: {error}",
    none: "There are no scenarios.",
    broken: "{count} scenarios have errors and are left out (see guides check).",
    citizen: "Citizen",
    task: "Your task",
    minutes: "about {minutes} min",
    start: "▶ Start scenario: {title}",
    running: "Scenario: {title}",
    finding: "Finding the citizen …",
    says: "The citizen says",
    translation: "Translation",
    stop: "Stop the scenario",
    session_active: "Finish or discard the session in progress before starting a scenario.",
    not_in_store: "The scenario's citizen is not in the history. The fictitious practice citizens must be added \
                   first (demo-data --scenarios).",
    lookup_failed: "The citizen could not be looked up: {error}",
    profile_failed: "The citizen's details could not be fetched: {error}",
    feedback_title: "Feedback on the scenario",
    all_good: "All good – well done!",
    not_yet: "Not quite yet – look at the points marked “To fix”.",
    check_passed: "Right",
    check_failed: "To fix",
    check_remark: "Note",
    advice: "Advice",
    try_again: "Try again",
    close: "Close",
};

/// The scenario strings of a language.
#[must_use]
pub fn scenario_text(lang: Language) -> &'static ScenarioText {
    crate::domain::language::by_language(lang, &DA, &EN)
}

impl ScenarioText {
    /// Why a scenario could not start; `describe` words a service error in the same language.
    #[must_use]
    pub fn problem(&self, problem: &ScenarioProblem, describe: impl Fn(&ClientError) -> String) -> String {
        match problem {
            ScenarioProblem::SessionActive => self.session_active.to_owned(),
            ScenarioProblem::NotInStore => self.not_in_store.to_owned(),
            ScenarioProblem::Lookup(error) => fill(self.lookup_failed, &[("error", &describe(error))]),
            ScenarioProblem::Profile(error) => fill(self.profile_failed, &[("error", &describe(error))]),
        }
    }
}
