//! Departments of the municipality and other public authorities that own contacts and cases.
//!
//! An open set: the catalogue is data (`assets/authorities.tsv`), not an enum, because new sources appear
//! (a new state agency, a merged department) and must not need a new release of every console.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::language::Language;

/// A stable identifier such as `borgerservice` or `udbetaling-danmark`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(transparent)]
pub struct AuthorityId(pub String);

impl AuthorityId {
    /// The identifier as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether the authority is part of the municipality or another public body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthorityKind {
    /// One of the municipality's own departments ("forvaltning").
    Department,
    /// Another public authority ("myndighed").
    External,
}

/// One authority with its names in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Authority {
    pub id: AuthorityId,
    pub kind: AuthorityKind,
    pub name_da: String,
    pub name_en: String,
}

impl Authority {
    /// Display name in the given language.
    #[must_use]
    pub fn name(&self, lang: Language) -> &str {
        match lang {
            Language::Da => &self.name_da,
            Language::En => &self.name_en,
        }
    }
}

/// Why an authority catalogue could not be read.
#[derive(Debug, thiserror::Error)]
#[error("authorities line {line}: {reason}")]
pub struct AuthorityCatalogError {
    pub line: usize,
    pub reason: String,
}

/// The known authorities, keyed by id.
#[derive(Clone, Debug, Default)]
pub struct AuthorityCatalog {
    by_id: BTreeMap<AuthorityId, Authority>,
}

const BUILTIN: &str = include_str!("../../assets/authorities.tsv");

impl AuthorityCatalog {
    /// The catalogue shipped with the application.
    #[must_use]
    pub fn builtin() -> Self {
        // The shipped file is checked by a unit test, so a failure here is a build defect.
        Self::parse(BUILTIN).unwrap_or_default()
    }

    /// Parses `id<TAB>kind<TAB>name_da<TAB>name_en` lines after a header line.
    pub fn parse(text: &str) -> Result<Self, AuthorityCatalogError> {
        let mut by_id = BTreeMap::new();
        for (index, raw) in text.lines().enumerate().skip(1) {
            let line = index + 1;
            if raw.trim().is_empty() {
                continue;
            }
            let fail = |reason: &str| AuthorityCatalogError { line, reason: reason.to_owned() };
            let fields: Vec<&str> = raw.split('\t').collect();
            let [id, kind, name_da, name_en] = fields[..] else {
                return Err(fail("expected 4 tab-separated fields: id, kind, name_da, name_en"));
            };
            let kind = match kind {
                "department" => AuthorityKind::Department,
                "external" => AuthorityKind::External,
                _ => return Err(fail("kind must be 'department' or 'external'")),
            };
            let id = AuthorityId(id.to_owned());
            let authority =
                Authority { id: id.clone(), kind, name_da: name_da.to_owned(), name_en: name_en.to_owned() };
            if by_id.insert(id, authority).is_some() {
                return Err(fail("duplicate id"));
            }
        }
        Ok(Self { by_id })
    }

    /// The authority with this id, if known.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Authority> {
        self.by_id.get(&AuthorityId(id.to_owned()))
    }

    /// All authorities, departments first, then by id.
    #[must_use]
    pub fn all(&self) -> Vec<&Authority> {
        let mut all: Vec<&Authority> = self.by_id.values().collect();
        all.sort_by_key(|a| (a.kind != AuthorityKind::Department, a.id.clone()));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_parses_and_holds_departments_and_external_authorities() {
        let catalog = AuthorityCatalog::parse(BUILTIN).expect("shipped catalogue parses");
        assert!(catalog.get("borgerservice").is_some());
        assert_eq!(catalog.get("udbetaling-danmark").map(|a| a.kind), Some(AuthorityKind::External));
        let departments = catalog.all().iter().filter(|a| a.kind == AuthorityKind::Department).count();
        assert_eq!(departments, 7);
        assert_eq!(catalog.all().len(), 13);
    }

    #[test]
    fn errors_name_the_line() {
        let err = AuthorityCatalog::parse("id\tkind\tname_da\tname_en\nx\tother\ta\tb\n").expect_err("bad kind");
        assert_eq!(err.line, 2);
    }
}
