//! Dynamic SQL with numbered placeholders (`$1`, `$2` …), the one form both SQLite and PostgreSQL accept.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};

use super::StoreResult;

/// A result row by column name, whichever driver read it, so one decoder serves both read paths.
pub(crate) trait Columns {
    fn text(&self, name: &str) -> StoreResult<String>;
    fn opt_text(&self, name: &str) -> StoreResult<Option<String>>;
    fn int(&self, name: &str) -> StoreResult<i64>;
}

impl Columns for AnyRow {
    fn text(&self, name: &str) -> StoreResult<String> {
        Ok(self.try_get(name)?)
    }

    fn opt_text(&self, name: &str) -> StoreResult<Option<String>> {
        Ok(self.try_get(name)?)
    }

    fn int(&self, name: &str) -> StoreResult<i64> {
        Ok(self.try_get(name)?)
    }
}

/// A bound value.
#[derive(Clone, Debug)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
    /// Text or NULL.
    OptText(Option<String>),
}

/// SQL text plus its parameters, built piece by piece.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    text: String,
    params: Vec<Param>,
}

impl Sql {
    pub(crate) fn new(text: &str) -> Self {
        Self { text: text.to_owned(), params: Vec::new() }
    }

    /// Appends literal SQL.
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `param`.
    pub(crate) fn bind(&mut self, param: Param) -> &mut Self {
        self.params.push(param);
        self.text.push('$');
        self.text.push_str(&self.params.len().to_string());
        self
    }

    /// Appends `(p1, p2, …)` for an `IN` list.
    pub(crate) fn bind_list(&mut self, params: impl IntoIterator<Item = Param>) -> &mut Self {
        self.push("(");
        for (index, param) in params.into_iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            self.bind(param);
        }
        self.push(")")
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn params(&self) -> &[Param] {
        &self.params
    }

    /// The query, ready to run.
    pub(crate) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.params.iter().fold(sqlx::query(&self.text), |query, param| match param {
            Param::Int(value) => query.bind(*value),
            Param::Text(value) => query.bind(value.as_str()),
            Param::OptText(value) => query.bind(value.as_deref()),
        })
    }
}

/// A `LIKE` pattern matching text that starts with `word`, escaped like [`contains_pattern`].
pub(crate) fn starts_pattern(word: &str) -> String {
    format!("{}%", escape_like(word))
}

pub(crate) fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A `LIKE` pattern matching `word` anywhere, with `%`, `_` and `\` escaped (use with `ESCAPE '\'`).
pub(crate) fn contains_pattern(word: &str) -> String {
    format!("%{}%", escape_like(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        sql.bind(Param::Int(1)).push(" AND b IN ").bind_list([Param::Text("x".into()), Param::Int(2)]);
        assert_eq!(sql.text, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
