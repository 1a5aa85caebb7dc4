//! The strings of finding a citizen, in Danish and English. As in `i18n`, a string missing in either language is a compile
//! error; templates hold named placeholders filled by `i18n::fill`.

use crate::domain::Language;

crate::domain::language::text_table! {
    /// Strings of finding a citizen in one language.
    #[allow(clippy::struct_field_names)] // Field names mirror the UI text they hold.
    pub struct LookupText {
        find_citizen,
        lookup_label,
        lookup_hint,
        purpose,
        search,
        found_many,
        found_none,
        found_one,
        too_many,
        invalid_cpr,
        invalid_digits,
        invalid_phone,
        too_short,
        recent,
        no_recent,
    }
}

pub const DA: LookupText = LookupText {
    find_citizen: "Find borger",
    lookup_label: "CPR-nummer, telefon eller navn",
    lookup_hint: "fx DDMMÅÅ-XXXX, 20 30 40 50 eller Hansen",
    purpose: "Formål",
    search: "Søg",
    found_many: "{count} borgere fundet",
    found_none: "Ingen borgere fundet",
    found_one: "1 borger fundet",
    too_many: "Mere end {count} fundet — gør søgningen mere præcis",
    invalid_cpr: "Ugyldigt CPR-nummer: {reason}",
    invalid_digits: "Et CPR-nummer har 10 cifre og et telefonnummer 8",
    invalid_phone: "Ugyldigt telefonnummer",
    too_short: "Skriv mindst ét ord på 3 bogstaver",
    recent: "Seneste borgere",
    no_recent: "Ingen endnu",
};

pub const EN: LookupText = LookupText {
    find_citizen: "Find citizen",
    lookup_label: "CPR number, phone or name",
    lookup_hint: "e.g. DDMMYY-XXXX, 20 30 40 50 or Hansen",
    purpose: "Purpose",
    search: "Search",
    found_many: "{count} citizens found",
    found_none: "No citizens found",
    found_one: "1 citizen found",
    too_many: "More than {count} found — narrow the search",
    invalid_cpr: "Invalid CPR number: {reason}",
    invalid_digits: "A CPR number has 10 digits and a phone number 8",
    invalid_phone: "Invalid phone number",
    too_short: "Type at least one word of 3 letters",
    recent: "Recent citizens",
    no_recent: "None yet",
};

/// The strings of a language.
#[must_use]
pub fn lookup_text(lang: Language) -> &'static LookupText {
    crate::domain::language::by_language(lang, &DA, &EN)
}
