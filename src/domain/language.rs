//! The two languages every text in Medbetjening exists in.

use serde::{Deserialize, Serialize};

/// Danish or English: the console's language, a citizen's preferred language, a guide's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    Da,
    En,
}

impl Language {
    /// Both languages, Danish first.
    pub const ALL: [Self; 2] = [Self::Da, Self::En];

    /// The language's name in itself, as a language switch shows it.
    #[must_use]
    pub fn endonym(self) -> &'static str {
        match self {
            Self::Da => "Dansk",
            Self::En => "English",
        }
    }

    /// ISO 639-1 code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Da => "da",
            Self::En => "en",
        }
    }
}

/// Picks the Danish or English of a pair; the shape every bilingual label in the domain uses.
#[must_use]
pub fn pick(lang: Language, da: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Da => da,
        Language::En => en,
    }
}

/// Month names as Danish writes them in a date ("26. november 2026"), January first.
pub const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// Month names in English, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Fills `{}` placeholders in order; extra placeholders stay empty, extra arguments are ignored.
#[must_use]
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + args.iter().map(|a| a.len()).sum::<usize>());
    let mut args = args.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(args.next().copied().unwrap_or_default());
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}
