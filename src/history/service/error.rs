//! One error type for every failure, rendered as `{"error":{"code","message"}}`.
//!
//! Internal errors reach the client as a generic 500; their detail travels in a response extension to the
//! logging middleware, which is the one place that logs it.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::history::api::{ErrorBody, ErrorCode, ErrorDetail};
use crate::history::ingest::{InputError, redact};
use crate::history::store::StoreError;

/// An error response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    /// Detail for the server log only (internal errors).
    internal: Option<String>,
    /// Seconds until a refused request may be tried again (429).
    retry_after: Option<u64>,
}

/// The code and, for 5xx, the detail, attached to a response for the logging middleware.
#[derive(Clone, Debug)]
pub struct ErrorTrace {
    pub code: ErrorCode,
    pub internal: Option<String>,
}

impl ApiError {
    /// An error with a status, a stable code and a message for people.
    #[must_use]
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), internal: None, retry_after: None }
    }

    /// 429: this token sent too many requests; `seconds` until the next one is let through.
    #[must_use]
    pub fn too_many_requests(seconds: u64) -> Self {
        let message = format!("too many requests with this token; try again in {seconds} s");
        Self { retry_after: Some(seconds), ..Self::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited, message) }
    }

    #[must_use]
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    #[must_use]
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    #[must_use]
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    #[must_use]
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, format!("no such {what}"))
    }

    #[must_use]
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    #[must_use]
    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// A failure of ours; `detail` is logged, never sent.
    #[must_use]
    pub fn internal(detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: ErrorCode::Internal,
            message: "the service could not complete the request; it has been logged".into(),
            internal: Some(detail.into()),
            retry_after: None,
        }
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message } };
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response.extensions_mut().insert(ErrorTrace { code: self.code, internal: self.internal });
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::internal(error.to_string())
    }
}

impl From<InputError> for ApiError {
    fn from(error: InputError) -> Self {
        let message = error.to_string();
        match error {
            InputError::InvalidCpr { .. } => Self::unprocessable(ErrorCode::InvalidCpr, message),
            InputError::Invalid { .. } => Self::unprocessable(ErrorCode::InvalidField, message),
            InputError::UnknownCitizen(_) => Self::unprocessable(ErrorCode::UnknownCitizen, message),
            InputError::EventConflict => Self::conflict(ErrorCode::EventConflict, message),
            InputError::Store(store) => store.into(),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let code = match &rejection {
            JsonRejection::JsonSyntaxError(_) => ErrorCode::InvalidJson,
            JsonRejection::JsonDataError(_) => ErrorCode::InvalidBody,
            JsonRejection::MissingJsonContentType(_) => ErrorCode::UnsupportedMediaType,
            JsonRejection::BytesRejection(_) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ErrorCode::BodyTooLarge
            }
            _ => ErrorCode::UnreadableBody,
        };
        let message = if code == ErrorCode::BodyTooLarge {
            format!("the request body is larger than the limit of {} bytes", crate::history::api::MAX_BODY_BYTES)
        } else {
            redact::parser_message(&rejection.body_text())
        };
        Self::new(rejection.status(), code, message)
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::bad_request(ErrorCode::InvalidQuery, redact::parser_message(&rejection.body_text()))
    }
}

impl From<PathRejection> for ApiError {
    /// Never the parser's text: it quotes the path segment, which a careless client may fill with a CPR number.
    fn from(rejection: PathRejection) -> Self {
        use axum::extract::path::ErrorKind;
        let field = match &rejection {
            PathRejection::FailedToDeserializePathParams(failed) => match failed.kind() {
                ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::InvalidUtf8InPathParam { key } => Some(key.clone()),
                _ => None,
            },
            _ => None,
        };
        let message = match field {
            Some(key) => format!("{key}: not a valid id; ids in paths are UUIDs"),
            None => "the path holds a value that is not a valid id; ids in paths are UUIDs".to_owned(),
        };
        Self::bad_request(ErrorCode::InvalidPath, message)
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
