//! What the one lookup field understands: a CPR number (with or without dash), a phone number (with or
//! without +45) or a name. Decided locally, so an invalid CPR number is explained before anything is sent.

use crate::domain::Cpr;
use crate::domain::citizen::normalise_phone;
use crate::history::api::CitizenSearch;

/// How the lookup text reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupQuery {
    Cpr(Cpr),
    Phone(String),
    Name(String),
}

/// Why the text cannot be looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupProblem {
    /// Looks like a CPR number but is not one; the reason is the domain's.
    InvalidCpr(crate::domain::CprError),
    /// Digits, but neither 10 (CPR) nor 8 (phone).
    WrongDigitCount,
    InvalidPhone,
    TooShort,
}

/// Reads the lookup text.
pub fn classify(text: &str) -> Result<LookupQuery, LookupProblem> {
    let trimmed = text.trim();
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = compact.chars().filter(char::is_ascii_digit).count();
    let only_digits_and_dash = !compact.is_empty() && compact.chars().all(|c| c.is_ascii_digit() || c == '-');
    let phone_like = !compact.is_empty()
        && compact.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '(' | ')' | '.'))
        && digits > 0;
    if only_digits_and_dash && (digits == 10 || compact.find('-') == Some(6)) {
        return Cpr::parse(&compact).map(LookupQuery::Cpr).map_err(LookupProblem::InvalidCpr);
    }
    if phone_like {
        if compact.starts_with('+') || compact.starts_with("00") || digits == 8 {
            return normalise_phone(&compact).map(LookupQuery::Phone).ok_or(LookupProblem::InvalidPhone);
        }
        return Err(LookupProblem::WrongDigitCount);
    }
    if !crate::domain::citizen::name_query_is_narrow(trimmed) {
        return Err(LookupProblem::TooShort);
    }
    Ok(LookupQuery::Name(trimmed.to_owned()))
}

impl LookupQuery {
    /// The API search for this query.
    #[must_use]
    pub fn to_search(&self) -> CitizenSearch {
        match self {
            Self::Cpr(cpr) => CitizenSearch { cpr: Some(cpr.compact()), ..CitizenSearch::default() },
            Self::Phone(phone) => CitizenSearch { phone: Some(phone.clone()), ..CitizenSearch::default() },
            Self::Name(name) => CitizenSearch { q: Some(name.clone()), ..CitizenSearch::default() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CprError;

    #[test]
    fn cpr_numbers_with_or_without_dash() {
        let expected = LookupQuery::Cpr(Cpr::parse("0707614285").expect("cpr"));
        assert_eq!(classify("070761-4285"), Ok(expected.clone()));
        assert_eq!(classify(" 0707614285 "), Ok(expected.clone()));
        assert_eq!(classify("070761 4285"), Ok(expected));
        assert_eq!(classify("310299-1234"), Err(LookupProblem::InvalidCpr(CprError::InvalidDay)));
        assert_eq!(classify("070761-428"), Err(LookupProblem::InvalidCpr(CprError::WrongLength { found: 9 })));
    }

    #[test]
    fn phone_numbers_with_or_without_country_code() {
        for text in ["20304050", "20 30 40 50", "+45 20 30 40 50", "004520304050"] {
            assert_eq!(classify(text), Ok(LookupQuery::Phone("20304050".into())), "{text}");
        }
        assert_eq!(classify("+46 70 123 45 67"), Ok(LookupQuery::Phone("+46701234567".into())));
        assert_eq!(classify("12345"), Err(LookupProblem::WrongDigitCount));
    }

    #[test]
    fn everything_else_is_a_name() {
        assert_eq!(classify("  Søren Ærø "), Ok(LookupQuery::Name("Søren Ærø".into())));
        assert_eq!(classify("Олена"), Ok(LookupQuery::Name("Олена".into())));
        assert_eq!(classify("a"), Err(LookupProblem::TooShort));
        assert_eq!(classify(""), Err(LookupProblem::TooShort));
    }
}
