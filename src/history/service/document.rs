//! The rules the service checks, declared in its OpenAPI document, so that a client (or a fuzzer) built from the
//! document sends what the service accepts.
//!
//! The derive macros describe shapes; what they cannot say is added here, in one table: that no text holds a
//! control character, what a CPR number, phone number, e-mail address or KLE number looks like, which authority
//! ids and channels exist (from the catalogue this instance serves), the bounds of lengths and numbers, and a
//! valid example of every request body. Where the service is more lenient (a CPR number with surrounding spaces,
//! a Windows line break), the document states the stricter, ordinary form.

use serde_json::{Map, Value, json};

use crate::domain::{AuthorityCatalog, Channel, Purpose};

/// One line of text: no control characters, and not blank.
pub const LINE: &str =
    "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$";
/// Text that may hold tabs and line breaks, and nothing else below space; not blank.
pub const TEXT: &str = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$";
/// [`TEXT`] that may be empty.
pub const NOTES: &str = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$";
/// `DDMMYY-SSSS` or `DDMMYYSSSS`.
pub const CPR: &str = "^(0[1-9]|[12][0-9]|3[01])(0[1-9]|1[0-2])[0-9]{2}-?[0-9]{4}$";
/// Eight digits, or `+` (or `00`) and a country code with 7 to 15 digits in all.
pub const PHONE: &str = "^([0-9]{8}|\\+[0-9]{7,15}|00[0-9]{7,15})$";
pub const EMAIL: &str = "^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$";
/// A KLE number: `23`, `23.05` or `23.05.10`.
pub const KLE_NUMBER: &str = "^[0-9]{2}(\\.[0-9]{2}){0,2}$";
/// A comma-separated list of KLE numbers or prefixes (`23`, `23.05`, `23.05.10`).
pub const KLE_LIST: &str = "^[0-9]{2}(\\.[0-9]{2}){0,2}(,[0-9]{2}(\\.[0-9]{2}){0,2}){0,49}$";
/// A time from 1900 to 2099 in RFC 3339 (UTC); the service also refuses one more than a day ahead.
pub const TIME: &str = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?Z$";
/// A name search: at most 100 characters with at least one word of three letters.
pub const NAME_QUERY: &str =
    "^[^\\u0000-\\u001F\\u007F-\\u009F]*[A-Za-zÀ-ÖØ-öø-ÿ]{3}[^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// Request bodies and the schemas inside them: every plain string in them gets [`LINE`] unless said otherwise.
const INPUTS: [&str; 14] = [
    "CitizenInput",
    "CitizenRef",
    "EventInput",
    "SessionInput",
    "StaffInput",
    "NextStep",
    "GuideRun",
    "StepRecord",
    "StepState",
    "GroupPart",
    "PowerOfAttorney",
    "DigitalPostStatus",
    "LinkInput",
    "MergeInput",
];

/// Adds the service's rules to `doc` (the document as JSON), for an instance serving `authorities`.
pub fn declare(doc: &mut Value, authorities: &AuthorityCatalog) {
    let authority_ids: Vec<String> = authorities.all().iter().map(|a| a.id.as_str().to_owned()).collect();
    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for name in INPUTS {
            if let Some(schema) = schemas.get_mut(name) {
                lines_everywhere(schema);
            }
        }
        properties(schemas, &authority_ids);
        examples(schemas);
    }
    if let Some(paths) = doc.pointer_mut("/paths").and_then(Value::as_object_mut) {
        for (path, operations) in paths.iter_mut() {
            for operation in operations.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
                for parameter in operation.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
                    parameter_rule(path, parameter, &authority_ids);
                }
            }
        }
    }
}

/// Gives every plain string (no format, enum or pattern yet) in `schema` the one-line rule.
fn lines_everywhere(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let plain_string = is_string(map) && !["format", "enum", "pattern"].iter().any(|k| map.contains_key(*k));
            if plain_string {
                map.insert("pattern".into(), json!(LINE));
            }
            for value in map.values_mut() {
                lines_everywhere(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(lines_everywhere),
        _ => {}
    }
}

fn is_string(map: &Map<String, Value>) -> bool {
    match map.get("type") {
        Some(Value::String(kind)) => kind == "string",
        Some(Value::Array(kinds)) => kinds.iter().any(|k| k == "string"),
        _ => false,
    }
}

/// Sets `rules` on the property `property` of the schema `schema` (a nullable one keeps its null).
fn set(schemas: &mut Map<String, Value>, schema: &str, property: &str, rules: &Value) {
    let target = schemas.get_mut(schema).and_then(|s| s.pointer_mut(&format!("/properties/{property}")));
    if let (Some(Value::Object(target)), Value::Object(rules)) = (target, rules) {
        for (key, value) in rules {
            // A null rule takes a key away (`type`, where a `oneOf` says it).
            if value.is_null() {
                target.remove(key);
            } else {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

fn properties(schemas: &mut Map<String, Value>, authority_ids: &[String]) {
    let line = |max: usize| json!({ "pattern": LINE, "minLength": 1, "maxLength": max });
    // One schema both inputs refer to. Listing KLE's 2,214 numbers as an enum would make the document ten times
    // its size; the number must be one of them (assets/kle-topics.tsv), which the service checks.
    schemas.insert(
        "KleNumber".into(),
        json!({ "type": "string", "pattern": KLE_NUMBER,
                "description": "A number in KLE (main group, group or topic), e.g. `23.05.10`" }),
    );
    let kle = json!({ "type": null, "oneOf": [{ "$ref": "#/components/schemas/KleNumber" }, { "type": "null" }] });
    let authority = json!({ "enum": authority_ids });
    let rules = [
        ("CitizenInput", "cpr", json!({ "pattern": CPR })),
        ("CitizenInput", "earlier_cprs", json!({ "items": { "type": "string", "pattern": CPR }, "maxItems": 20 })),
        ("CitizenInput", "name", line(200)),
        ("CitizenInput", "district", line(200)),
        ("CitizenInput", "phones", json!({ "items": { "type": "string", "pattern": PHONE }, "maxItems": 20 })),
        ("CitizenInput", "emails", json!({ "items": { "type": "string", "pattern": EMAIL }, "maxItems": 20 })),
        ("EventInput", "source", line(200)),
        ("EventInput", "source_id", line(200)),
        ("EventInput", "authority", authority.clone()),
        ("EventInput", "kle", kle.clone()),
        ("EventInput", "case_ref", line(200)),
        ("EventInput", "summary", json!({ "pattern": TEXT, "minLength": 1, "maxLength": 2000 })),
        ("EventInput", "staff", line(200)),
        ("EventInput", "occurred_at", json!({ "pattern": TIME })),
        ("SessionInput", "authority", authority),
        ("SessionInput", "site", line(200)),
        ("SessionInput", "kle", kle),
        ("SessionInput", "summary", json!({ "pattern": TEXT, "minLength": 1, "maxLength": 2000 })),
        ("SessionInput", "notes", json!({ "pattern": NOTES, "maxLength": 4000 })),
        ("SessionInput", "referral", line(200)),
        ("SessionInput", "started_at", json!({ "pattern": TIME })),
        ("SessionInput", "ended_at", json!({ "pattern": TIME })),
        (
            "NextStep",
            "url",
            json!({ "pattern": "^(https://[A-Za-z0-9.-]+\\.[A-Za-z]{2,}(/[!-~]*)?|tel:\\+?[0-9]{3,15}|mailto:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})$" }),
        ),
        ("StaffInput", "name", line(200)),
        ("StaffInput", "site", line(200)),
    ];
    for (schema, property, rule) in &rules {
        set(schemas, schema, property, rule);
    }
    // serde reads a step's state from the same object (`flatten`), which the derive states as an `allOf` that
    // generators cannot merge; flat, it says the same.
    schemas.insert(
        "StepRecord".into(),
        json!({
            "type": "object",
            "description": "One step on the path a guide took; `reason` is required when `state` is `skipped`.",
            "required": ["step", "state", "seconds"],
            "properties": {
                "step": { "type": "string", "pattern": LINE, "maxLength": 200 },
                "state": { "type": "string", "enum": ["completed", "skipped", "stopped"] },
                "reason": { "type": "string", "pattern": LINE, "maxLength": 200 },
                "performed_by": { "oneOf": [{ "$ref": "#/components/schemas/Performer" }, { "type": "null" }] },
                "attorney": { "oneOf": [{ "$ref": "#/components/schemas/AttorneyKind" }, { "type": "null" }] },
                "seconds": { "type": "integer", "minimum": 0, "maximum": 86_400 }
            },
            "additionalProperties": false
        }),
    );
    // Exactly one way to name the citizen.
    if let Some(reference) = schemas.get_mut("CitizenRef").and_then(Value::as_object_mut) {
        let one =
            |name: &str, rule: Value| json!({ "type": "object", "required": [name], "properties": { name: rule } });
        reference.insert(
            "oneOf".into(),
            json!([
                one("id", json!({ "type": "string", "format": "uuid" })),
                one("cpr", json!({ "type": "string", "pattern": CPR })),
                one("phone", json!({ "type": "string", "pattern": PHONE })),
                one("email", json!({ "type": "string", "pattern": EMAIL })),
            ]),
        );
        reference.insert("minProperties".into(), json!(1));
        reference.insert("maxProperties".into(), json!(1));
    }
}

/// A valid example of every request body: what a reader copies, and what a fuzzer tries first.
fn examples(schemas: &mut Map<String, Value>) {
    let examples = [
        (
            "CitizenInput",
            json!({ "cpr": "070761-4285", "name": "Søren Ærø", "phones": ["+4520304050"],
                    "emails": ["soeren@example.com"], "preferred_language": "da", "district": "Nørrebro" }),
        ),
        (
            "EventInput",
            json!({ "source": "telefoni", "source_id": "call-1187", "citizen": { "cpr": "0707614285" },
                    "occurred_at": "2026-03-01T09:00:00Z", "channel": "phone", "authority": "borgerservice",
                    "kle": "23.05.10", "summary": "Spørgsmål om flytning" }),
        ),
        (
            "SessionInput",
            json!({ "citizen_id": null, "channel": "counter", "authority": "borgerservice",
                    "site": "Borgerservice Nørrebro", "started_at": "2026-03-02T09:00:00Z",
                    "ended_at": "2026-03-02T09:14:00Z", "kle": "23.05.10", "outcome": "completed",
                    "contact_kind": "transaction", "summary": "Flytning anmeldt med hjælp ved skranken",
                    "next_steps": [{ "text": "Tjek din Digital Post", "due": "2026-03-09",
                                     "url": "https://www.borger.dk/" }] }),
        ),
        ("StaffInput", json!({ "name": "Kim Skranke", "role": "counter", "site": "Borgerservice Nørrebro" })),
    ];
    for (schema, example) in examples {
        if let Some(Value::Object(map)) = schemas.get_mut(schema) {
            map.insert("example".into(), example);
        }
    }
}

/// The rule for one query, path or header parameter.
fn parameter_rule(path: &str, parameter: &mut Value, authority_ids: &[String]) {
    let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    let channels = Channel::ALL.map(Channel::code).join("|");
    let authorities = authority_ids.iter().map(|id| regex_escape(id)).collect::<Vec<_>>().join("|");
    let rule = match (path, name.as_str()) {
        (_, "X-Purpose") => json!({ "type": "string", "enum": Purpose::ALL.map(Purpose::code) }),
        (_, "from" | "to") => json!({ "type": "string", "format": "date" }),
        ("/v1/citizens", "cpr") => json!({ "type": "string", "pattern": CPR }),
        ("/v1/citizens", "phone") => json!({ "type": "string", "pattern": PHONE }),
        ("/v1/citizens", "q") => json!({ "type": "string", "pattern": NAME_QUERY, "maxLength": 100 }),
        (_, "channel") => json!({ "type": "string", "pattern": format!("^({channels})(,({channels})){{0,49}}$") }),
        (_, "authority") => {
            json!({ "type": "string", "pattern": format!("^({authorities})(,({authorities})){{0,49}}$") })
        }
        (_, "kle") => json!({ "type": "string", "pattern": KLE_LIST }),
        (_, "q") => json!({ "type": "string", "pattern": LINE, "maxLength": 200 }),
        (_, "cursor") => {
            json!({ "type": "string", "pattern": "^[0-9]{1,19}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" })
        }
        (_, "limit") => json!({ "type": "integer", "minimum": 1, "maximum": 500 }),
        _ => return,
    };
    if let Some(map) = parameter.as_object_mut() {
        map.insert("schema".into(), rule);
    }
}

/// An authority id as a literal inside a regular expression.
fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_strings_in_inputs_get_the_line_rule_and_named_fields_their_own() {
        let mut doc = serde_json::to_value(super::super::openapi()).expect("json");
        declare(&mut doc, &AuthorityCatalog::builtin());
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["CitizenInput"]["properties"]["cpr"]["pattern"], CPR);
        assert_eq!(schemas["EventInput"]["properties"]["source"]["maxLength"], 200);
        assert_eq!(schemas["PowerOfAttorney"]["properties"]["counterpart_name"]["pattern"], LINE);
        assert!(schemas["EventInput"]["properties"]["authority"]["enum"].as_array().is_some_and(|a| !a.is_empty()));
        assert!(schemas["SessionInput"]["example"].is_object());
        let search = &doc["paths"]["/v1/citizens"]["get"]["parameters"];
        let cpr = search.as_array().and_then(|p| p.iter().find(|p| p["name"] == "cpr")).expect("cpr");
        assert_eq!(cpr["schema"]["pattern"], CPR);
    }
}
