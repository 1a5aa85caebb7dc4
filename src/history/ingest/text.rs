//! Control characters in text input. A NUL makes PostgreSQL refuse the statement (a 500 before this check), and
//! the rest have no place in a name, a summary or a search: they hide text from people who read it later.
//! Tab and line breaks (LF, or CR LF from Windows) are the only ones allowed.

use serde_json::Value;

/// Whether `text` holds a control character other than tab, LF or the CR of a CR LF.
#[must_use]
pub fn has_control_character(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed = match c {
            '\t' | '\n' => true,
            '\r' => chars.peek() == Some(&'\n'),
            _ => !c.is_control(),
        };
        if !allowed {
            return true;
        }
    }
    false
}

/// The path (`citizen.cpr`, `next_steps[2].text`) of the first string or key in `value` that holds a control
/// character, if any; the path names fields only, never a value.
#[must_use]
pub fn control_character_path(value: &Value) -> Option<String> {
    find(value, String::new())
}

fn find(value: &Value, path: String) -> Option<String> {
    match value {
        Value::String(text) => has_control_character(text).then(|| or_body(path)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| find(item, format!("{path}[{i}]"))),
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if has_control_character(key) {
                // The key itself is input: name where it sits, not what it says.
                return Some(format!("{} (a field name)", or_body(path.clone())));
            }
            find(item, field)
        }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

fn or_body(path: String) -> String {
    if path.is_empty() { "body".to_owned() } else { path }
}

/// Whether a JSON text may hold a control character in a string: as an escape (`\u0000`) or as a raw C1 or DEL
/// character. Raw C0 characters are not valid JSON inside strings and fail parsing anyway. A cheap test, so only
/// suspicious bodies are parsed twice.
#[must_use]
pub fn may_hold_control_character(json: &[u8]) -> bool {
    json.windows(2).any(|w| w == b"\\u" || w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1])) || json.contains(&0x7F)
}

/// The message for a field that holds a control character.
#[must_use]
pub fn message(field: &str) -> String {
    format!("{field}: contains a control character; only tab and line breaks are allowed in text")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_and_line_breaks_pass_other_controls_do_not() {
        for ok in ["Søren Ærø", "linje 1\nlinje 2", "a\tb", "Windows\r\nlinjer", ""] {
            assert!(!has_control_character(ok), "{ok:?}");
        }
        for bad in ["nul\0", "bell\u{7}", "cr alone\r", "esc\u{1b}[31m", "del\u{7f}", "c1\u{85}", "\u{9b}"] {
            assert!(has_control_character(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_path_names_the_field_never_the_value() {
        let value = serde_json::json!({
            "name": "Jens", "citizen": {"cpr": "0707614285"}, "next_steps": [{"text": "ok"}, {"text": "x\u{0}y"}]
        });
        assert_eq!(control_character_path(&value).as_deref(), Some("next_steps[1].text"));
        let key = serde_json::json!({"citizen": {"c\u{0}pr": "1"}});
        assert_eq!(control_character_path(&key).as_deref(), Some("citizen (a field name)"));
        assert_eq!(control_character_path(&serde_json::json!("\u{0}")).as_deref(), Some("body"));
        assert_eq!(control_character_path(&serde_json::json!({"a": ["fine", 1, null]})), None);
    }

    #[test]
    fn the_quick_test_catches_escapes_and_raw_c1() {
        assert!(may_hold_control_character(br#"{"a":"\u0000"}"#));
        assert!(may_hold_control_character("{\"a\":\"\u{85}\"}".as_bytes()));
        assert!(may_hold_control_character(b"{\"a\":\"\x7f\"}"));
        assert!(!may_hold_control_character("{\"a\":\"Søren\\n\"}".as_bytes()));
    }
}
