//! The console's shared words (errors, common labels, dates) in Danish and English; each feature keeps its own
//! strings in its `text.rs`.
//!
//! A struct with one field per string and one constant per language: a string missing in either language is a
//! compile error. Templates hold named placeholders (`{count}`) filled by [`fill`], so a language may
//! reorder them. Labels of domain values
//! (channels, roles, statuses …) live with the domain types (`label(lang)`).

use crate::domain::{CprError, Language};
use crate::history::api::ErrorCode;

crate::domain::language::text_table! {
    /// The console's strings in one language.
    #[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
    pub struct Text {
        try_again,
        err_timeout,
        err_network,
        err_forbidden,
        err_not_found,
        err_server,
        err_unexpected,
        err_bad_request,
        err_too_large,
        err_purpose,
        err_unauthorized,
        err_rate_limited,
        err_invalid_cpr,
        err_invalid_phone,
        err_invalid_field,
        err_invalid_input,
        err_unknown_citizen,
        err_query_too_short,
        err_query_too_long,
        err_session_conflict,
        err_event_conflict,
        err_identity_conflict,
        err_fictitious_conflict,
        err_last_admin,
        err_citizen_merged,
        err_merge_refused,
        err_already_undone,
        err_merge_superseded,
        err_event_queued,
        unknown,
        none,
        fictitious,
        district,
        channel,
        authority,
        all,
        loading,
        refreshing,
        error,
        status,
        summary,
        day_format,
    }
    other {
        weekdays: [&'static str; 7],
        months: [&'static str; 12],
    }
}

/// Danish.
pub const DA: Text = Text {
    try_again: "Prøv igen",
    err_timeout: "Kontakthistorikken svarede ikke i tide",
    err_network: "Ingen forbindelse til kontakthistorikken",
    err_forbidden: "Din rolle giver ikke adgang til dette",
    err_not_found: "Findes ikke (eller er ikke synligt for din rolle)",
    err_server: "Kontakthistorikken havde en fejl; den er logget",
    err_unexpected: "Uventet svar fra kontakthistorikken: {detail}",
    err_bad_request: "Konsollen sendte en forespørgsel, tjenesten ikke kunne bruge. Prøv igen, og kontakt IT-support, hvis det sker igen.",
    err_too_large: "Det sendte er for stort til tjenesten.",
    err_purpose: "Vælg et formål med opslaget.",
    err_unauthorized: "Tjenesten kender ikke din adgangsnøgle længere. Log ind igen, eller kontakt IT-support.",
    err_rate_limited: "Der er for mange forespørgsler lige nu. Vent lidt, og prøv igen.",
    err_invalid_cpr: "Tjenesten afviste CPR-nummeret.",
    err_invalid_phone: "Tjenesten afviste telefonnummeret.",
    err_invalid_field: "Tjenesten afviste feltet {field}.",
    err_invalid_input: "Tjenesten afviste et af felterne.",
    err_unknown_citizen: "Ingen borger passer til de oplysninger, der blev sendt.",
    err_query_too_short: "Søgningen er for kort: skriv mindst ét ord på 3 bogstaver.",
    err_query_too_long: "Søgningen er for lang.",
    err_session_conflict: "En anden henvendelse er allerede gemt under samme id. Intet er overskrevet.",
    err_event_conflict: "En anden henvendelse er allerede gemt med samme kilde og id. Intet er ændret.",
    err_identity_conflict: "Oplysningerne passer til en anden borger i historikken.",
    err_fictitious_conflict: "En fiktiv borger og en rigtig borger kan ikke blandes sammen.",
    err_last_admin: "Den sidste administrator kan ikke fjernes.",
    err_citizen_merged: "Borgeren er lagt sammen med en anden. Åbn borgeren igen.",
    err_merge_refused: "De to borgere kan ikke lægges sammen.",
    err_already_undone: "Sammenlægningen er allerede fortrudt.",
    err_merge_superseded: "Sammenlægningen kan ikke fortrydes, fordi der er sket mere siden.",
    err_event_queued: "Henvendelsen venter på at blive knyttet til en borger.",
    unknown: "Ukendt",
    none: "Ingen",
    fictitious: "Fiktiv borger",
    district: "Bydel",
    channel: "Kanal",
    authority: "Myndighed",
    all: "Alle",
    loading: "Henter …",
    refreshing: "Opdaterer …",
    error: "Fejl",
    status: "Status",
    summary: "Resumé",
    weekdays: ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"],
    months: crate::domain::language::MONTHS_DA,
    day_format: "{weekday} {day}. {month} {year}",
};

/// English.
pub const EN: Text = Text {
    try_again: "Try again",
    err_timeout: "The contact history did not answer in time",
    err_network: "No connection to the contact history",
    err_forbidden: "Your role does not give access to this",
    err_not_found: "Does not exist (or is not visible to your role)",
    err_server: "The contact history had an error; it has been logged",
    err_unexpected: "Unexpected answer from the contact history: {detail}",
    err_bad_request: "The console sent a request the service could not use. Try again, and contact IT support if it happens again.",
    err_too_large: "What was sent is too large for the service.",
    err_purpose: "Choose a purpose for the lookup.",
    err_unauthorized: "The service no longer accepts your access token. Sign in again or contact IT support.",
    err_rate_limited: "Too many requests right now. Wait a moment and try again.",
    err_invalid_cpr: "The service refused the CPR number.",
    err_invalid_phone: "The service refused the phone number.",
    err_invalid_field: "The service refused the field {field}.",
    err_invalid_input: "The service refused one of the fields.",
    err_unknown_citizen: "No citizen matches the details sent.",
    err_query_too_short: "The search is too short: type at least one word of 3 letters.",
    err_query_too_long: "The search is too long.",
    err_session_conflict: "A different session is already stored under this id. Nothing was overwritten.",
    err_event_conflict: "A different contact is already stored with this source and id. Nothing was changed.",
    err_identity_conflict: "The details match another citizen in the history.",
    err_fictitious_conflict: "A fictitious and a real citizen cannot be mixed.",
    err_last_admin: "The last administrator cannot be removed.",
    err_citizen_merged: "The citizen has been merged with another. Open the citizen again.",
    err_merge_refused: "The two citizens cannot be merged.",
    err_already_undone: "The merge has already been undone.",
    err_merge_superseded: "The merge cannot be undone because more has happened since.",
    err_event_queued: "The contact is waiting to be linked to a citizen.",
    unknown: "Unknown",
    none: "None",
    fictitious: "Fictitious citizen",
    district: "District",
    channel: "Channel",
    authority: "Authority",
    all: "All",
    loading: "Loading …",
    refreshing: "Refreshing …",
    error: "Error",
    status: "Status",
    summary: "Summary",
    weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    months: crate::domain::language::MONTHS_EN,
    day_format: "{weekday} {day} {month} {year}",
};

/// Why a typed CPR number is not one, in the staff member's language; the lookup and the group session share it.
#[must_use]
pub fn cpr_reason(lang: Language, error: &CprError) -> String {
    match (lang, error) {
        (Language::Da, CprError::WrongLength { found }) => format!("et CPR-nummer har 10 cifre, dette har {found}"),
        (Language::Da, CprError::NotDigits) => "kun cifre og evt. bindestreg efter 6. ciffer".to_owned(),
        (Language::Da, CprError::InvalidMonth) => "måneden (ciffer 3–4) skal være 01–12".to_owned(),
        (Language::Da, CprError::InvalidDay) => "dagen (ciffer 1–2) findes ikke i den måned".to_owned(),
        (Language::En, error) => error.to_string(),
    }
}

/// A refusal or failure the service reported, by its error code, in the staff member's language. A field the
/// service names (`"summary: …"`) is kept, as the field's name is the same in every language.
#[must_use]
pub fn service_error(lang: Language, status: u16, code: ErrorCode, message: &str) -> String {
    let t = text(lang);
    let sentence = match code {
        ErrorCode::InvalidJson
        | ErrorCode::InvalidBody
        | ErrorCode::UnsupportedMediaType
        | ErrorCode::UnreadableBody
        | ErrorCode::BodyTimeout
        | ErrorCode::InvalidQuery
        | ErrorCode::InvalidPath
        | ErrorCode::InvalidCursor
        | ErrorCode::MethodNotAllowed => t.err_bad_request,
        ErrorCode::BodyTooLarge => t.err_too_large,
        ErrorCode::MissingPurpose | ErrorCode::InvalidPurpose => t.err_purpose,
        ErrorCode::Unauthorized => t.err_unauthorized,
        ErrorCode::Forbidden => t.err_forbidden,
        ErrorCode::NotFound => t.err_not_found,
        ErrorCode::RateLimited => t.err_rate_limited,
        ErrorCode::InvalidCpr => t.err_invalid_cpr,
        ErrorCode::InvalidPhone => t.err_invalid_phone,
        ErrorCode::InvalidField => {
            return field_of(message).map_or_else(
                || t.err_invalid_input.to_owned(),
                |field| fill(t.err_invalid_field, &[("field", field)]),
            );
        }
        ErrorCode::UnknownCitizen => t.err_unknown_citizen,
        ErrorCode::QueryTooShort => t.err_query_too_short,
        ErrorCode::QueryTooLong => t.err_query_too_long,
        ErrorCode::SessionConflict => t.err_session_conflict,
        ErrorCode::EventConflict => t.err_event_conflict,
        ErrorCode::IdentityConflict => t.err_identity_conflict,
        ErrorCode::FictitiousConflict => t.err_fictitious_conflict,
        ErrorCode::LastAdmin => t.err_last_admin,
        ErrorCode::CitizenMerged => t.err_citizen_merged,
        ErrorCode::MergeRefused => t.err_merge_refused,
        ErrorCode::AlreadyUndone => t.err_already_undone,
        ErrorCode::MergeSuperseded => t.err_merge_superseded,
        ErrorCode::EventQueued => t.err_event_queued,
        ErrorCode::Internal => t.err_server,
        ErrorCode::Http | ErrorCode::Unknown => match status {
            401 => t.err_unauthorized,
            403 => t.err_forbidden,
            404 => t.err_not_found,
            429 => t.err_rate_limited,
            500.. => t.err_server,
            _ => t.err_bad_request,
        },
    };
    sentence.to_owned()
}

/// The field a validation message names before its colon (`"next_steps[0].due: …"`), if it names one.
fn field_of(message: &str) -> Option<&str> {
    let (field, _) = message.split_once(": ")?;
    let is_field =
        !field.is_empty() && field.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']'));
    is_field.then_some(field)
}

/// The strings of a language.
#[must_use]
pub fn text(lang: Language) -> &'static Text {
    crate::domain::language::by_language(lang, &DA, &EN)
}

pub use super::group::text::{GroupText, group_text};
pub use super::scenario::text::{ScenarioText, scenario_text};
pub use crate::domain::language::fill;

/// A calendar day in the language's long form ("torsdag 26. november 2026" / "Thursday 26 November 2026").
#[must_use]
pub fn long_date(lang: Language, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let t = text(lang);
    let weekday = t.weekdays[date.weekday().num_days_from_monday() as usize];
    let month = t.months[date.month0() as usize];
    fill(
        t.day_format,
        &[("weekday", weekday), ("day", &date.day().to_string()), ("month", month), ("year", &date.year().to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every console text table, by its language selector.
    fn tables(lang: Language) -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
        use super::super::{
            citizen, group, guides, insights, lookup, presentation, scenario, session, shell, unmatched,
        };
        vec![
            ("shared", text(lang).templates()),
            ("citizen", citizen::text::citizen_text(lang).templates()),
            ("group", group::text::group_text(lang).templates()),
            ("guides", guides::text::guides_text(lang).templates()),
            ("lookup", lookup::text::lookup_text(lang).templates()),
            ("presentation", presentation::text::presentation_text(lang).templates()),
            ("scenario", scenario::text::scenario_text(lang).templates()),
            ("session", session::text::session_text(lang).templates()),
            ("shell", shell::text::shell_text(lang).templates()),
            ("unmatched", unmatched::text::unmatched_text(lang).templates()),
            ("insights", insights::text::insights_text(lang).templates()),
        ]
    }

    #[test]
    fn every_table_uses_the_same_placeholders_in_both_languages() {
        for ((table, da), (_, en)) in tables(Language::Da).into_iter().zip(tables(Language::En)) {
            let problems = crate::domain::language::placeholder_mismatches(&da, &en);
            assert!(problems.is_empty(), "{table}: {problems:#?}");
        }
    }

    #[test]
    fn long_dates_read_naturally_in_both_languages() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).expect("date");
        assert_eq!(long_date(Language::Da, date), "torsdag 26. november 2026");
        assert_eq!(long_date(Language::En, date), "Thursday 26 November 2026");
    }

    #[test]
    fn both_languages_differ_where_words_differ() {
        assert_ne!(DA.try_again, EN.try_again);
    }

    #[test]
    fn a_service_validation_error_reads_in_danish_and_keeps_the_field() {
        let da = service_error(Language::Da, 422, ErrorCode::InvalidField, "summary: must not be empty");
        assert_eq!(da, "Tjenesten afviste feltet summary.");
        let en = service_error(Language::En, 422, ErrorCode::InvalidField, "summary: must not be empty");
        assert_eq!(en, "The service refused the field summary.");
        let unnamed = service_error(Language::Da, 422, ErrorCode::InvalidField, "something is wrong");
        assert_eq!(unnamed, DA.err_invalid_input);
        assert_eq!(service_error(Language::Da, 409, ErrorCode::SessionConflict, "x"), DA.err_session_conflict);
        assert_eq!(service_error(Language::Da, 502, ErrorCode::Http, "Bad gateway"), DA.err_server);
    }
}
