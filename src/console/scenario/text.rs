//! The strings of practice scenarios in the console, in Danish and English. As in `i18n`, a string missing in
//! either language is a compile error. The feedback's own messages come with it, in both languages.

use super::super::i18n::fill;
use super::ScenarioProblem;
use crate::domain::Language;
use crate::history::client::ClientError;

/// Scenario strings in one language.
#[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
pub struct ScenarioText {
    pub open_button: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub loading: &'static str,
    pub failed: &'static str,
    pub none: &'static str,
    pub broken: &'static str,
    pub citizen: &'static str,
    pub task: &'static str,
    pub start: &'static str,
    pub running: &'static str,
    pub finding: &'static str,
    pub says: &'static str,
    pub translation: &'static str,
    pub stop: &'static str,
    pub session_active: &'static str,
    pub not_in_store: &'static str,
    pub lookup_failed: &'static str,
    pub profile_failed: &'static str,
    pub feedback_title: &'static str,
    pub all_good: &'static str,
    pub not_yet: &'static str,
    pub advice: &'static str,
    pub try_again: &'static str,
    pub close: &'static str,
}

const DA: ScenarioText = ScenarioText {
    open_button: "Øvelser",
    title: "Øvelser",
    intro: "Vælg en øvelse. Borgeren er fiktiv. Betjen borgeren som ved en rigtig henvendelse: find guiden, marker \
            hvem der gjorde hvert trin, afslut og log. Så får du feedback.",
    loading: "Henter øvelser …",
    failed: "Øvelserne kunne ikke læses: {}",
    none: "Der er ingen øvelser.",
    broken: "{} øvelser har fejl og er udeladt (se guides check).",
    citizen: "Borger",
    task: "Opgave",
    start: "▶ Start øvelsen: {}",
    running: "Øvelse: {}",
    finding: "Finder borgeren …",
    says: "Borgeren siger",
    translation: "Oversat",
    stop: "Stop øvelsen",
    session_active: "Afslut eller kassér den igangværende henvendelse, før du starter en øvelse.",
    not_in_store: "Øvelsens borger findes ikke i historikken. De fiktive øvelsesborgere skal lægges ind først \
                   (demo-data --scenarios).",
    lookup_failed: "Borgeren kunne ikke slås op: {}",
    profile_failed: "Borgerens oplysninger kunne ikke hentes: {}",
    feedback_title: "Feedback på øvelsen",
    all_good: "Alt i orden – godt klaret!",
    not_yet: "Ikke helt endnu – se punkterne markeret med ✖.",
    advice: "Gode råd",
    try_again: "Prøv igen",
    close: "Luk",
};

const EN: ScenarioText = ScenarioText {
    open_button: "Scenarios",
    title: "Practice scenarios",
    intro: "Choose a scenario. The citizen is fictitious. Serve them as in a real session: find the guide, mark who \
            did each step, wrap up and log. Then you get feedback.",
    loading: "Loading scenarios …",
    failed: "The scenarios could not be read: {}",
    none: "There are no scenarios.",
    broken: "{} scenarios have errors and are left out (see guides check).",
    citizen: "Citizen",
    task: "Your task",
    start: "▶ Start scenario: {}",
    running: "Scenario: {}",
    finding: "Finding the citizen …",
    says: "The citizen says",
    translation: "Translation",
    stop: "Stop the scenario",
    session_active: "Finish or discard the session in progress before starting a scenario.",
    not_in_store: "The scenario's citizen is not in the history. The fictitious practice citizens must be added \
                   first (demo-data --scenarios).",
    lookup_failed: "The citizen could not be looked up: {}",
    profile_failed: "The citizen's details could not be fetched: {}",
    feedback_title: "Feedback on the scenario",
    all_good: "All good – well done!",
    not_yet: "Not quite yet – look at the points marked ✖.",
    advice: "Advice",
    try_again: "Try again",
    close: "Close",
};

/// The scenario strings of a language.
#[must_use]
pub fn scenario_text(lang: Language) -> &'static ScenarioText {
    match lang {
        Language::Da => &DA,
        Language::En => &EN,
    }
}

impl ScenarioText {
    /// Why a scenario could not start; `describe` words a service error in the same language.
    #[must_use]
    pub fn problem(&self, problem: &ScenarioProblem, describe: impl Fn(&ClientError) -> String) -> String {
        match problem {
            ScenarioProblem::SessionActive => self.session_active.to_owned(),
            ScenarioProblem::NotInStore => self.not_in_store.to_owned(),
            ScenarioProblem::Lookup(error) => fill(self.lookup_failed, &[&describe(error)]),
            ScenarioProblem::Profile(error) => fill(self.profile_failed, &[&describe(error)]),
        }
    }
}
