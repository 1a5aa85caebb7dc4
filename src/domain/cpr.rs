//! The Danish personal identification number (CPR number, `DDMMYY-SSSS`).
//!
//! Parsing follows the CPR office's published rules: the date part must be a real calendar date, the century
//! comes from digit 7 and the year, and the modulus-11 check is only a warning because valid numbers issued
//! since 2007 fail it. `Debug` and `Display` show the masked form, so a number never reaches a log line by
//! accident; the full number is only available through [`Cpr::reveal`].

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A syntactically valid CPR number. Holds the ten digits, nothing else.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpr {
    digits: [u8; 10],
}

/// Whether the number is an ordinary CPR number or a replacement number (day + 60).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CprKind {
    Ordinary,
    /// Replacement numbers used in some sectors add 60 to the day; they are not CPR-registered persons.
    Replacement,
}

/// Legal or female/male as recorded by the last digit (even = female, odd = male).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
}

/// Why a text is not a CPR number. Messages never repeat the digits, so they are safe to show and to log.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    #[error("a CPR number has 10 digits, this has {found}")]
    WrongLength { found: usize },
    #[error("a CPR number may contain only digits, with an optional dash after the sixth digit")]
    NotDigits,
    #[error("the month (digits 3–4) must be between 01 and 12")]
    InvalidMonth,
    #[error("the day (digits 1–2) does not exist in that month and year")]
    InvalidDay,
}

/// Something about a valid number that staff should double-check with the citizen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CprWarning {
    /// Fails the modulus-11 check. Numbers issued since 1 October 2007 may do so and are still valid.
    Modulus11,
}

impl CprWarning {
    /// A sentence for staff explaining the warning.
    #[must_use]
    pub fn message(self) -> &'static str {
        match self {
            Self::Modulus11 => {
                "the number fails the modulus-11 check; numbers issued since 2007 may do so — check it with the citizen"
            }
        }
    }
}

const MOD11_WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

impl Cpr {
    /// Parses `DDMMYYSSSS` or `DDMMYY-SSSS`, ignoring surrounding whitespace.
    pub fn parse(text: &str) -> Result<Self, CprError> {
        let text = text.trim();
        let compact: String = match text.char_indices().find(|&(_, c)| c == '-') {
            Some((6, _)) => text.replacen('-', "", 1),
            Some(_) => return Err(CprError::NotDigits),
            None => text.to_owned(),
        };
        if !compact.chars().all(|c| c.is_ascii_digit()) {
            return Err(CprError::NotDigits);
        }
        if compact.len() != 10 {
            return Err(CprError::WrongLength { found: compact.len() });
        }
        let mut digits = [0u8; 10];
        for (slot, byte) in digits.iter_mut().zip(compact.bytes()) {
            *slot = byte - b'0';
        }
        let cpr = Self { digits };
        cpr.validate_date()?;
        Ok(cpr)
    }

    fn pair(&self, at: usize) -> u32 {
        u32::from(self.digits[at]) * 10 + u32::from(self.digits[at + 1])
    }

    fn validate_date(&self) -> Result<(), CprError> {
        let month = self.pair(2);
        if !(1..=12).contains(&month) {
            return Err(CprError::InvalidMonth);
        }
        self.compute_birth_date().map(|_| ()).ok_or(CprError::InvalidDay)
    }

    fn compute_birth_date(&self) -> Option<NaiveDate> {
        let raw_day = self.pair(0);
        let day = if raw_day > 60 { raw_day - 60 } else { raw_day };
        let year = i32::try_from(century_year(self.digits[6], self.pair(4))).ok()?;
        NaiveDate::from_ymd_opt(year, self.pair(2), day)
    }

    /// Ordinary or replacement number (day + 60).
    #[must_use]
    pub fn kind(&self) -> CprKind {
        if self.pair(0) > 60 { CprKind::Replacement } else { CprKind::Ordinary }
    }

    /// Date of birth from the date part and the century rule.
    #[must_use]
    pub fn birth_date(&self) -> NaiveDate {
        // `parse` only builds numbers whose date exists, so this cannot fail.
        self.compute_birth_date().unwrap_or(NaiveDate::MIN)
    }

    /// Age in whole years on `today`.
    #[must_use]
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        today.years_since(self.birth_date()).unwrap_or(0)
    }

    /// Gender as recorded by the last digit.
    #[must_use]
    pub fn gender(&self) -> Gender {
        if self.digits[9].is_multiple_of(2) { Gender::Female } else { Gender::Male }
    }

    /// Whether the weighted digit sum is divisible by 11.
    #[must_use]
    pub fn passes_modulus11(&self) -> bool {
        let sum: u32 = self.digits.iter().zip(MOD11_WEIGHTS).map(|(&d, w)| u32::from(d) * w).sum();
        sum.is_multiple_of(11)
    }

    /// Soft problems to check with the citizen; empty for most numbers.
    #[must_use]
    pub fn warnings(&self) -> Vec<CprWarning> {
        if self.passes_modulus11() { Vec::new() } else { vec![CprWarning::Modulus11] }
    }

    /// `DDMMYY-XXXX`: the form shown unless staff ask for the full number.
    #[must_use]
    pub fn masked(&self) -> String {
        let date: String = self.digits[..6].iter().map(|d| char::from(b'0' + d)).collect();
        format!("{date}-XXXX")
    }

    /// The full number with a dash. Call only where showing or storing it is intended (and audited).
    #[must_use]
    pub fn reveal(&self) -> String {
        let all: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{}-{}", &all[..6], &all[6..])
    }

    /// The ten digits without a dash, the form used as a storage key.
    #[must_use]
    pub fn compact(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// Builds a number from a birth date and a four-digit serial whose first digit fits the century rule
    /// for that year; `None` if it does not. Used to make fictitious numbers.
    #[must_use]
    pub fn from_parts(birth: NaiveDate, serial: u16) -> Option<Self> {
        let year = u32::try_from(birth.year()).ok()?;
        let digit7 = u8::try_from(serial / 1000).ok()?;
        if serial > 9999 || century_year(digit7, year % 100) != year {
            return None;
        }
        Self::parse(&format!("{:02}{:02}{:02}{serial:04}", birth.day(), birth.month(), year % 100)).ok()
    }
}

/// The full year from digit 7 and the two-digit year, per the CPR office's table.
fn century_year(digit7: u8, yy: u32) -> u32 {
    let century = match (digit7, yy) {
        (4 | 9, 0..=36) | (5..=8, 0..=57) => 2000,
        (5..=8, _) => 1800,
        _ => 1900,
    };
    century + yy
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpr({})", self.masked())
    }
}

impl fmt::Display for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl FromStr for Cpr {
    type Err = CprError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// On the wire the full number travels (registry feeds, the audited reveal call); only `Debug`/`Display` mask.
impl Serialize for Cpr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.reveal())
    }
}

impl<'de> Deserialize<'de> for Cpr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpr(text: &str) -> Cpr {
        Cpr::parse(text).expect("valid test number")
    }

    fn year_of(text: &str) -> i32 {
        cpr(text).birth_date().year()
    }

    #[test]
    fn accepts_with_and_without_dash() {
        assert_eq!(cpr("070761-4285"), cpr("0707614285"));
        assert_eq!(cpr(" 0707614285 "), cpr("070761-4285"));
    }

    #[test]
    fn century_rule_across_every_digit7_range() {
        // digit 7 in 0–3: always 1900s.
        for d in 0..=3 {
            assert_eq!(year_of(&format!("010100{d}000")), 1900);
            assert_eq!(year_of(&format!("010199{d}000")), 1999);
        }
        // digit 7 in 4 or 9: 00–36 → 2000s, 37–99 → 1900s.
        for d in [4, 9] {
            assert_eq!(year_of(&format!("010100{d}000")), 2000);
            assert_eq!(year_of(&format!("010136{d}000")), 2036);
            assert_eq!(year_of(&format!("010137{d}000")), 1937);
            assert_eq!(year_of(&format!("010199{d}000")), 1999);
        }
        // digit 7 in 5–8: 00–57 → 2000s, 58–99 → 1800s.
        for d in 5..=8 {
            assert_eq!(year_of(&format!("010100{d}000")), 2000);
            assert_eq!(year_of(&format!("010157{d}000")), 2057);
            assert_eq!(year_of(&format!("010158{d}000")), 1858);
            assert_eq!(year_of(&format!("010199{d}000")), 1899);
        }
    }

    #[test]
    fn impossible_dates_are_rejected_with_a_reason() {
        assert_eq!(Cpr::parse("3102991234"), Err(CprError::InvalidDay));
        assert_eq!(Cpr::parse("0013991234"), Err(CprError::InvalidMonth));
        assert_eq!(Cpr::parse("0001991234"), Err(CprError::InvalidDay));
        // 29 February exists in 2000 (digit 7 = 4) but not in 1900 (digit 7 = 0).
        assert!(Cpr::parse("2902004000").is_ok());
        assert_eq!(Cpr::parse("2902000000"), Err(CprError::InvalidDay));
        assert_eq!(Cpr::parse("3204921234"), Err(CprError::InvalidDay));
    }

    #[test]
    fn malformed_text_is_rejected_with_a_reason() {
        assert_eq!(Cpr::parse("070761-428"), Err(CprError::WrongLength { found: 9 }));
        assert_eq!(Cpr::parse("07076142851"), Err(CprError::WrongLength { found: 11 }));
        assert_eq!(Cpr::parse("07076a4285"), Err(CprError::NotDigits));
        assert_eq!(Cpr::parse("0707-614285"), Err(CprError::NotDigits));
        assert_eq!(Cpr::parse(""), Err(CprError::WrongLength { found: 0 }));
        // The reason never repeats the digits.
        let message = Cpr::parse("3102991234").expect_err("invalid").to_string();
        assert!(!message.contains("310299"), "{message}");
    }

    #[test]
    fn failing_modulus11_is_only_a_warning() {
        // 070761-4285 is the CPR office's own example of a number that passes.
        assert!(cpr("0707614285").passes_modulus11());
        assert!(cpr("0707614285").warnings().is_empty());
        // A 1 January 2010 number of the kind issued since 2007 that fails the check: still accepted.
        let issued_since_2007 = cpr("010110-4002");
        assert!(!issued_since_2007.passes_modulus11());
        assert_eq!(issued_since_2007.warnings(), vec![CprWarning::Modulus11]);
        assert_eq!(issued_since_2007.birth_date(), NaiveDate::from_ymd_opt(2010, 1, 1).expect("date"));
    }

    #[test]
    fn replacement_numbers_are_their_own_kind() {
        let replacement = cpr("670761-4285");
        assert_eq!(replacement.kind(), CprKind::Replacement);
        assert_eq!(replacement.birth_date(), NaiveDate::from_ymd_opt(1961, 7, 7).expect("date"));
        assert_eq!(cpr("070761-4285").kind(), CprKind::Ordinary);
        // Day + 60 must still be a real day: 31 + 60 = 91 exists in July, 92 exists nowhere.
        assert!(Cpr::parse("910761-4285").is_ok());
        assert_eq!(Cpr::parse("920761-4285"), Err(CprError::InvalidDay));
    }

    #[test]
    fn gender_from_last_digit() {
        assert_eq!(cpr("070761-4284").gender(), Gender::Female);
        assert_eq!(cpr("070761-4285").gender(), Gender::Male);
    }

    #[test]
    fn masking_and_debug_never_show_the_serial() {
        let number = cpr("070761-4285");
        assert_eq!(number.masked(), "070761-XXXX");
        assert_eq!(number.to_string(), "070761-XXXX");
        let debug = format!("{number:?} {:?}", Some(number));
        assert!(!debug.contains("4285"), "{debug}");
        assert_eq!(number.reveal(), "070761-4285");
        assert_eq!(number.compact(), "0707614285");
    }

    #[test]
    fn age_counts_whole_years() {
        let number = cpr("070761-4285");
        let day_before = NaiveDate::from_ymd_opt(2026, 7, 6).expect("date");
        let birthday = NaiveDate::from_ymd_opt(2026, 7, 7).expect("date");
        assert_eq!(number.age_on(day_before), 64);
        assert_eq!(number.age_on(birthday), 65);
    }

    #[test]
    fn built_from_parts_round_trips() {
        let birth = NaiveDate::from_ymd_opt(2011, 3, 9).expect("date");
        let number = Cpr::from_parts(birth, 4123).expect("a 2011 birth with digit 7 = 4");
        assert_eq!(number.birth_date(), birth);
        assert!(Cpr::from_parts(birth, 1123).is_none(), "digit 7 = 1 means the 1900s");
    }
}
