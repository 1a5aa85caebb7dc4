//! The HTTP client of the contact-history API, used by the console and the tests.
//!
//! Errors are typed and never carry a URL (queries hold CPR numbers and names) or the token.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::api::{
    AuditList, AuditParams, AuthorityList, CitizenExport, CitizenInput, CitizenMatches, CitizenProfile, CitizenSearch,
    CitizenWrite, ErrorBody, EventInput, EventPage, EventWrite, Health, Me, PURPOSE_HEADER, RevealedCpr, SessionInput,
    SessionList, SessionParams, SessionWrite, TimelineParams,
};
use crate::domain::{CitizenId, Purpose};

/// Why a call failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the service did not answer in time")]
    Timeout,
    #[error("could not reach the contact-history service: {0}")]
    Network(String),
    #[error("{message} (HTTP {status}, {code})")]
    Api { status: u16, code: String, message: String },
    #[error("the service sent an answer this console does not understand: {0}")]
    Decode(String),
    #[error("the service address or token is not usable: {0}")]
    Config(String),
}

impl ClientError {
    /// Whether trying again later may succeed (network trouble, timeouts, 5xx, 429).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Timeout | Self::Network(_) => true,
            Self::Api { status, .. } => *status >= 500 || *status == 429,
            Self::Decode(_) | Self::Config(_) => false,
        }
    }

    /// The HTTP status, for API errors.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error code, for API errors.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}

fn from_reqwest(error: reqwest::Error) -> ClientError {
    if error.is_timeout() {
        ClientError::Timeout
    } else if error.is_decode() {
        ClientError::Decode(error.without_url().to_string())
    } else {
        ClientError::Network(error.without_url().to_string())
    }
}

/// A client bound to one service and one staff member's token.
#[derive(Clone)]
pub struct HistoryClient {
    http: reqwest::Client,
    base: reqwest::Url,
    authorization: HeaderValue,
}

impl std::fmt::Debug for HistoryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryClient").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

/// Default time allowed for one call.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

impl HistoryClient {
    /// A client for the service at `base_url` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Result<Self, ClientError> {
        let mut base = reqwest::Url::parse(base_url).map_err(|e| ClientError::Config(format!("address: {e}")))?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| ClientError::Config("the token holds characters a header cannot carry".into()))?;
        authorization.set_sensitive(true);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| ClientError::Config(e.without_url().to_string()))?;
        Ok(Self { http, base, authorization })
    }

    /// The service address.
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    fn request(&self, method: Method, path: &str) -> Result<RequestBuilder, ClientError> {
        let url = self.base.join(path).map_err(|e| ClientError::Config(e.to_string()))?;
        Ok(self.http.request(method, url).header(AUTHORIZATION, self.authorization.clone()))
    }

    fn read(&self, path: &str, purpose: Purpose) -> Result<RequestBuilder, ClientError> {
        Ok(self.request(Method::GET, path)?.header(PURPOSE_HEADER, purpose.code()))
    }

    async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ClientError> {
        let response = request.send().await.map_err(from_reqwest)?;
        let status = response.status();
        if status.is_success() {
            return response.json::<T>().await.map_err(from_reqwest);
        }
        let body = response.bytes().await.map_err(from_reqwest)?;
        Err(match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => {
                ClientError::Api { status: status.as_u16(), code: error.code, message: error.message }
            }
            Err(_) => ClientError::Api {
                status: status.as_u16(),
                code: "http".into(),
                message: status.canonical_reason().unwrap_or("unexpected status").into(),
            },
        })
    }

    async fn get<T: DeserializeOwned, Q: Serialize + ?Sized>(
        &self,
        path: &str,
        query: &Q,
        purpose: Purpose,
    ) -> Result<T, ClientError> {
        Self::send(self.read(path, purpose)?.query(query)).await
    }

    /// `GET /health` (no token needed, but harmless).
    pub async fn health(&self) -> Result<Health, ClientError> {
        Self::send(self.request(Method::GET, "health")?).await
    }

    /// `GET /v1/me`: checks the token and tells who it belongs to.
    pub async fn me(&self) -> Result<Me, ClientError> {
        Self::send(self.request(Method::GET, "v1/me")?).await
    }

    /// `GET /v1/authorities`.
    pub async fn authorities(&self) -> Result<AuthorityList, ClientError> {
        Self::send(self.request(Method::GET, "v1/authorities")?).await
    }

    /// `GET /v1/citizens`: search by CPR number, phone or name.
    pub async fn search_citizens(
        &self,
        search: &CitizenSearch,
        purpose: Purpose,
    ) -> Result<CitizenMatches, ClientError> {
        self.get("v1/citizens", search, purpose).await
    }

    /// `GET /v1/citizens/{id}`.
    pub async fn citizen(&self, id: CitizenId, purpose: Purpose) -> Result<CitizenProfile, ClientError> {
        self.get(&format!("v1/citizens/{id}"), &(), purpose).await
    }

    /// `GET /v1/citizens/{id}/cpr`: the full number (audited).
    pub async fn reveal_cpr(&self, id: CitizenId, purpose: Purpose) -> Result<RevealedCpr, ClientError> {
        self.get(&format!("v1/citizens/{id}/cpr"), &(), purpose).await
    }

    /// `GET /v1/citizens/{id}/events`: one timeline page.
    pub async fn timeline(
        &self,
        id: CitizenId,
        params: &TimelineParams,
        purpose: Purpose,
    ) -> Result<EventPage, ClientError> {
        self.get(&format!("v1/citizens/{id}/events"), params, purpose).await
    }

    /// `GET /v1/citizens/{id}/export`.
    pub async fn export(&self, id: CitizenId, purpose: Purpose) -> Result<CitizenExport, ClientError> {
        self.get(&format!("v1/citizens/{id}/export"), &(), purpose).await
    }

    /// `PUT /v1/citizens`.
    pub async fn put_citizen(&self, input: &CitizenInput) -> Result<CitizenWrite, ClientError> {
        Self::send(self.request(Method::PUT, "v1/citizens")?.json(input)).await
    }

    /// `POST /v1/events`.
    pub async fn post_event(&self, input: &EventInput) -> Result<EventWrite, ClientError> {
        Self::send(self.request(Method::POST, "v1/events")?.json(input)).await
    }

    /// `PUT /v1/sessions/{id}`.
    pub async fn put_session(&self, id: Uuid, input: &SessionInput) -> Result<SessionWrite, ClientError> {
        Self::send(self.request(Method::PUT, &format!("v1/sessions/{id}"))?.json(input)).await
    }

    /// `GET /v1/sessions`.
    pub async fn sessions(&self, params: &SessionParams, purpose: Purpose) -> Result<SessionList, ClientError> {
        self.get("v1/sessions", params, purpose).await
    }

    /// `GET /v1/sessions/{id}`.
    pub async fn session(&self, id: Uuid, purpose: Purpose) -> Result<crate::domain::AssistedSession, ClientError> {
        self.get(&format!("v1/sessions/{id}"), &(), purpose).await
    }

    /// `GET /v1/audit`.
    pub async fn audit(&self, params: &AuditParams, purpose: Purpose) -> Result<AuditList, ClientError> {
        self.get("v1/audit", params, purpose).await
    }

    /// Sends an arbitrary request body to `path` (for tests of malformed input); returns status and body text.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(StatusCode, String), ClientError> {
        let request = self.request(method, path)?.header(reqwest::header::CONTENT_TYPE, content_type).body(body);
        let response = request.send().await.map_err(from_reqwest)?;
        let status = response.status();
        Ok((status, response.text().await.map_err(from_reqwest)?))
    }
}
