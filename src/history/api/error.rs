//! The codes of the API's errors: one enum that the service answers with, the client matches on and the OpenAPI
//! document lists, so a code cannot be misspelt on one side.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a request failed, in `{"error": {"code", "message"}}`. The message is for people; the code is for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not JSON.
    InvalidJson,
    /// The body is JSON of the wrong shape: a missing or unknown field, a wrong type.
    InvalidBody,
    UnsupportedMediaType,
    UnreadableBody,
    BodyTooLarge,
    BodyTimeout,
    InvalidQuery,
    InvalidPath,
    InvalidCursor,
    MissingPurpose,
    InvalidPurpose,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    RateLimited,
    InvalidCpr,
    InvalidPhone,
    /// A field breaks a rule; the message names the field.
    InvalidField,
    UnknownCitizen,
    QueryTooShort,
    QueryTooLong,
    SessionConflict,
    EventConflict,
    IdentityConflict,
    FictitiousConflict,
    LastAdmin,
    CitizenMerged,
    MergeRefused,
    AlreadyUndone,
    MergeSuperseded,
    /// A failure of the service's own; the detail is in its log.
    Internal,
    /// Not from the service: the client's word for a contact that went to the unmatched queue.
    EventQueued,
    /// Not from the service: an answer without our error body (a proxy's page, say).
    Http,
    /// A code this program does not know (a newer service).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code as it is written on the wire.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::InvalidBody => "invalid_body",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::UnreadableBody => "unreadable_body",
            Self::BodyTooLarge => "body_too_large",
            Self::BodyTimeout => "body_timeout",
            Self::InvalidQuery => "invalid_query",
            Self::InvalidPath => "invalid_path",
            Self::InvalidCursor => "invalid_cursor",
            Self::MissingPurpose => "missing_purpose",
            Self::InvalidPurpose => "invalid_purpose",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::RateLimited => "rate_limited",
            Self::InvalidCpr => "invalid_cpr",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidField => "invalid_field",
            Self::UnknownCitizen => "unknown_citizen",
            Self::QueryTooShort => "query_too_short",
            Self::QueryTooLong => "query_too_long",
            Self::SessionConflict => "session_conflict",
            Self::EventConflict => "event_conflict",
            Self::IdentityConflict => "identity_conflict",
            Self::FictitiousConflict => "fictitious_conflict",
            Self::LastAdmin => "last_admin",
            Self::CitizenMerged => "citizen_merged",
            Self::MergeRefused => "merge_refused",
            Self::AlreadyUndone => "already_undone",
            Self::MergeSuperseded => "merge_superseded",
            Self::Internal => "internal",
            Self::EventQueued => "event_queued",
            Self::Http => "http",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_written_as_serde_writes_it() {
        let codes = [
            ErrorCode::InvalidJson,
            ErrorCode::BodyTimeout,
            ErrorCode::FictitiousConflict,
            ErrorCode::MergeSuperseded,
            ErrorCode::EventQueued,
        ];
        for code in codes {
            assert_eq!(serde_json::to_value(code).expect("json"), serde_json::json!(code.as_str()));
        }
        let newer: ErrorCode = serde_json::from_str("\"something_new\"").expect("an unknown code still reads");
        assert_eq!(newer, ErrorCode::Unknown);
    }
}
