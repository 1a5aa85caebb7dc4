//! The connection loop under the router: HTTP/1.1 on any listener (plain TCP, or TLS), with the client's address
//! for the handlers, deadlines for slow clients, and a graceful stop.
//!
//! `axum::serve` takes no limits, so a client that sends half a request header, or a body one byte at a time,
//! holds its connection (and a task) for as long as it likes. Here the header must arrive within
//! [`ConnectionLimits::header_timeout`] and the whole body within [`ConnectionLimits::body_timeout`].

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;
use tower_http::timeout::DeadlineBody;

/// Deadlines for one connection's requests, and for draining connections when the service stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From the first byte of a request (or an idle keep-alive connection) to the end of its header.
    pub header_timeout: Duration,
    /// From the end of the header to the end of the body.
    pub body_timeout: Duration,
    /// How long requests in flight may take to finish once the service is told to stop.
    pub drain_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(30),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting (closing the port), lets requests
/// in flight finish for at most `limits.drain_timeout`, and returns.
pub async fn serve_with<L>(
    mut listener: L,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, remote) = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = tower::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(|body| Body::new(DeadlineBody::new(limits.body_timeout, body)));
            request.extensions_mut().insert(ConnectInfo(remote));
            app.clone().oneshot(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .serve_connection(TokioIo::new(io), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or times out is its own business; nothing of it is logged.
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.drain_timeout, graceful.shutdown()).await.is_err() {
        tracing::warn!(seconds = limits.drain_timeout.as_secs(), "requests still running when the drain time ran out");
    }
    Ok(())
}
