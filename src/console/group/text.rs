//! The strings of the group-session window, in Danish and English. As in `i18n`, a string missing in either
//! language is a compile error.

use super::super::i18n::{cpr_reason, fill};
use super::super::session::text::session_text;
use super::csv::{ImportError, RowProblem};
use super::{FormProblem, GroupProblem};
use crate::domain::{CprError, Language};
use crate::history::client::ClientError;

crate::domain::language::text_table! {
    /// Group-session strings in one language.
    #[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
    pub struct GroupText {
        open_button,
        title,
        intro,
        topic,
        guides,
        guides_loading,
        site,
        minutes,
        minutes_suffix,
        participants,
        anonymous_count,
        identified,
        identified_hint,
        none_identified,
        cpr,
        add,
        remove,
        import,
        import_title,
        import_done,
        looking_up,
        line,
        log,
        saving,
        close,
        logged,
        /// The session's summary: topic, participants.
        summary,
        no_topic,
        no_site,
        no_duration,
        no_participants,
        too_few_participants,
        too_many_identified,
        still_looking,
        outbox_unavailable,
        column_count,
        invalid_cpr,
        /// A 9-digit CPR number in a file: a spreadsheet took it for a number. Never names the digits.
        leading_zero_dropped,
        consent_without_cpr,
        consent_without_name,
        unknown_consent,
        duplicate_of,
        unreadable_row,
        not_found,
        ambiguous,
        name_mismatch,
        already_added,
        lookup_failed,
        file_unreadable,
        file_empty,
        no_consent_column,
        no_name_column,
        /// Names the limit in MB.
        file_too_large,
        /// Names the limit in rows.
        too_many_rows,
    }
    other {
        /// Whose language these are, for the strings shared with the rest of the console.
        lang: Language,
    }
}

pub const DA: GroupText = GroupText {
    lang: Language::Da,
    open_button: "👥 Gruppeforløb",
    title: "Gruppeforløb",
    intro: "Log et forløb med flere borgere på én gang, fx MitID-appen for seniorer på biblioteket.",
    topic: "KLE-emne",
    guides: "Vejledninger brugt",
    guides_loading: "Vejledningerne indlæses …",
    site: "Sted",
    minutes: "Varighed",
    minutes_suffix: " min",
    participants: "Antal deltagere",
    anonymous_count: "Heraf anonyme deltagere: {count}",
    identified: "Identificerede deltagere ({count})",
    identified_hint: "Kun deltagere, der har sagt ja til at få forløbet i deres historik.",
    none_identified: "Ingen identificerede deltagere endnu.",
    cpr: "CPR-nummer på deltager",
    add: "Tilføj",
    remove: "Fjern {name}",
    import: "Importér CSV …",
    import_title: "Vælg deltagerliste (CSV)",
    import_done: "Deltagerliste læst: {consenting} med samtykke, {anonymous} anonyme.",
    looking_up: "Slår {count} op …",
    line: "linje {line}: {problem}",
    log: "✔ Log gruppeforløb",
    saving: "Gemmer …",
    close: "Luk",
    logged: "Gruppeforløbet er logget: {participants} deltagere, heraf {identified} identificeret.",
    summary: "Gruppeforløb: {topic} ({participants} deltagere)",
    no_topic: "Vælg et emne for forløbet.",
    no_site: "Skriv, hvor forløbet blev holdt.",
    no_duration: "Angiv forløbets varighed i minutter.",
    no_participants: "Angiv antal deltagere (1–500).",
    too_few_participants: "Antal deltagere skal mindst være antallet af identificerede.",
    too_many_identified: "Højst {max} deltagere kan identificeres i ét forløb.",
    still_looking: "Vent, til alle deltagere er slået op.",
    outbox_unavailable: "Forløbet kan ikke logges, før udbakken kan åbnes:",
    column_count: "rækken har {found} felter, overskriften {expected}",
    invalid_cpr: "CPR-nummeret er ugyldigt: {reason}",
    leading_zero_dropped: "CPR-nummeret har 9 cifre: regnearket har nok fjernet et 0 forrest; formatér kolonnen som \
                           tekst, og eksportér igen",
    consent_without_cpr: "samtykke, men intet CPR-nummer",
    consent_without_name: "samtykke og CPR-nummer, men intet navn at kontrollere nummeret med",
    unknown_consent: "samtykke skal være ja eller nej",
    duplicate_of: "samme CPR-nummer som linje {line}",
    unreadable_row: "rækken kan ikke læses (tjek anførselstegn)",
    not_found: "ingen borger har det CPR-nummer",
    ambiguous: "CPR-nummeret passer på flere borgere",
    name_mismatch: "navnet i filen passer ikke til CPR-nummeret",
    already_added: "deltageren er allerede tilføjet",
    lookup_failed: "opslaget mislykkedes: {error}",
    file_unreadable: "Filen kan ikke læses: {error}",
    file_empty: "Filen er tom.",
    no_consent_column: "Filen mangler en kolonne med overskriften samtykke (ja/nej).",
    no_name_column: "Filen har CPR-numre, men ingen kolonne med overskriften navn. Uden navne kan et forkert tastet \
                     CPR-nummer ikke opdages, så ingen er slået op.",
    file_too_large: "Filen er for stor: en deltagerliste må højst fylde {megabytes} MB. Ingen er slået op.",
    too_many_rows: "Filen har flere end {max} rækker, og så mange deltagere kan et gruppeforløb ikke have. Ingen er slået \
                    op.",
};

pub const EN: GroupText = GroupText {
    lang: Language::En,
    open_button: "👥 Group session",
    title: "Group session",
    intro: "Log a session with several citizens at once, e.g. the MitID app for seniors at the library.",
    topic: "KLE topic",
    guides: "Guides used",
    guides_loading: "Loading the guides …",
    site: "Site",
    minutes: "Duration",
    minutes_suffix: " min",
    participants: "Number of participants",
    anonymous_count: "Of these, anonymous participants: {count}",
    identified: "Identified participants ({count})",
    identified_hint: "Only participants who agreed to have the session in their history.",
    none_identified: "No identified participants yet.",
    cpr: "Participant's CPR number",
    add: "Add",
    remove: "Remove {name}",
    import: "Import CSV …",
    import_title: "Choose a participant list (CSV)",
    import_done: "Participant list read: {consenting} with consent, {anonymous} anonymous.",
    looking_up: "Looking up {count} …",
    line: "line {line}: {problem}",
    log: "✔ Log group session",
    saving: "Saving …",
    close: "Close",
    logged: "The group session is logged: {participants} participants, {identified} of them identified.",
    summary: "Group session: {topic} ({participants} participants)",
    no_topic: "Choose a topic for the session.",
    no_site: "Enter where the session was held.",
    no_duration: "Enter the session's duration in minutes.",
    no_participants: "Enter the number of participants (1–500).",
    too_few_participants: "The number of participants must be at least the number identified.",
    too_many_identified: "At most {max} participants can be identified in one session.",
    still_looking: "Wait until every participant has been looked up.",
    outbox_unavailable: "The session cannot be logged until the outbox can be opened:",
    column_count: "the row has {found} fields, the header {expected}",
    invalid_cpr: "the CPR number is not valid: {reason}",
    leading_zero_dropped: "the CPR number has 9 digits: the spreadsheet probably removed a leading 0; format the \
                           column as text and export again",
    consent_without_cpr: "consent, but no CPR number",
    consent_without_name: "consent and a CPR number, but no name to check the number against",
    unknown_consent: "consent must be yes or no",
    duplicate_of: "the same CPR number as line {line}",
    unreadable_row: "the row cannot be read (check the quotes)",
    not_found: "no citizen has that CPR number",
    ambiguous: "the CPR number matches several citizens",
    name_mismatch: "the name in the file does not match the CPR number",
    already_added: "the participant is already added",
    lookup_failed: "the lookup failed: {error}",
    file_unreadable: "The file cannot be read: {error}",
    file_empty: "The file is empty.",
    no_consent_column: "The file has no column headed consent (yes/no).",
    no_name_column: "The file has CPR numbers but no column headed name. Without names a mistyped CPR number cannot be \
                     caught, so nobody was looked up.",
    file_too_large: "The file is too large: a participant list may be at most {megabytes} MB. Nobody was looked up.",
    too_many_rows: "The file has more than {max} rows, more participants than a group session can have. Nobody was \
                    looked up.",
};

/// The group-session strings for a language.
#[must_use]
pub fn group_text(lang: Language) -> &'static GroupText {
    crate::domain::language::by_language(lang, &DA, &EN)
}

impl GroupText {
    /// Why a CPR number is not one.
    #[must_use]
    pub fn cpr_reason(&self, error: &CprError) -> String {
        cpr_reason(self.lang, error)
    }

    /// Why a row or a participant was left out; `describe` says a failed call in the staff member's words.
    #[must_use]
    pub fn problem(&self, problem: &GroupProblem, describe: impl Fn(&ClientError) -> String) -> String {
        match problem {
            GroupProblem::Row(row) => self.row_problem(row),
            GroupProblem::InvalidCpr(error) => fill(self.invalid_cpr, &[("reason", &self.cpr_reason(error))]),
            GroupProblem::NotFound => self.not_found.to_owned(),
            GroupProblem::Ambiguous => self.ambiguous.to_owned(),
            GroupProblem::NameMismatch => self.name_mismatch.to_owned(),
            GroupProblem::AlreadyAdded => self.already_added.to_owned(),
            GroupProblem::TooMany => {
                fill(self.too_many_identified, &[("max", &crate::domain::GroupPart::MAX_LINKED.to_string())])
            }
            GroupProblem::Lookup(error) => fill(self.lookup_failed, &[("error", &describe(error))]),
        }
    }

    fn row_problem(&self, problem: &RowProblem) -> String {
        match problem {
            RowProblem::ColumnCount { found, expected } => {
                fill(self.column_count, &[("found", &found.to_string()), ("expected", &expected.to_string())])
            }
            RowProblem::InvalidCpr(error) => fill(self.invalid_cpr, &[("reason", &self.cpr_reason(error))]),
            RowProblem::LeadingZeroDropped => self.leading_zero_dropped.to_owned(),
            RowProblem::ConsentWithoutCpr => self.consent_without_cpr.to_owned(),
            RowProblem::ConsentWithoutName => self.consent_without_name.to_owned(),
            RowProblem::UnknownConsent => self.unknown_consent.to_owned(),
            RowProblem::DuplicateOf(line) => fill(self.duplicate_of, &[("line", &line.to_string())]),
            RowProblem::Unreadable => self.unreadable_row.to_owned(),
        }
    }

    /// Why a whole file could not be imported.
    #[must_use]
    pub fn import_error(&self, error: &ImportError) -> String {
        match error {
            ImportError::Io(detail) => fill(self.file_unreadable, &[("error", detail)]),
            ImportError::Empty => self.file_empty.to_owned(),
            ImportError::NoConsentColumn => self.no_consent_column.to_owned(),
            ImportError::NoNameColumn => self.no_name_column.to_owned(),
            ImportError::TooLarge { limit } => {
                fill(self.file_too_large, &[("megabytes", &(limit / (1024 * 1024)).to_string())])
            }
            ImportError::TooManyRows { limit } => fill(self.too_many_rows, &[("max", &limit.to_string())]),
        }
    }

    /// Why the form cannot be logged yet.
    #[must_use]
    pub fn form_problem(&self, problem: &FormProblem) -> String {
        match problem {
            FormProblem::NoTopic => self.no_topic.to_owned(),
            FormProblem::NoSite => self.no_site.to_owned(),
            FormProblem::NoDuration => self.no_duration.to_owned(),
            FormProblem::NoParticipants => self.no_participants.to_owned(),
            FormProblem::TooFewParticipants => self.too_few_participants.to_owned(),
            FormProblem::TooManyIdentified => {
                fill(self.too_many_identified, &[("max", &crate::domain::GroupPart::MAX_LINKED.to_string())])
            }
            FormProblem::StillLooking => self.still_looking.to_owned(),
            FormProblem::OutboxUnavailable(reason) => {
                let reason = reason.as_ref().map(|r| session_text(self.lang).failure(r)).unwrap_or_default();
                format!("{} {reason}", self.outbox_unavailable)
            }
            FormProblem::Journal(reason) => session_text(self.lang).failure(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cpr_reason_reads_as_a_clerk_would_say_it() {
        assert_eq!(DA.cpr_reason(&CprError::WrongLength { found: 9 }), "et CPR-nummer har 10 cifre, dette har 9");
    }

    #[test]
    fn a_dropped_leading_zero_says_what_to_do_in_both_languages() {
        let problem = GroupProblem::Row(RowProblem::LeadingZeroDropped);
        let da = DA.problem(&problem, |_| String::new());
        let en = EN.problem(&problem, |_| String::new());
        assert!(da.contains("9 cifre") && da.contains("som tekst"), "{da}");
        assert!(en.contains("9 digits") && en.contains("leading 0") && en.contains("as text"), "{en}");
    }

    #[test]
    fn a_refused_file_names_the_limit_in_both_languages() {
        let large = ImportError::TooLarge { limit: super::super::csv::MAX_FILE_BYTES };
        let long = ImportError::TooManyRows { limit: super::super::csv::MAX_ROWS };
        assert!(DA.import_error(&large).contains("højst fylde 5 MB"), "{}", DA.import_error(&large));
        assert!(EN.import_error(&large).contains("at most 5 MB"), "{}", EN.import_error(&large));
        assert!(DA.import_error(&long).contains("flere end 500 rækker"), "{}", DA.import_error(&long));
        assert!(EN.import_error(&long).contains("more than 500 rows"), "{}", EN.import_error(&long));
        assert!(DA.import_error(&ImportError::NoNameColumn).contains("navn"));
        assert!(EN.import_error(&ImportError::NoNameColumn).contains("name"));
    }
}
