//! The HTTP client of the contact-history API, used by the console and the tests.
//!
//! Errors are typed and never carry a URL (queries hold CPR numbers and names) or the token.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::api::{
    AuditList, AuditParams, AuthorityList, CitizenExport, CitizenInput, CitizenMatches, CitizenProfile, CitizenSearch,
    CitizenWrite, ErrorBody, ErrorCode, EventInput, EventOutcome, EventPage, EventWrite, Health, Me, PURPOSE_HEADER,
    RevealedCpr, SessionInput, SessionList, SessionParams, SessionWrite, TimelineParams,
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
    Api { status: u16, code: ErrorCode, message: String },
    #[error("the service sent an answer this console does not understand: {0}")]
    Decode(String),
    #[error("the connection settings are not usable: {0}")]
    Config(String),
    /// The TLS handshake failed, most often because the service's certificate is not trusted.
    #[error("{0}")]
    Tls(String),
}

impl ClientError {
    /// Whether trying again later may succeed (network trouble, timeouts, 5xx, 429).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        match self {
            // A certificate is renewed or a CA file fixed without anything sent being wrong.
            Self::Timeout | Self::Network(_) | Self::Tls(_) => true,
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
    pub fn error_code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The API error code as written on the wire, for API errors.
    #[must_use]
    pub fn code(&self) -> Option<&'static str> {
        self.error_code().map(ErrorCode::as_str)
    }
}

fn from_reqwest(error: reqwest::Error) -> ClientError {
    if let Some(tls) = tls_cause(&error) {
        return ClientError::Tls(match tls {
            rustls::Error::InvalidCertificate(_) => format!(
                "the service's TLS certificate is not trusted ({tls}); if the municipality issues its own \
                 certificates, name its CA with --ca-file or MEDBETJENING_CA_FILE"
            ),
            other => format!("the TLS connection to the service failed: {other}"),
        });
    }
    if error.is_timeout() {
        ClientError::Timeout
    } else if error.is_decode() {
        ClientError::Decode(error.without_url().to_string())
    } else if let Some(io) = io_cause(&error) {
        let host = error.url().and_then(reqwest::Url::host_str).unwrap_or("the service").to_owned();
        ClientError::Network(unreachable_message(&host, io))
    } else {
        ClientError::Network(chain(&error.without_url()))
    }
}

/// The operating system's reason a connection failed, if that is what happened.
fn io_cause<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a std::io::Error> {
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        next = current.source();
    }
    None
}

/// What to tell staff when the service cannot be reached, by why.
fn unreachable_message(host: &str, io: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let why = match io.kind() {
        ErrorKind::ConnectionRefused => "the connection was refused: is the service running, and is the port right?",
        ErrorKind::TimedOut => "it did not answer in time: is the address right, and does the network let you through?",
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::UnexpectedEof => {
            "the connection was closed: is it https:// where the service speaks HTTPS?"
        }
        ErrorKind::NotFound => "the name is not known: check the address",
        _ if io.to_string().contains("failed to lookup address") || io.to_string().contains("Name or service") => {
            "the name is not known: check the address"
        }
        _ => "",
    };
    if why.is_empty() {
        format!("could not reach the contact-history service at {host}: {io}")
    } else {
        format!("could not reach the contact-history service at {host}: {why}")
    }
}

/// Parses a service address, saying what a usable one looks like when it is not one.
fn service_address(text: &str) -> Result<reqwest::Url, ClientError> {
    let text = text.trim();
    let example = "e.g. https://historik.example.kk.dk, or http://127.0.0.1:8080 on this machine";
    let url = reqwest::Url::parse(text).map_err(|error| {
        ClientError::Config(match error {
            url::ParseError::RelativeUrlWithoutBase => {
                format!("the service address must start with https:// (or http:// on this machine): {example}")
            }
            other => format!("the service address is not a web address ({other}): {example}"),
        })
    })?;
    match url.scheme() {
        "https" | "http" if url.host().is_some() => Ok(url),
        _ => Err(ClientError::Config(format!("the service address must be an https:// address: {example}"))),
    }
}

/// The rustls error behind a failed request, if any. An `io::Error` skips its inner error in `source()` (the
/// connector nests them two deep), so those are unwrapped by hand.
fn tls_cause<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        next = match current.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

/// Every message in an error's chain, for errors whose top line alone says too little.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(current) = next {
        text.push_str(": ");
        text.push_str(&current.to_string());
        next = current.source();
    }
    text
}

/// Root certificates to trust besides the system's, from a PEM file (a municipality's own CA, say).
fn extra_roots(path: &Path) -> Result<Vec<reqwest::Certificate>, ClientError> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject;
    let file = path.display();
    let bytes = std::fs::read(path).map_err(|e| ClientError::Config(format!("cannot read the CA file {file}: {e}")))?;
    // A BOM (Notepad's "UTF-8 with BOM") would hide the first `-----BEGIN` line from the PEM parser.
    let pem = crate::encoding::strip_bom_bytes(&bytes)
        .map_err(|e| ClientError::Config(format!("the CA file {file} is not usable: {e}")))?;
    let mut roots = Vec::new();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| ClientError::Config(format!("the CA file {file} is not valid PEM ({e})")))?;
        let root = reqwest::Certificate::from_der(&cert)
            .map_err(|e| ClientError::Config(format!("the CA file {file}: {}", chain(&e))))?;
        roots.push(root);
    }
    if roots.is_empty() {
        return Err(ClientError::Config(format!(
            "the CA file {file} holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block)"
        )));
    }
    Ok(roots)
}

/// Plain HTTP to another machine, refused until `--allow-plain-http` says it is meant (see [`check_plain_http`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "refusing to connect to {host} over plain http://: it is not this machine, so the staff token and citizens' \
     personal data would cross the network unencrypted. Use the service's https:// address (with --ca-file CA.pem \
     if its certificate comes from the municipality's own CA). Only if the connection runs over a network you \
     trust that encrypts it for you, pass --allow-plain-http."
)]
pub struct PlainHttpRefused {
    /// The host as written in the address (never its path or query, and never a user name or password in it).
    pub host: String,
}

/// Whether a client may talk to `base_url`: `https://` always; plain `http://` only to this machine (127.0.0.0/8,
/// `::1`, `localhost`) unless `allow_plain_http`, as the service itself only serves plain HTTP on loopback. An
/// address that does not parse passes here and is reported by [`HistoryClient::new`].
pub fn check_plain_http(base_url: &str, allow_plain_http: bool) -> Result<(), PlainHttpRefused> {
    let Ok(url) = reqwest::Url::parse(base_url.trim()) else { return Ok(()) };
    if allow_plain_http || url.scheme() != "http" {
        return Ok(());
    }
    let this_machine = match url.host() {
        Some(url::Host::Ipv4(ip)) => super::service::tls::is_loopback(ip.into()),
        Some(url::Host::Ipv6(ip)) => super::service::tls::is_loopback(ip.into()),
        Some(url::Host::Domain(name)) => name.strip_suffix('.').unwrap_or(name).eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if this_machine { Ok(()) } else { Err(PlainHttpRefused { host: url.host_str().unwrap_or_default().to_owned() }) }
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
        Self::with_ca_file(base_url, token, timeout, None)
    }

    /// [`HistoryClient::new`] that also trusts the certificate authorities in `ca_file` (PEM), for a service
    /// whose certificate comes from a municipal PKI rather than a public CA.
    pub fn with_ca_file(
        base_url: &str,
        token: &str,
        timeout: Duration,
        ca_file: Option<&Path>,
    ) -> Result<Self, ClientError> {
        let mut base = service_address(base_url)?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let mut authorization = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| ClientError::Config("the token holds characters a header cannot carry".into()))?;
        authorization.set_sensitive(true);
        let mut builder =
            reqwest::Client::builder().timeout(timeout).connect_timeout(timeout.min(Duration::from_secs(5)));
        if let Some(path) = ca_file {
            builder = builder.tls_certs_merge(extra_roots(path)?);
        }
        let http = builder.build().map_err(|e| {
            let detail = chain(&e.without_url());
            ClientError::Config(match ca_file {
                Some(path) => format!("with the CA file {}: {detail}", path.display()),
                None => detail,
            })
        })?;
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
        Err(Self::refusal(response).await)
    }

    /// The error a non-success answer carries.
    async fn refusal(response: reqwest::Response) -> ClientError {
        let status = response.status();
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(error) => return from_reqwest(error),
        };
        match serde_json::from_slice::<ErrorBody>(&body) {
            Ok(ErrorBody { error }) => {
                ClientError::Api { status: status.as_u16(), code: error.code, message: error.message }
            }
            Err(_) => ClientError::Api {
                status: status.as_u16(),
                code: ErrorCode::Http,
                message: status.canonical_reason().unwrap_or("unexpected status").into(),
            },
        }
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

    /// `POST /v1/events`, for a contact that must land in a timeline: a contact the service queued because no
    /// single citizen matched (202) comes back as [`ClientError::Api`] with status 202 and code `event_queued`.
    pub async fn post_event(&self, input: &EventInput) -> Result<EventWrite, ClientError> {
        match self.submit_event(input).await? {
            EventOutcome::Stored(write) => Ok(*write),
            EventOutcome::Queued(queued) => Err(ClientError::Api {
                status: 202,
                code: ErrorCode::EventQueued,
                message: format!(
                    "no single citizen matches ({}); the contact waits in the unmatched queue",
                    queued.reason.code()
                ),
            }),
        }
    }

    /// `POST /v1/events`: stored in a timeline, or queued for a supervisor when no single citizen matches.
    pub async fn submit_event(&self, input: &EventInput) -> Result<EventOutcome, ClientError> {
        Self::send(self.request(Method::POST, "v1/events")?.json(input)).await
    }

    /// `GET /v1/unmatched` (supervisors): contacts that name no single citizen.
    pub async fn unmatched(&self, purpose: Purpose) -> Result<crate::history::api::UnmatchedList, ClientError> {
        self.get("v1/unmatched", &(), purpose).await
    }

    /// `GET /v1/unmatched/{id}/identifier` (supervisors): the identifier a queued contact named, in full (audited).
    pub async fn reveal_unmatched(
        &self,
        id: Uuid,
        purpose: Purpose,
    ) -> Result<crate::history::api::RevealedIdentifier, ClientError> {
        self.get(&format!("v1/unmatched/{id}/identifier"), &(), purpose).await
    }

    /// `POST /v1/unmatched/{id}/link` (supervisors): the queued contact is this citizen's.
    pub async fn link_unmatched(
        &self,
        id: Uuid,
        citizen: CitizenId,
        purpose: Purpose,
    ) -> Result<crate::history::api::LinkWrite, ClientError> {
        let body = crate::history::api::LinkInput { citizen_id: citizen };
        let request = self.request(Method::POST, &format!("v1/unmatched/{id}/link"))?;
        Self::send(request.header(PURPOSE_HEADER, purpose.code()).json(&body)).await
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

    /// `GET /v1/stats` (supervisors).
    pub async fn stats(
        &self,
        params: &crate::history::api::StatsParams,
    ) -> Result<crate::history::api::Stats, ClientError> {
        Self::send(self.request(Method::GET, "v1/stats")?.query(params)).await
    }

    /// `GET /v1/insights/{what}` (supervisors and admins): counts only, so no purpose is sent.
    pub async fn insight<T: DeserializeOwned>(
        &self,
        what: &str,
        params: &crate::history::api::insights::InsightParams,
    ) -> Result<T, ClientError> {
        Self::send(self.request(Method::GET, &format!("v1/insights/{what}"))?.query(params)).await
    }

    /// A file of `GET /v1/insights/…` (`komhen.csv`, `sessions.csv`), as its bytes.
    pub async fn insight_file(
        &self,
        file: &str,
        params: &crate::history::api::insights::InsightParams,
    ) -> Result<Vec<u8>, ClientError> {
        let mut stream = self.insight_stream(file, params).await?;
        let mut all = Vec::new();
        while let Some(chunk) = stream.chunk().await? {
            all.extend_from_slice(&chunk);
        }
        Ok(all)
    }

    /// [`HistoryClient::insight_file`] a piece at a time as it arrives, so that a file of millions of rows is
    /// written out without ever being held whole.
    pub async fn insight_stream(
        &self,
        file: &str,
        params: &crate::history::api::insights::InsightParams,
    ) -> Result<FileStream, ClientError> {
        let request = self.request(Method::GET, &format!("v1/insights/{file}"))?.query(params);
        let response = request.send().await.map_err(from_reqwest)?;
        if !response.status().is_success() {
            return Err(Self::refusal(response).await);
        }
        Ok(FileStream(response))
    }

    /// `GET /v1/staff` (admins).
    pub async fn staff(&self) -> Result<crate::history::api::StaffList, ClientError> {
        Self::send(self.request(Method::GET, "v1/staff")?).await
    }

    /// `POST /v1/staff` (admins): the new staff member and their token.
    pub async fn add_staff(
        &self,
        input: &crate::history::api::StaffInput,
    ) -> Result<crate::history::api::StaffToken, ClientError> {
        Self::send(self.request(Method::POST, "v1/staff")?.json(input)).await
    }

    /// `POST /v1/staff/{id}/disable` or `/enable` (admins).
    pub async fn set_staff_active(&self, id: Uuid, active: bool) -> Result<crate::domain::Staff, ClientError> {
        let action = if active { "enable" } else { "disable" };
        Self::send(self.request(Method::POST, &format!("v1/staff/{id}/{action}"))?).await
    }

    /// `POST /v1/staff/{id}/rotate` (admins): a new token; the old one stops working.
    pub async fn rotate_token(&self, id: Uuid) -> Result<crate::history::api::StaffToken, ClientError> {
        Self::send(self.request(Method::POST, &format!("v1/staff/{id}/rotate"))?).await
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

/// A file the service is sending, read a piece at a time.
pub struct FileStream(reqwest::Response);

impl FileStream {
    /// The next piece, or `None` at the end of the file.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, ClientError> {
        Ok(self.0.chunk().await.map_err(from_reqwest)?.map(|bytes| bytes.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_refused_to_any_host_but_this_machine() {
        for url in ["http://10.0.0.5", "http://historik.kk.dk", "HTTP://historik.kk.dk:8080/v1", "http://192.0.2.1"] {
            assert!(check_plain_http(url, false).is_err(), "{url}");
            assert_eq!(check_plain_http(url, true), Ok(()), "{url}: --allow-plain-http");
        }
        for url in [
            "http://127.0.0.1:8080",
            "http://127.10.0.1",
            "http://[::1]:80",
            "http://[::ffff:127.0.0.1]:80",
            "http://localhost",
            "http://LOCALHOST.:8080/",
            "https://x",
            "https://historik.kk.dk",
            "not an address",
        ] {
            assert_eq!(check_plain_http(url, false), Ok(()), "{url}");
        }
        for url in ["http://localhost.example.org", "http://[fe80::1]", "http://0.0.0.0:8080"] {
            assert!(check_plain_http(url, false).is_err(), "{url}");
        }
    }

    #[test]
    fn the_refusal_says_why_and_what_to_do_and_names_only_the_host() {
        let message = check_plain_http("http://kim:hemmelig@10.0.0.5:8080/sti?cpr=0707614285", false)
            .expect_err("refused")
            .to_string();
        for needle in ["10.0.0.5", "unencrypted", "https://", "--allow-plain-http"] {
            assert!(message.contains(needle), "{needle:?} in {message}");
        }
        for secret in ["kim:", "hemmelig", "0707614285", "/sti"] {
            assert!(!message.contains(secret), "{secret:?} in {message}");
        }
    }

    #[test]
    fn a_ca_file_saved_with_a_bom_is_read_and_one_in_utf16_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        let key = rcgen::KeyPair::generate().expect("key");
        let params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        let ca = params.self_signed(&key).expect("CA certificate").pem();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, format!("\u{feff}{ca}")).expect("CA file");
        assert_eq!(extra_roots(&path).map(|roots| roots.len()).ok(), Some(1), "a BOM before -----BEGIN");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(ca.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        std::fs::write(&path, utf16).expect("CA file");
        let message = extra_roots(&path).map(|_| ()).expect_err("UTF-16").to_string();
        assert!(message.contains("ca.pem is not usable: the file is UTF-16 ("), "{message}");
    }
}
