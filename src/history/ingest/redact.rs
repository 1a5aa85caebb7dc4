//! Error messages from parsers quote what they were given (``invalid type: integer `707614285` ``, a path
//! segment, a line of a feed). Those values may be CPR numbers or names, and the messages go to clients and
//! logs, so every parser message is redacted here before it is shown: values go, field names and what was
//! expected stay.

/// A parser's message without the values it quotes: double-quoted parts become `"…"`; a backtick-quoted part is
/// kept only where it is what was expected (`` expected one of `da`, `en` ``) or a field name in a message about
/// fields (`` missing field `cpr` ``), and is dropped otherwise (`` invalid type: integer `707614285` ``).
#[must_use]
pub fn parser_message(message: &str) -> String {
    let about_fields = ["unknown field", "missing field", "duplicate field"].iter().any(|p| message.contains(p));
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    let mut in_expected = false;
    while let Some(open) = rest.find(['`', '"']) {
        let (before, from) = rest.split_at(open);
        note_context(before, &mut in_expected);
        out.push_str(before);
        let quote = from.as_bytes()[0] as char;
        let Some(close) = from[1..].find(quote) else {
            // An unmatched quote: drop what follows it rather than risk a value.
            return tidy(&out);
        };
        let quoted = &from[1..=close];
        rest = &from[close + 2..];
        if quote == '"' {
            out.push_str("\"…\"");
        } else if in_expected || about_fields && identifier_like(quoted) && !in_expected_value(&out) {
            out.push('`');
            out.push_str(quoted);
            out.push('`');
        }
    }
    note_context(rest, &mut in_expected);
    out.push_str(rest);
    tidy(&out)
}

/// Tracks whether the text so far has entered an "expected …" clause (our schema's words) or left it for what
/// was found (the input's).
fn note_context(text: &str, in_expected: &mut bool) {
    let expected = text.rfind("expected");
    let found = ["found", "got", "with value"].iter().filter_map(|w| text.rfind(w)).max();
    match (expected, found) {
        (Some(e), Some(f)) => *in_expected = e > f,
        (Some(_), None) => *in_expected = true,
        (None, Some(_)) => *in_expected = false,
        (None, None) => {}
    }
}

/// In ``unknown variant `x` `` the quoted word is a value, even though the message is about fields elsewhere.
fn in_expected_value(so_far: &str) -> bool {
    ["variant ", "value ", "type: "].iter().any(|w| so_far.trim_end().ends_with(w.trim_end()))
}

fn identifier_like(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Collapses the gaps dropped values leave (`integer , expected` → `integer, expected`).
fn tidy(text: &str) -> String {
    let mut out = text.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    for (from, to) in [(" ,", ","), (" :", ":"), (" )", ")"), ("( ", "(")] {
        out = out.replace(from, to);
    }
    out
}

/// Parses `T` from JSON, naming the field a failure is at (`occurred_at: premature end of input`) and quoting no
/// value.
pub fn parse_json<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, super::InputError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." { "body".to_owned() } else { path };
        super::InputError::Invalid { field, message: parser_message(&error.into_inner().to_string()) }
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // Only parsed, to produce real parser messages.
    struct Input {
        cpr: String,
        count: u32,
        language: Option<Language>,
        id: Option<uuid::Uuid>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Language {
        Da,
        En,
    }

    fn message(json: &str) -> String {
        parser_message(&serde_json::from_str::<Input>(json).expect_err("invalid").to_string())
    }

    #[test]
    fn values_go_and_what_was_expected_stays() {
        let wrong_type = message(r#"{"cpr": 707614285, "count": 1}"#);
        assert!(!wrong_type.contains("707614285"), "{wrong_type}");
        assert!(wrong_type.starts_with("invalid type: integer, expected a string"), "{wrong_type}");
        let variant = message(r#"{"cpr": "x", "count": 1, "language": "Søren Ærø"}"#);
        assert!(!variant.contains("Søren"), "{variant}");
        assert!(variant.contains("`da`") && variant.contains("`en`"), "{variant}");
        let value = message(r#"{"cpr": "x", "count": -707614285}"#);
        assert!(!value.contains("707614285"), "{value}");
        let uuid = message(r#"{"cpr": "x", "count": 1, "id": "0707614285"}"#);
        assert!(!uuid.contains("0707614285") && !uuid.contains("found `0`"), "{uuid}");
    }

    #[test]
    fn field_names_stay_in_messages_about_fields() {
        assert!(message(r#"{"count": 1}"#).contains("missing field `cpr`"));
        let unknown = message(r#"{"cpr": "x", "count": 1, "nmae": "y"}"#);
        assert!(unknown.starts_with("unknown field `nmae`, expected one of `cpr`"), "{unknown}");
        let odd_key = message(r#"{"cpr": "x", "count": 1, "0707614285": "y"}"#);
        assert!(!odd_key.contains("0707614285"), "a key that is not a name is dropped: {odd_key}");
    }

    #[test]
    fn double_quotes_and_broken_quotes_hide_their_content() {
        assert_eq!(
            parser_message("invalid type: string \"Jens Hansen\", expected u32 at line 1 column 9"),
            "invalid type: string \"…\", expected u32 at line 1 column 9"
        );
        let path = parser_message("Cannot parse `id` with value `0707614285` to a `u128`");
        assert!(!path.contains("0707614285"), "{path}");
        assert_eq!(parser_message("bad `0707614285"), "bad");
    }
}
