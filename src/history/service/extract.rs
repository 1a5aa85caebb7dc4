//! Extractors: the authenticated caller, the purpose of a read, and JSON/query/path with our error shape.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;
use crate::domain::{Capability, Purpose, Staff};
use crate::history::api::ErrorCode;
use crate::history::api::PURPOSE_HEADER;
use crate::history::ingest::text;

/// The staff member whose bearer token came with the request.
#[derive(Clone, Debug)]
pub struct Caller(pub Staff);

impl Caller {
    /// Refuses with 403 unless the caller's role allows `capability`.
    pub fn require(&self, capability: Capability) -> Result<(), ApiError> {
        if self.0.role.may(capability) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("the role '{}' may not do this", self.0.role.code())))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let failures = parts.extensions.get::<super::guard::AuthFailures>().cloned();
        let address = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        let guard = failures.as_ref().zip(address);
        if let Some((failures, address)) = guard {
            failures.check(address)?;
        }
        let failed = |error: ApiError| {
            if let Some((failures, address)) = guard {
                failures.failed(address);
            }
            error
        };
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or_else(|| failed(ApiError::unauthorized("send 'Authorization: Bearer <token>'")))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| failed(ApiError::unauthorized("the Authorization header must be 'Bearer <token>'")))?;
        let staff =
            state.store.staff_by_token(token).await?.ok_or_else(|| {
                failed(ApiError::unauthorized("the token is not valid (unknown, rotated or disabled)"))
            })?;
        if let Some(limiter) = parts.extensions.get::<super::guard::Limiter>() {
            limiter.check(staff.id)?;
        }
        if let Some(slot) = parts.extensions.get::<super::watch::CallerSlot>() {
            slot.set(staff.id);
        }
        Ok(Self(staff))
    }
}

/// Why the caller reads a citizen's data, from the `X-Purpose` header. Required on every read of personal data.
#[derive(Clone, Copy, Debug)]
pub struct ReadPurpose(pub Purpose);

impl<S: Send + Sync> FromRequestParts<S> for ReadPurpose {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let codes = || Purpose::ALL.iter().map(|p| p.code()).collect::<Vec<_>>().join(", ");
        let value = parts.headers.get(PURPOSE_HEADER).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::MissingPurpose,
                format!("reading citizen data needs a purpose: send the X-Purpose header with one of: {}", codes()),
            )
        })?;
        value.to_str().ok().and_then(Purpose::from_code).map(Self).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::InvalidPurpose,
                format!("unknown purpose in X-Purpose; use one of: {}", codes()),
            )
        })
    }
}

/// `axum::Json` whose rejection is an [`ApiError`], and which refuses control characters in any text (422,
/// naming the field) before the body reaches a handler or the database.
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with 'Content-Type: application/json'",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::BodyTooLarge, "the request body is too large")
            } else if timed_out(&rejection) {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    ErrorCode::BodyTimeout,
                    "the request body did not arrive in time",
                )
            } else {
                ApiError::bad_request(ErrorCode::UnreadableBody, "the request body could not be read")
            }
        })?;
        if text::may_hold_control_character(&bytes)
            && let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes)
            && let Some(field) = text::control_character_path(&value)
        {
            return Err(ApiError::unprocessable(ErrorCode::InvalidField, text::message(&field)));
        }
        let axum::Json(value) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Self(value))
    }
}

/// Whether reading a body failed because the connection loop's deadline ran out.
fn timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

impl<T: DeserializeOwned> AppJson<T> {
    /// Reads a request's JSON body. Handlers take the request last and call this after checking the caller's
    /// role, so a caller without the role is told 403 whatever the body holds.
    pub async fn read(request: Request) -> Result<T, ApiError> {
        Ok(Self::from_request(request, &()).await?.0)
    }
}

/// `application/json`, or a `+json` type, as axum's own JSON extractor accepts.
fn json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence
        .split_once('/')
        .is_some_and(|(kind, subtype)| kind == "application" && (subtype == "json" || subtype.ends_with("+json")))
}

/// `axum::extract::Query` whose rejection is an [`ApiError`], and which refuses control characters in any value
/// (400, naming the parameter).
pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            if text::has_control_character(&value) || text::has_control_character(&key) {
                let field = if text::has_control_character(&key) { "a parameter name" } else { &key };
                return Err(ApiError::bad_request(ErrorCode::InvalidQuery, text::message(field)));
            }
        }
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// `axum::extract::Path` whose rejection is an [`ApiError`].
pub struct AppPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for AppPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(value) = Path::<T>::from_request_parts(parts, state).await?;
        Ok(Self(value))
    }
}

/// Parses a `from`/`to` query bound; a bad one is a 400 like any other bad query.
pub fn query_bound(
    field: &str,
    value: Option<&str>,
    is_end: bool,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    value
        .map(|v| {
            crate::history::ingest::time_bound(field, v, is_end)
                .map_err(|e| ApiError::bad_request(ErrorCode::InvalidQuery, e.to_string()))
        })
        .transpose()
}
