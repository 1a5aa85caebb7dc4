//! The citizen as the contact history knows them: identifiers, language and digital situation.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::cpr::Cpr;
use super::language::{Language, pick};
use super::patch::Field;

/// The service's own id for a citizen. Used in URLs instead of the CPR number, which must not travel there.
pub type CitizenId = Uuid;

/// A citizen record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Citizen {
    pub id: CitizenId,
    /// The current CPR number.
    pub cpr: Cpr,
    /// Numbers the citizen had before (a corrected birth date, a change of legal gender).
    pub earlier_cprs: Vec<Cpr>,
    pub name: String,
    /// Normalised phone numbers (see [`normalise_phone`]).
    pub phones: Vec<String>,
    /// Normalised e-mail addresses (see [`normalise_email`]).
    pub emails: Vec<String>,
    pub preferred_language: Language,
    /// Part of the city, for telling namesakes apart in a result list.
    pub district: Option<String>,
    pub digital_post: DigitalPostStatus,
    pub mitid: MitidStatus,
    pub digital_readiness: DigitalReadiness,
    pub powers_of_attorney: Vec<PowerOfAttorney>,
    /// Demo and training citizens. Fictitious numbers can equal real people's, so the flag lives in the data.
    pub fictitious: bool,
}

/// The citizen's relation to Digital Post.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum DigitalPostStatus {
    /// Receives Digital Post (the default for everyone from 15 years).
    Active,
    /// Exempt: letters come on paper. Staff must know, since guides that rely on Digital Post do not fit.
    Exempt { reason: String, since: Option<NaiveDate> },
    /// Not registered (for example under 15).
    NotRegistered,
    #[default]
    Unknown,
}

/// The citizen's MitID situation, which decides how a self-service login can happen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MitidStatus {
    /// Has MitID with the app.
    App,
    /// Has MitID with a code display.
    CodeDisplay,
    /// Has MitID with an audio code display.
    AudioCodeDisplay,
    /// Has MitID with a chip.
    Chip,
    /// MitID is blocked or revoked.
    Blocked,
    /// Has no MitID.
    None,
    #[default]
    Unknown,
}

impl MitidStatus {
    /// Display text.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::App => pick(lang, "MitID-app", "MitID app"),
            Self::CodeDisplay => pick(lang, "MitID-kodeviser", "MitID code display"),
            Self::AudioCodeDisplay => pick(lang, "MitID-kodeoplæser", "MitID audio code display"),
            Self::Chip => pick(lang, "MitID-chip", "MitID chip"),
            Self::Blocked => pick(lang, "MitID spærret", "MitID blocked"),
            Self::None => pick(lang, "Intet MitID", "No MitID"),
            Self::Unknown => pick(lang, "Ukendt", "Unknown"),
        }
    }
}

/// How well the citizen manages digital self-service, as staff assessed it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigitalReadiness {
    /// Manages on their own.
    SelfReliant,
    /// Manages with a little guidance.
    WithGuidance,
    /// Needs assisted self-service (staff beside them).
    NeedsAssistance,
    /// Cannot use digital solutions; staff act on their behalf or paper is used.
    NotDigital,
    #[default]
    Unknown,
}

impl DigitalReadiness {
    /// Display text.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::SelfReliant => pick(lang, "Klarer sig selv", "Self-reliant"),
            Self::WithGuidance => pick(lang, "Klarer sig med vejledning", "Manages with guidance"),
            Self::NeedsAssistance => pick(lang, "Har brug for medbetjening", "Needs assisted service"),
            Self::NotDigital => pick(lang, "Kan ikke betjene sig digitalt", "Cannot self-serve digitally"),
            Self::Unknown => pick(lang, "Ukendt", "Unknown"),
        }
    }
}

/// Which way a power of attorney points, seen from the citizen on the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttorneyDirection {
    /// The citizen may act for the counterpart.
    Held,
    /// The counterpart may act for the citizen.
    Given,
}

/// The kind of power of attorney, which decides what the holder may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttorneyKind {
    /// Digital Fuldmagt: act in named self-service solutions.
    DigitalFuldmagt,
    /// Reading access to the citizen's Digital Post.
    DigitalPostAccess,
    /// Power of attorney with the Danish Tax Agency.
    TaxAgency,
    /// A paper or other power of attorney.
    Other,
}

impl AttorneyKind {
    /// Display text.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::DigitalFuldmagt => pick(lang, "Digital Fuldmagt", "Digital Fuldmagt"),
            Self::DigitalPostAccess => pick(lang, "Læseadgang til Digital Post", "Digital Post reading access"),
            Self::TaxAgency => pick(lang, "Fuldmagt hos Skattestyrelsen", "Tax Agency power of attorney"),
            Self::Other => pick(lang, "Anden fuldmagt", "Other power of attorney"),
        }
    }
}

/// A power of attorney the citizen holds or has given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PowerOfAttorney {
    pub direction: AttorneyDirection,
    pub kind: AttorneyKind,
    /// The other person's name as the registry gives it.
    pub counterpart_name: String,
    /// What it covers, in the registry's words ("Boligstøtte", "Alle løsninger").
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
}

/// A phone number in the form the store keys it by: eight digits for Danish numbers, `+` and digits otherwise.
/// Returns `None` when the text is not a phone number.
#[must_use]
pub fn normalise_phone(text: &str) -> Option<String> {
    let mut cleaned: String = text.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
    if let Some(rest) = cleaned.strip_prefix("00") {
        cleaned = format!("+{rest}");
    }
    let (international, digits) = match cleaned.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match (international, digits.strip_prefix("45")) {
        (true, Some(danish)) if danish.len() == 8 => Some(danish.to_owned()),
        (true, _) if (7..=15).contains(&digits.len()) => Some(format!("+{digits}")),
        (false, _) if digits.len() == 8 => Some(digits.to_owned()),
        _ => None,
    }
}

/// An e-mail address trimmed and lower-cased; `None` unless it has one `@` with text on both sides.
#[must_use]
pub fn normalise_email(text: &str) -> Option<String> {
    let email = text.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty() && domain.contains('.') && !domain.contains('@') && !email.contains(' ');
    plausible.then_some(email)
}

/// A registry's update of a citizen: the CPR number and name it always gives, and each other field as a
/// [`Field`] — left out keeps what is stored, `null` clears it, a value replaces it. Whether the record is
/// fictitious is never part of it: only an administrator changes that.
#[derive(Clone, Debug, PartialEq)]
pub struct CitizenPatch {
    pub cpr: Cpr,
    pub name: String,
    pub earlier_cprs: Field<Vec<Cpr>>,
    pub phones: Field<Vec<String>>,
    pub emails: Field<Vec<String>>,
    pub preferred_language: Field<Language>,
    pub district: Field<String>,
    pub digital_post: Field<DigitalPostStatus>,
    pub mitid: Field<MitidStatus>,
    pub digital_readiness: Field<DigitalReadiness>,
    pub powers_of_attorney: Field<Vec<PowerOfAttorney>>,
}

impl CitizenPatch {
    /// Every field of `citizen` given, as seeding writes a whole record.
    #[must_use]
    pub fn full(citizen: &Citizen) -> Self {
        Self {
            cpr: citizen.cpr,
            name: citizen.name.clone(),
            earlier_cprs: Field::Value(citizen.earlier_cprs.clone()),
            phones: Field::Value(citizen.phones.clone()),
            emails: Field::Value(citizen.emails.clone()),
            preferred_language: Field::Value(citizen.preferred_language),
            district: citizen.district.clone().map_or(Field::Null, Field::Value),
            digital_post: Field::Value(citizen.digital_post.clone()),
            mitid: Field::Value(citizen.mitid),
            digital_readiness: Field::Value(citizen.digital_readiness),
            powers_of_attorney: Field::Value(citizen.powers_of_attorney.clone()),
        }
    }

    /// Every CPR number the update names: current first, then earlier ones it gives.
    #[must_use]
    pub fn cprs(&self) -> Vec<Cpr> {
        std::iter::once(self.cpr).chain(self.earlier_cprs.value().into_iter().flatten().copied()).collect()
    }

    /// A new record `id` made from the update.
    #[must_use]
    pub fn new_record(&self, id: CitizenId, fictitious: bool) -> Citizen {
        let empty = Citizen {
            id,
            cpr: self.cpr,
            earlier_cprs: Vec::new(),
            name: self.name.clone(),
            phones: Vec::new(),
            emails: Vec::new(),
            preferred_language: Language::default(),
            district: None,
            digital_post: DigitalPostStatus::default(),
            mitid: MitidStatus::default(),
            digital_readiness: DigitalReadiness::default(),
            powers_of_attorney: Vec::new(),
            fictitious,
        };
        self.apply(empty)
    }

    /// `stored` with the update applied. A CPR number that stops being current stays as an earlier one unless
    /// the update lists the earlier numbers itself, so the person is still found by it.
    #[must_use]
    pub fn apply(&self, stored: Citizen) -> Citizen {
        let mut earlier = self.earlier_cprs.clone().apply(stored.earlier_cprs, Vec::new());
        if stored.cpr != self.cpr && self.earlier_cprs.is_absent() && !earlier.contains(&stored.cpr) {
            earlier.push(stored.cpr);
        }
        earlier.retain(|cpr| *cpr != self.cpr);
        Citizen {
            id: stored.id,
            cpr: self.cpr,
            earlier_cprs: earlier,
            name: self.name.clone(),
            phones: self.phones.clone().apply(stored.phones, Vec::new()),
            emails: self.emails.clone().apply(stored.emails, Vec::new()),
            preferred_language: self.preferred_language.clone().apply(stored.preferred_language, Language::default()),
            district: match &self.district {
                Field::Absent => stored.district,
                Field::Null => None,
                Field::Value(district) => Some(district.clone()),
            },
            digital_post: self.digital_post.clone().apply(stored.digital_post, DigitalPostStatus::default()),
            mitid: self.mitid.clone().apply(stored.mitid, MitidStatus::default()),
            digital_readiness: self
                .digital_readiness
                .clone()
                .apply(stored.digital_readiness, DigitalReadiness::default()),
            powers_of_attorney: self.powers_of_attorney.clone().apply(stored.powers_of_attorney, Vec::new()),
            fictitious: stored.fictitious,
        }
    }
}

/// A phone number as logs and lists show it: the last four digits only (`…4050`).
#[must_use]
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("…{tail}")
}

/// An e-mail address as logs and lists show it: the first letter and the domain (`s…@example.com`).
#[must_use]
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}…@{domain}", local.chars().next().unwrap_or('…')),
        None => "…".to_owned(),
    }
}

/// The shortest word a name search needs at least one of. Words of one or two letters match a large share of
/// any registry, and a handful of such searches listed a whole test store.
pub const MIN_NAME_WORD: usize = 3;

/// Whether a name search is narrow enough to send: at least one word of [`MIN_NAME_WORD`] letters or more. A
/// Chinese, Japanese or Korean character says as much as two letters of an alphabet, so `王芳` is narrow enough.
#[must_use]
pub fn name_query_is_narrow(query: &str) -> bool {
    let weight = |c: char| match u32::from(c) {
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0x3040..=0x30FF | 0xF900..=0xFAFF => 2,
        _ if c.is_alphabetic() => 1,
        _ => 0,
    };
    query.split_whitespace().any(|word| word.chars().map(weight).sum::<usize>() >= MIN_NAME_WORD)
}

/// A name folded for search: lower-case, single spaces. Danish letters fold too (`Ø` → `ø`).
#[must_use]
pub fn fold_name(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_search_needs_one_word_of_three_letters() {
        for narrow in ["Søren", "s Øst", "Ærø", "олена", "Jens J", "王芳", "محمد"] {
            assert!(name_query_is_narrow(narrow), "{narrow}");
        }
        for wide in ["s s", "an", "a b c d e f", "12 34", "Å Ø", "a.b", "王"] {
            assert!(!name_query_is_narrow(wide), "{wide}");
        }
    }

    #[test]
    fn masked_identifiers_keep_only_what_tells_them_apart() {
        assert_eq!(mask_phone("20304050"), "…4050");
        assert_eq!(mask_phone("+4420304050"), "…4050");
        assert_eq!(mask_phone("12"), "…12");
        assert_eq!(mask_email("soeren@example.com"), "s…@example.com");
        assert_eq!(mask_email("nonsense"), "…");
    }

    #[test]
    fn phones_normalise_with_and_without_country_code() {
        for input in ["12345678", "12 34 56 78", "+45 12 34 56 78", "004512345678", "+4512345678"] {
            assert_eq!(normalise_phone(input).as_deref(), Some("12345678"), "{input}");
        }
        assert_eq!(normalise_phone("+46 70 123 45 67").as_deref(), Some("+46701234567"));
        assert_eq!(normalise_phone("1234567"), None);
        assert_eq!(normalise_phone("Jens Hansen"), None);
        assert_eq!(normalise_phone(""), None);
    }

    #[test]
    fn emails_normalise() {
        assert_eq!(normalise_email(" Jens@Example.DK ").as_deref(), Some("jens@example.dk"));
        assert_eq!(normalise_email("no-at-sign"), None);
        assert_eq!(normalise_email("a@b"), None);
    }

    #[test]
    fn names_fold_danish_letters() {
        assert_eq!(fold_name("  SØREN   Ærø-Åberg "), "søren ærø-åberg");
    }
}
