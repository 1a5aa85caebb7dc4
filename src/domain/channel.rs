//! The channels a citizen reaches the public sector through.

use serde::{Deserialize, Serialize};

use super::language::{Language, pick};

/// Where a contact happened. Serialised in `snake_case` (`digital_post`, `social_media` …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Information pages on the web (kk.dk, borger.dk …).
    Web,
    /// A digital self-service solution (a form, an application).
    SelfService,
    Chatbot,
    Phone,
    /// A visit to a citizen centre counter.
    Counter,
    /// Video service ("skærmservice").
    Video,
    DigitalPost,
    Email,
    SocialMedia,
    App,
    /// A paper letter.
    Letter,
    /// A group session, e.g. seniors learning the MitID app at a library.
    GroupTraining,
}

impl Channel {
    /// Every channel in display order.
    pub const ALL: [Self; 12] = [
        Self::Web,
        Self::SelfService,
        Self::Chatbot,
        Self::Phone,
        Self::Counter,
        Self::Video,
        Self::DigitalPost,
        Self::Email,
        Self::SocialMedia,
        Self::App,
        Self::Letter,
        Self::GroupTraining,
    ];

    /// The wire code (`self_service`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::SelfService => "self_service",
            Self::Chatbot => "chatbot",
            Self::Phone => "phone",
            Self::Counter => "counter",
            Self::Video => "video",
            Self::DigitalPost => "digital_post",
            Self::Email => "email",
            Self::SocialMedia => "social_media",
            Self::App => "app",
            Self::Letter => "letter",
            Self::GroupTraining => "group_training",
        }
    }

    /// Parses a wire code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Display name in the given language.
    #[must_use]
    pub fn label(self, lang: Language) -> &'static str {
        match self {
            Self::Web => pick(lang, "Hjemmeside", "Website"),
            Self::SelfService => pick(lang, "Selvbetjening", "Self-service"),
            Self::Chatbot => pick(lang, "Chatbot", "Chatbot"),
            Self::Phone => pick(lang, "Telefon", "Phone"),
            Self::Counter => pick(lang, "Skranke", "Counter"),
            Self::Video => pick(lang, "Skærmservice", "Video call"),
            Self::DigitalPost => pick(lang, "Digital Post", "Digital Post"),
            Self::Email => pick(lang, "E-mail", "E-mail"),
            Self::SocialMedia => pick(lang, "Sociale medier", "Social media"),
            Self::App => pick(lang, "App", "App"),
            Self::Letter => pick(lang, "Brev", "Letter"),
            Self::GroupTraining => pick(lang, "Gruppeforløb", "Group session"),
        }
    }

    /// Whether the citizen served themselves on this channel (no staff member involved).
    #[must_use]
    pub fn is_self_service(self) -> bool {
        matches!(self, Self::Web | Self::SelfService | Self::Chatbot | Self::App)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_match_serde() {
        for channel in Channel::ALL {
            assert_eq!(Channel::from_code(channel.code()), Some(channel));
            let json = serde_json::to_string(&channel).expect("serialise");
            assert_eq!(json, format!("\"{}\"", channel.code()));
            assert!(!channel.label(Language::Da).is_empty());
            assert!(!channel.label(Language::En).is_empty());
        }
    }
}
