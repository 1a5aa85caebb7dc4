//! HTTPS for the service (rustls), and the rule that decides when plain HTTP is acceptable.
//!
//! Every request carries a staff member's bearer token and most answers carry citizens' personal data, so the
//! service speaks plain HTTP only where nothing crosses a network: on a loopback address, or behind a proxy that
//! the operator has said encrypts the traffic.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client has to finish the TLS handshake before its connection is dropped.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connections whose handshake is done but which the server has not taken yet.
const READY_QUEUE: usize = 64;

/// Why the certificate or key cannot be used. Every message names the file; none quotes its contents.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS {what} {}: {detail}", path.display())]
    Read { what: &'static str, path: PathBuf, detail: String },
    #[error("the TLS {what} {} is not usable: {detail}", path.display())]
    Invalid { what: &'static str, path: PathBuf, detail: String },
    #[error("the TLS certificate {} and key {} do not go together: {detail}", cert.display(), key.display())]
    Mismatch { cert: PathBuf, key: PathBuf, detail: String },
    #[error("setting up TLS failed: {0}")]
    Setup(String),
}

/// The file's bytes without a UTF-8 BOM, which Notepad puts first and which would hide the first
/// `-----BEGIN` line from the PEM parser; UTF-16 is refused by name, since the parser would find nothing in it.
fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, TlsError> {
    let bytes =
        std::fs::read(path).map_err(|e| TlsError::Read { what, path: path.to_owned(), detail: e.to_string() })?;
    crate::encoding::strip_bom_bytes(&bytes).map(<[u8]>::to_vec).map_err(|e| TlsError::Invalid {
        what,
        path: path.to_owned(),
        detail: e.to_string(),
    })
}

/// Reads the certificate chain (server certificate first, then any intermediates) from a PEM file.
pub fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let what = "certificate";
    let invalid = |detail: String| TlsError::Invalid { what, path: path.to_owned(), detail };
    let certs = CertificateDer::pem_slice_iter(&read(path, what)?)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("not valid PEM ({e})")))?;
    if certs.is_empty() {
        return Err(invalid("it holds no PEM certificate (a '-----BEGIN CERTIFICATE-----' block)".into()));
    }
    Ok(certs)
}

/// Reads the private key (PKCS#8, PKCS#1 or SEC1) from a PEM file.
pub fn read_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let what = "key";
    PrivateKeyDer::from_pem_slice(&read(path, what)?).map_err(|e| {
        let detail = match e {
            rustls_pki_types::pem::Error::NoItemsFound => {
                "it holds no PEM private key (PKCS#8, PKCS#1 or SEC1, e.g. '-----BEGIN PRIVATE KEY-----')".to_owned()
            }
            other => format!("not valid PEM ({other})"),
        };
        TlsError::Invalid { what, path: path.to_owned(), detail }
    })
}

/// The server's TLS settings from a PEM certificate chain and its private key. HTTP/1.1 only, as the service is.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let certs = read_certificates(cert)?;
    let private_key = read_private_key(key)?;
    let mismatch =
        |e: rustls::Error| TlsError::Mismatch { cert: cert.to_owned(), key: key.to_owned(), detail: e.to_string() };
    // The same provider reqwest uses, named explicitly so no other crate's choice can change it.
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, private_key)
        .map_err(mismatch)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A listener that hands the server connections whose TLS handshake is already done.
///
/// Each handshake runs in its own task with [`HANDSHAKE_TIMEOUT`], so a slow or silent client never holds up
/// the next accept. Dropping the listener (as graceful shutdown does) stops accepting and closes the port.
pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: JoinHandle<()>,
}

impl TlsListener {
    /// Starts accepting on `tcp` with `config`.
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> io::Result<Self> {
        let local = tcp.local_addr()?;
        let (sender, ready) = mpsc::channel(READY_QUEUE);
        let accepting = tokio::spawn(accept_loop(tcp, TlsAcceptor::from(config), sender));
        Ok(Self { ready, local, accepting })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

async fn accept_loop(tcp: TcpListener, acceptor: TlsAcceptor, ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>) {
    loop {
        match tcp.accept().await {
            Ok((stream, peer)) => {
                let (acceptor, ready) = (acceptor.clone(), ready.clone());
                tokio::spawn(async move {
                    // Failed handshakes are the client's business (wrong CA, port scans); the address is not logged.
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            // An error here means the server has stopped accepting; the connection just closes.
                            ready.send((tls, peer)).await.ok();
                        }
                        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                });
            }
            Err(error) => {
                // Typically out of file descriptors: back off instead of spinning, as axum does for plain TCP.
                tracing::warn!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // Only a panic ends the accept loop while the listener lives; nothing more will come.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Whether `bind` (`HOST:PORT`) names only this machine: an address in 127.0.0.0/8, `::1` (also as
/// `::ffff:127.x.y.z`), or the name `localhost`. Any other name counts as a network address, since what it
/// resolves to is not known in advance.
#[must_use]
pub fn is_loopback_bind(bind: &str) -> bool {
    if let Ok(address) = bind.parse::<SocketAddr>() {
        return is_loopback(address.ip());
    }
    let host = bind.rsplit_once(':').map_or(bind, |(host, _port)| host);
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    match host.parse::<IpAddr>() {
        Ok(ip) => is_loopback(ip),
        Err(_) => host.strip_suffix('.').unwrap_or(host).eq_ignore_ascii_case("localhost"),
    }
}

/// Whether an address is a loopback address (IPv4-mapped IPv6 included).
#[must_use]
pub fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed certificate and its key, as PEM text.
    fn pem() -> (String, String) {
        let key = rcgen::KeyPair::generate().expect("key");
        let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
        (params.self_signed(&key).expect("certificate").pem(), key.serialize_pem())
    }

    #[test]
    fn a_bom_before_the_pem_is_read_past() {
        let dir = tempfile::tempdir().expect("dir");
        let (cert, key) = pem();
        let (cert_path, key_path) = (dir.path().join("server.pem"), dir.path().join("server.key"));
        std::fs::write(&cert_path, format!("\u{feff}{cert}")).expect("certificate");
        std::fs::write(&key_path, format!("\u{feff}{key}")).expect("key");
        assert_eq!(read_certificates(&cert_path).expect("the certificate").len(), 1);
        server_config(&cert_path, &key_path).expect("a certificate and key saved with a BOM");
    }

    #[test]
    fn a_utf16_pem_file_is_named_as_such() {
        let dir = tempfile::tempdir().expect("dir");
        let (cert, key) = pem();
        let utf16 = |text: &str| -> Vec<u8> {
            [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect()
        };
        let (cert_path, key_path) = (dir.path().join("server.pem"), dir.path().join("server.key"));
        std::fs::write(&cert_path, utf16(&cert)).expect("certificate");
        std::fs::write(&key_path, utf16(&key)).expect("key");
        let message = read_certificates(&cert_path).expect_err("UTF-16").to_string();
        assert!(message.starts_with("the TLS certificate ") && message.contains("server.pem"), "{message}");
        assert!(message.contains("is not usable: the file is UTF-16 ("), "{message}");
        let message = read_private_key(&key_path).expect_err("UTF-16").to_string();
        assert!(message.contains("server.key is not usable: the file is UTF-16 ("), "{message}");
        assert!(!message.contains("PRIVATE"), "nothing of the key is quoted: {message}");
    }
}
