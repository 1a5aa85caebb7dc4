//! The console's shared words (errors, common labels, dates) in Danish and English; each feature keeps its own
//! strings in its `text.rs`.
//!
//! A struct with one field per string and one constant per language: a string missing in either language is a
//! compile error. Templates hold named placeholders (`{count}`) filled by [`fill`], so a language may
//! reorder them. Labels of domain values
//! (channels, roles, statuses …) live with the domain types (`label(lang)`).

use crate::domain::{CprError, Language};

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

/// The strings of a language.
#[must_use]
pub fn text(lang: Language) -> &'static Text {
    match lang {
        Language::Da => &DA,
        Language::En => &EN,
    }
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
    fn both_languages_use_the_same_placeholders() {
        let problems = crate::domain::language::placeholder_mismatches(&DA.templates(), &EN.templates());
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
