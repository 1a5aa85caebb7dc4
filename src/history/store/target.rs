//! Where a database URL points, and how the service gets there: PostgreSQL on another machine only over TLS
//! (personal data and the password would otherwise cross the network in clear), and a first connection that
//! says plainly why the database cannot be reached instead of waiting out the pool.

use std::time::Duration;

use sqlx::Connection;

use super::StoreError;

/// How long the first connection may take before the database counts as unreachable.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// TLS modes that encrypt (`require`) or also verify the server (`verify-ca`, `verify-full`, recommended).
const ENCRYPTED: [&str; 3] = ["require", "verify-ca", "verify-full"];

/// A PostgreSQL URL's host, port and database, without user or password: safe to print.
#[must_use]
pub fn describe(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => {
            let host = url.host_str().unwrap_or("localhost");
            let port = url.port().unwrap_or(5432);
            format!("{host}:{port}{}", url.path())
        }
        Err(_) => "the configured address".to_owned(),
    }
}

/// Refuses an unencrypted connection to PostgreSQL on another machine. Loopback and a Unix socket need no TLS;
/// `sslmode=disable` on another machine is accepted because it was asked for, with a warning.
pub fn check_transport(url: &str, env_sslmode: Option<&str>) -> Result<(), StoreError> {
    let Ok(parsed) = url::Url::parse(url) else { return Ok(()) };
    let host = parsed.host_str().unwrap_or_default();
    let socket = host.is_empty()
        || host.starts_with('/')
        || parsed.query_pairs().any(|(k, v)| k == "host" && v.starts_with('/'));
    let loopback = match host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>() {
        Ok(ip) => crate::history::service::tls::is_loopback(ip),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    if socket || loopback {
        return Ok(());
    }
    let mode = parsed
        .query_pairs()
        .find(|(k, _)| k == "sslmode" || k == "ssl-mode")
        .map(|(_, v)| v.to_ascii_lowercase())
        .or_else(|| env_sslmode.map(str::to_ascii_lowercase));
    match mode.as_deref() {
        Some(mode) if ENCRYPTED.contains(&mode) => Ok(()),
        Some("disable") => {
            tracing::warn!(database = %describe(url), "connecting to the database unencrypted (sslmode=disable)");
            Ok(())
        }
        _ => Err(StoreError::Unreachable {
            target: describe(url),
            reason: "it is another machine, and the connection would not be encrypted: add \
                     ?sslmode=verify-full&sslrootcert=/path/to/db-ca.pem (recommended) or ?sslmode=require to the \
                     URL; only if the network itself is trusted and encrypted, ?sslmode=disable"
                .to_owned(),
        }),
    }
}

/// One connection to PostgreSQL, to report why it fails in words an operator can act on.
pub async fn probe(url: &str) -> Result<(), StoreError> {
    let unreachable = |reason: String| StoreError::Unreachable { target: describe(url), reason };
    match tokio::time::timeout(PROBE_TIMEOUT, sqlx::AnyConnection::connect(url)).await {
        Err(_) => Err(unreachable(format!(
            "no answer within {} s: check the host and port, and that a firewall lets this machine through",
            PROBE_TIMEOUT.as_secs()
        ))),
        Ok(Ok(connection)) => {
            connection.close().await.ok();
            Ok(())
        }
        Ok(Err(error)) => Err(unreachable(reason(&error))),
    }
}

fn reason(error: &sqlx::Error) -> String {
    let tls_failed = |detail: &dyn std::fmt::Display| {
        format!(
            "the TLS connection failed ({detail}): with sslmode=verify-full, sslrootcert must name the CA that \
             signed the server's certificate, and the host in the URL must be the name on it"
        )
    };
    match error {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "the connection was refused: is PostgreSQL running there, and listening on that address and port?"
                .to_owned()
        }
        // The TLS stream reports a certificate it does not trust as an I/O error around rustls's.
        sqlx::Error::Io(io) if io.get_ref().is_some_and(<dyn std::error::Error + Send + Sync>::is::<rustls::Error>) => {
            tls_failed(io)
        }
        sqlx::Error::Io(io) => format!("the network failed ({io}): check the host and port"),
        sqlx::Error::Tls(tls) => tls_failed(tls),
        sqlx::Error::Database(db) => format!("the database refused the connection: {}", db.message()),
        sqlx::Error::Configuration(config) => format!("the database URL is not usable: {config}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_machine_needs_tls_unless_plaintext_is_asked_for() {
        let remote = "postgres://app:secret@db.kk.dk/historik";
        let error = check_transport(remote, None).expect_err("plain to another machine");
        let message = error.to_string();
        assert!(message.contains("db.kk.dk:5432/historik") && message.contains("sslmode=verify-full"), "{message}");
        assert!(!message.contains("secret") && !message.contains("app"), "no user or password: {message}");
        assert!(check_transport(&format!("{remote}?sslmode=prefer"), None).is_err(), "prefer falls back to plain");
        for ok in ["?sslmode=verify-full&sslrootcert=/etc/ca.pem", "?sslmode=require", "?sslmode=disable"] {
            assert!(check_transport(&format!("{remote}{ok}"), None).is_ok(), "{ok}");
        }
        assert!(check_transport(remote, Some("verify-full")).is_ok(), "PGSSLMODE counts too");
        for local in [
            "postgres://app:secret@localhost/h",
            "postgres://app@127.0.0.1:5433/h",
            "postgres://app@[::1]/h",
            "postgres:///h?host=/var/run/postgresql",
        ] {
            assert!(check_transport(local, None).is_ok(), "{local}");
        }
    }
}
