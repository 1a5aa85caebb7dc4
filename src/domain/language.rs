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

/// Fills named placeholders (`{name}`, `{count}` …) from `args`, so a language may put its arguments in any order.
/// A placeholder without an argument stays as written (a missing word shows rather than vanishes); extra arguments
/// are ignored; a brace that does not open a placeholder name is kept as is.
#[must_use]
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + args.iter().map(|(_, a)| a.len()).sum::<usize>());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if is_placeholder_name(name) => {
                match args.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_placeholder_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The placeholder names of a template, sorted and each once.
#[must_use]
pub fn placeholders(template: &str) -> std::collections::BTreeSet<&str> {
    let mut names = std::collections::BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_placeholder_name(&after[..close]) => {
                names.insert(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

/// Checks that two languages' tables, as `(field, template)` lists in the same order, use the same placeholder
/// names in every template; the failures, one line each, so a test can show them all at once.
#[must_use]
pub fn placeholder_mismatches(da: &[(&str, &str)], en: &[(&str, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    if da.len() != en.len() {
        problems.push(format!("{} Danish fields, {} English", da.len(), en.len()));
    }
    for ((field, da), (_, en)) in da.iter().zip(en) {
        let (da_names, en_names) = (placeholders(da), placeholders(en));
        if da_names != en_names {
            problems.push(format!("{field}: Danish {da_names:?}, English {en_names:?}"));
        }
        if da.contains("{}") || en.contains("{}") {
            problems.push(format!("{field}: an unnamed placeholder"));
        }
    }
    problems
}

/// Declares a table of texts: a struct whose listed fields are all `&'static str`, plus a `templates()` method
/// listing them by name (for the test that both languages use the same placeholders). Fields of other types go
/// in an optional `other { name: Type }` block after the texts.
/// The table of the given language, for a text table's `…_text(lang)`.
#[must_use]
pub const fn by_language<T>(lang: Language, da: &'static T, en: &'static T) -> &'static T {
    match lang {
        Language::Da => da,
        Language::En => en,
    }
}

macro_rules! text_table {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident ),* $(,)?
        }
        $( other { $( $(#[$ometa:meta])* $ofield:ident : $oty:ty ),* $(,)? } )?
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* pub $field: &'static str, )*
            $( $( $(#[$ometa])* pub $ofield: $oty, )* )?
        }

        impl $name {
            /// Every text of the table with its field name, in declaration order.
            #[allow(dead_code)] // Used by the tests that compare the languages' placeholders.
            #[must_use]
            pub fn templates(&self) -> ::std::vec::Vec<(&'static str, &'static str)> {
                ::std::vec![$( (stringify!($field), self.$field) ),*]
            }
        }
    };
}
pub(crate) use text_table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_by_name_in_any_order() {
        assert_eq!(fill("{a} of {b}", &[("b", "2"), ("a", "1")]), "1 of 2");
        assert_eq!(fill("{b}, then {a}", &[("a", "1"), ("b", "2")]), "2, then 1");
        assert_eq!(fill("no args", &[("x", "y")]), "no args");
        assert_eq!(fill("{a} and {b}", &[("a", "only")]), "only and {b}");
        assert_eq!(fill("{ not a name } {}", &[]), "{ not a name } {}");
        assert_eq!(fill("{n}{n}", &[("n", "æ")]), "ææ");
    }

    #[test]
    fn placeholders_are_listed_once_each() {
        let names: Vec<_> = placeholders("{count} of {total}, {count} {} { x }").into_iter().collect();
        assert_eq!(names, ["count", "total"]);
        assert_eq!(placeholder_mismatches(&[("f", "{a}")], &[("f", "{b}")]).len(), 1);
        assert!(placeholder_mismatches(&[("f", "{a} {b}")], &[("f", "{b}, {a}")]).is_empty());
    }
}
