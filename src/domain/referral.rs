//! Where staff refer a citizen for more help. A referral is stored as a code, never as words in the staff member's
//! language, so the receipt can say it in the citizen's; a place that is not on the list is kept as typed.

use super::Language;

/// A place staff often refer citizens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralPlace {
    LibraryItHelp,
    VolunteerItHelp,
    LanguageCentre,
    MunicipalDepartment,
    OtherAuthority,
}

/// A session's referral as stored: a known place by its code, or a place staff typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Referral {
    Known(ReferralPlace),
    /// Typed by staff (and every referral logged before codes existed).
    Typed(String),
}

impl ReferralPlace {
    pub const ALL: [Self; 5] = [
        Self::LibraryItHelp,
        Self::VolunteerItHelp,
        Self::LanguageCentre,
        Self::MunicipalDepartment,
        Self::OtherAuthority,
    ];

    /// The place a stored code names, if it is one.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|place| place.code() == code)
    }

    /// The code stored in a session's `referral`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::LibraryItHelp => "library_it_help",
            Self::VolunteerItHelp => "volunteer_it_help",
            Self::LanguageCentre => "language_centre",
            Self::MunicipalDepartment => "municipal_department",
            Self::OtherAuthority => "other_authority",
        }
    }

    /// The place in a few words, for staff choosing it.
    #[must_use]
    pub const fn label(self, lang: Language) -> &'static str {
        let (da, en) = match self {
            Self::LibraryItHelp => ("Bibliotekets IT-hjælp", "IT help at the library"),
            Self::VolunteerItHelp => ("Frivillig IT-hjælp (fx Ældre Sagen)", "Volunteer IT help (e.g. Ældre Sagen)"),
            Self::LanguageCentre => ("Sprogcenter eller tolk", "Language centre or interpreter"),
            Self::MunicipalDepartment => ("Anden afdeling i kommunen", "Another department of the municipality"),
            Self::OtherAuthority => ("Anden myndighed", "Another public authority"),
        };
        pick(lang, da, en)
    }

    /// The place as the citizen reads it on the receipt: where to go, not an office's shorthand.
    #[must_use]
    pub const fn for_citizen(self, lang: Language) -> &'static str {
        let (da, en) = match self {
            Self::LibraryItHelp => (
                "Biblioteket hjælper med IT: spørg på dit lokale bibliotek.",
                "The library helps with IT: ask at your local library.",
            ),
            Self::VolunteerItHelp => (
                "Frivillige hjælper med IT, fx hos Ældre Sagen.",
                "Volunteers help with IT, for example at Ældre Sagen.",
            ),
            Self::LanguageCentre => (
                "Et sprogcenter eller en tolk kan hjælpe dig videre.",
                "A language centre or an interpreter can help you further.",
            ),
            Self::MunicipalDepartment => (
                "En anden afdeling i kommunen hjælper dig videre. Se dine næste skridt.",
                "Another department of the municipality will help you further. See your next steps.",
            ),
            Self::OtherAuthority => (
                "En anden offentlig myndighed hjælper dig videre. Se dine næste skridt.",
                "Another public authority will help you further. See your next steps.",
            ),
        };
        pick(lang, da, en)
    }
}

const fn pick(lang: Language, da: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::Da => da,
        Language::En => en,
    }
}

impl Referral {
    /// Reads a stored referral: a known code, or text as staff typed it.
    #[must_use]
    pub fn parse(stored: &str) -> Self {
        ReferralPlace::from_code(stored).map_or_else(|| Self::Typed(stored.to_owned()), Self::Known)
    }

    /// What is stored in a session's `referral`.
    #[must_use]
    pub fn stored(&self) -> &str {
        match self {
            Self::Known(place) => place.code(),
            Self::Typed(text) => text,
        }
    }

    /// A stored referral for staff, in their language, without copying typed text.
    #[must_use]
    pub fn label_of(stored: &str, lang: Language) -> &str {
        ReferralPlace::from_code(stored).map_or(stored, |place| place.label(lang))
    }

    /// For staff, in their language.
    #[must_use]
    pub fn label(&self, lang: Language) -> &str {
        match self {
            Self::Known(place) => place.label(lang),
            Self::Typed(text) => text,
        }
    }

    /// For the citizen, in the receipt's language (typed text as it was typed).
    #[must_use]
    pub fn for_citizen(&self, lang: Language) -> &str {
        match self {
            Self::Known(place) => place.for_citizen(lang),
            Self::Typed(text) => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_as_its_place_and_anything_else_as_typed_text() {
        for place in ReferralPlace::ALL {
            assert_eq!(Referral::parse(place.code()), Referral::Known(place));
            assert_eq!(Referral::Known(place).stored(), place.code());
        }
        // A referral logged before codes existed still reads, as it was written.
        let old = Referral::parse("Anden myndighed");
        assert_eq!(old, Referral::Typed("Anden myndighed".into()));
        assert_eq!(old.for_citizen(Language::En), "Anden myndighed");
    }

    #[test]
    fn the_citizen_reads_the_place_in_the_receipts_language() {
        let library = Referral::Known(ReferralPlace::LibraryItHelp);
        assert!(library.for_citizen(Language::Da).starts_with("Biblioteket"));
        assert!(library.for_citizen(Language::En).starts_with("The library"));
        assert_eq!(library.label(Language::Da), "Bibliotekets IT-hjælp");
    }
}
