//! One field of a partial update, as registry feeds send them: a field left out keeps what is stored, `null`
//! clears it, and a value replaces it. A feed that knows only a citizen's name and CPR number must not erase the
//! phones, e-mails and Digital Post status another feed gave.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field of a partial update.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Field<T> {
    /// Not in the input: keep what is stored.
    #[default]
    Absent,
    /// `null`: clear it.
    Null,
    /// Replace it with this.
    Value(T),
}

impl<T> Field<T> {
    /// Whether the input left the field out (for `skip_serializing_if`).
    #[must_use]
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The field as it becomes: `current` kept, `cleared` when cleared, or the new value.
    #[must_use]
    pub fn apply(self, current: T, cleared: T) -> T {
        match self {
            Self::Absent => current,
            Self::Null => cleared,
            Self::Value(value) => value,
        }
    }

    /// The new value, if one was given.
    #[must_use]
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// Maps the value, keeping absence and `null`; stops at the first error.
    pub fn try_map<U, E>(self, map: impl FnOnce(T) -> Result<U, E>) -> Result<Field<U>, E> {
        Ok(match self {
            Self::Absent => Field::Absent,
            Self::Null => Field::Null,
            Self::Value(value) => Field::Value(map(value)?),
        })
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    /// Called only for a field that is present (absence is `#[serde(default)]`): `null` or a value.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Self::Null, Self::Value))
    }
}

impl<T: Serialize> Serialize for Field<T> {
    /// An absent field should be skipped by the container (`skip_serializing_if = "Field::is_absent"`); if it is
    /// not, it is written as `null`, which clears.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(value) => serializer.serialize_some(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Update {
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        district: Field<String>,
    }

    #[test]
    fn absent_null_and_a_value_are_three_things() {
        let parse = |json: &str| serde_json::from_str::<Update>(json).expect("valid").district;
        assert_eq!(parse("{}"), Field::Absent);
        assert_eq!(parse(r#"{"district": null}"#), Field::Null);
        assert_eq!(parse(r#"{"district": "Amager"}"#), Field::Value("Amager".to_owned()));
        let stored = Some("Nørrebro".to_owned());
        assert_eq!(parse("{}").map_into().apply(stored.clone(), None), stored);
        assert_eq!(parse(r#"{"district": null}"#).map_into().apply(stored.clone(), None), None);
        for json in ["{}", r#"{"district":null}"#, r#"{"district":"Amager"}"#] {
            let update: Update = serde_json::from_str(json).expect("valid");
            assert_eq!(serde_json::to_string(&update).expect("json"), json, "round trip");
        }
    }

    impl Field<String> {
        fn map_into(self) -> Field<Option<String>> {
            match self {
                Field::Absent => Field::Absent,
                Field::Null => Field::Null,
                Field::Value(value) => Field::Value(Some(value)),
            }
        }
    }
}
