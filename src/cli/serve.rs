//! `serve`: the shared contact-history service, with its transport security and limits, and how the process is
//! asked to stop.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use medbetjening::history::api::MAX_BODY_BYTES;
use medbetjening::history::service::guard::RateLimit;
use medbetjening::history::service::tls::{self, TlsListener};
use medbetjening::history::service::{self, AppState, ConnectionLimits, ServiceOptions};
use medbetjening::history::store::{SchemaPolicy, Store, StoreOptions};

use super::{CommandResult, DatabaseArgs};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// `sqlite:PATH` or `postgres://…`.
    #[command(flatten)]
    database: DatabaseArgs,
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: String,
    /// A TSV of authorities to use instead of the shipped one (columns `id`, `kind`, `name_da`, `name_en`).
    #[arg(long)]
    authorities: Option<PathBuf>,
    #[command(flatten)]
    options: ServeOptions,
}

impl ServeArgs {
    /// Serves until asked to stop; `json_logs` says whether stderr carries JSON lines only.
    pub async fn run(mut self, json_logs: bool) -> CommandResult {
        self.options.json_logs = json_logs;
        serve(&self.database.url()?, &self.bind, self.authorities, self.options).await
    }
}

/// `serve`'s transport security and limits.
#[derive(Debug, clap::Args)]
pub struct ServeOptions {
    /// Serve HTTPS with this certificate chain (PEM: the server's certificate first, then intermediates).
    #[arg(long, env = "MEDBETJENING_TLS_CERT", value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "MEDBETJENING_TLS_KEY", value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address: only behind a proxy that encrypts, on a network you trust.
    #[arg(long, conflicts_with = "tls_cert")]
    pub allow_plain_http: bool,
    /// Most database connections this instance holds at once.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Longest one SQL statement may run (PostgreSQL); on SQLite, the longest wait for a lock.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub statement_timeout: Option<u64>,
    /// Largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = MAX_BODY_BYTES as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_limit: u64,
    /// Requests per second one token may make (a short burst of 4× that is allowed); 0 turns the limit off.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub rate_limit: u32,
    /// Failed sign-ins one client address may make per minute before it is refused for the rest of the minute
    /// (429) without its tokens being looked up; 0 turns the limit off (behind a proxy all clients share one).
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub auth_failures_per_minute: u32,
    /// Seconds a client has to send a request's header; a slower connection is closed.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// Seconds a client has to send a request's body once its header is in; a slower request gets 408.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_timeout: u64,
    /// On SIGTERM or Ctrl+C: seconds to keep serving while `/health` answers 503, so load balancers stop sending
    /// requests, before the port closes.
    #[arg(long, value_name = "SECS", default_value_t = 5)]
    pub shutdown_delay: u64,
    /// Then: seconds requests in flight have to finish before the process exits anyway.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub drain_timeout: u64,
    /// Whether logs are JSON lines, where a line of plain text would not belong.
    #[arg(skip)]
    pub json_logs: bool,
}

/// Why `serve` will not speak plain HTTP on `bind`, and what to do instead.
fn plain_http_refused(bind: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "refusing to serve plain HTTP on {bind}: it is not a loopback address, so staff tokens and citizens' \
         personal data would cross the network unencrypted. Serve HTTPS with --tls-cert CERT.pem --tls-key KEY.pem, \
         or bind to 127.0.0.1 behind a reverse proxy that terminates TLS. Only if a proxy on a network you trust \
         must reach this address, pass --allow-plain-http."
    )
}

/// `serve`: the shared contact-history service.
async fn serve(database: &str, bind: &str, authorities: Option<PathBuf>, options: ServeOptions) -> CommandResult {
    // Everything that can be wrong with the command line fails here, before the database is touched.
    let tls = match (&options.tls_cert, &options.tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(cert, key)?),
        _ => None,
    };
    if tls.is_none() && !options.allow_plain_http && !tls::is_loopback_bind(bind) {
        return Err(plain_http_refused(bind));
    }
    let body_limit = usize::try_from(options.body_limit).context("--body-limit is too large for this machine")?;
    let store_options = StoreOptions {
        max_connections: options.max_connections,
        statement_timeout: options.statement_timeout.map(Duration::from_secs),
        schema: SchemaPolicy::Require,
        ..StoreOptions::default()
    };
    let store = Store::open_with(database, &store_options).await.context("opening the database")?;
    let mut state = AppState::new(store);
    if authorities.is_some() {
        state.authorities = Arc::new(super::authority_catalog(authorities.as_deref())?);
    }
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("listening on {bind}"))?;
    let address = listener.local_addr()?;
    // A name such as `localhost` passed the check above; what it resolved to decides.
    if tls.is_none() && !options.allow_plain_http && !tls::is_loopback(address.ip()) {
        return Err(plain_http_refused(bind));
    }
    if tls.is_none() && !tls::is_loopback(address.ip()) {
        tracing::warn!(%address, "serving plain HTTP on a network address (--allow-plain-http)");
    }
    let store_kind = state.store.kind().name();
    let rate_limit = NonZeroU32::new(options.rate_limit).map(|per_second| RateLimit {
        per_second,
        burst: per_second.saturating_mul(NonZeroU32::new(4).unwrap_or(NonZeroU32::MIN)),
    });
    let auth_failures_per_minute = NonZeroU32::new(options.auth_failures_per_minute);
    let draining = Arc::clone(&state.draining);
    let app = service::router_with(state, &ServiceOptions { body_limit, rate_limit, auth_failures_per_minute });
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(options.header_timeout),
        body_timeout: Duration::from_secs(options.body_timeout),
        drain_timeout: Duration::from_secs(options.drain_timeout),
    };
    let delay = Duration::from_secs(options.shutdown_delay);
    let stop = async move {
        let delay = match stop_requested().await {
            Stop::Asked => delay,
            Stop::Closing => Duration::ZERO,
        };
        draining.store(true, std::sync::atomic::Ordering::Relaxed);
        // Logged, not printed: whoever started the service may have stopped reading its stderr.
        tracing::info!(delay_secs = delay.as_secs(), "stopping: /health answers 503, then the port closes");
        tokio::time::sleep(delay).await;
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{address}");
    tracing::info!(url, store = store_kind, "contact-history service listening");
    if !options.json_logs {
        eprintln!("Serving the contact-history API on {url} (Ctrl+C stops).");
    }
    match tls {
        Some(config) => service::serve_with(TlsListener::new(listener, config)?, app, limits, stop).await,
        None => service::serve_with(listener, app, limits, stop).await,
    }
    .context("serving")?;
    tracing::info!("stopped: every request in flight was answered or the drain time ran out");
    Ok(ExitCode::SUCCESS)
}

/// How the process was asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// Ctrl+C, SIGTERM, Ctrl+Break: there is time to drain.
    Asked,
    /// Windows is closing the console window, logging off or shutting down: it ends the process after a few
    /// seconds, so requests in flight are finished at once, without the load balancer's grace period.
    #[cfg_attr(not(windows), allow(dead_code))] // Only Windows sends these.
    Closing,
}

/// Resolves when the process is asked to stop: Ctrl+C (SIGINT), or SIGTERM as systemd and Kubernetes send it; on
/// Windows also Ctrl+Break, closing the console window, logging off and shutting down.
async fn stop_requested() -> Stop {
    #[cfg(windows)]
    {
        use tokio::signal::windows::{ctrl_break, ctrl_c, ctrl_close, ctrl_logoff, ctrl_shutdown};
        if let (Ok(mut c), Ok(mut brk), Ok(mut close), Ok(mut logoff), Ok(mut shutdown)) =
            (ctrl_c(), ctrl_break(), ctrl_close(), ctrl_logoff(), ctrl_shutdown())
        {
            return tokio::select! {
                _ = c.recv() => Stop::Asked,
                _ = brk.recv() => Stop::Asked,
                _ = close.recv() => Stop::Closing,
                _ = logoff.recv() => Stop::Closing,
                _ = shutdown.recv() => Stop::Closing,
            };
        }
    }
    interrupted().await;
    Stop::Asked
}

/// Resolves when the process is asked to stop: Ctrl+C (SIGINT), or SIGTERM as systemd and Kubernetes send it.
pub async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut terminate), Ok(mut interrupt)) =
            (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
        {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            return;
        }
        tracing::warn!("cannot listen for SIGTERM; only Ctrl+C stops the service gracefully");
    }
    if tokio::signal::ctrl_c().await.is_err() {
        // Without a signal handler the only way out is killing the process; wait forever.
        std::future::pending::<()>().await;
    }
}
