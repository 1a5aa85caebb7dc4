//! Abuse resistance around the handlers: a per-token rate limit and a limit on failed sign-ins per client address
//! (both 429 with `Retry-After`), and security headers on every answer. Body size, page size and search length
//! are bounded where they are read; slow clients are cut off by the connection loop (`server.rs`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_http::set_header::SetResponseHeaderLayer;

use super::error::ApiError;
use crate::domain::StaffId;

/// Requests per second per token, with a burst allowance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: NonZeroU32,
    pub burst: NonZeroU32,
}

/// The limiter every authenticated request passes, keyed by staff member (so by token).
#[derive(Clone)]
pub struct Limiter(Arc<DefaultKeyedRateLimiter<StaffId>>);

impl Limiter {
    #[must_use]
    pub fn new(limit: RateLimit) -> Self {
        Self(Arc::new(RateLimiter::keyed(Quota::per_second(limit.per_second).allow_burst(limit.burst))))
    }

    /// Lets the request through, or refuses it with 429 and when to try again.
    pub fn check(&self, staff: StaffId) -> Result<(), ApiError> {
        self.0.check_key(&staff).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            ApiError::too_many_requests(seconds.max(1))
        })?;
        // Forget idle tokens now and then, so the table does not grow with every token ever seen.
        if self.0.len() > 10_000 {
            self.0.retain_recent();
        }
        Ok(())
    }
}

/// The window failed sign-ins are counted in.
const FAILURE_WINDOW: Duration = Duration::from_mins(1);
/// Addresses remembered at most; past it, those whose window has passed are forgotten.
const MAX_ADDRESSES: usize = 10_000;

/// Failed sign-ins (a missing, malformed, unknown, rotated or disabled token) per client address and minute.
/// Past the limit, an address is refused with 429 before its token is looked up, so guessing tokens costs the
/// database nothing. Behind a reverse proxy every client shares the proxy's address: raise or turn off the limit.
#[derive(Clone)]
pub struct AuthFailures {
    per_minute: u32,
    counts: Arc<Mutex<HashMap<IpAddr, (Instant, u32)>>>,
}

impl AuthFailures {
    #[must_use]
    pub fn new(per_minute: NonZeroU32) -> Self {
        Self { per_minute: per_minute.get(), counts: Arc::default() }
    }

    /// Refuses an address that failed too often in its current window.
    pub fn check(&self, address: IpAddr) -> Result<(), ApiError> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        match counts.get(&address) {
            Some((start, failures)) if *failures >= self.per_minute && start.elapsed() < FAILURE_WINDOW => {
                let wait = FAILURE_WINDOW.saturating_sub(start.elapsed());
                Err(ApiError::too_many_requests(wait.as_secs().max(1)))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed sign-in from `address`.
    pub fn failed(&self, address: IpAddr) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if counts.len() > MAX_ADDRESSES {
            counts.retain(|_, (start, _)| start.elapsed() < FAILURE_WINDOW);
        }
        let entry = counts.entry(address).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= FAILURE_WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

/// Headers that keep personal data out of caches and the API out of browsers' reach.
pub fn with_security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let headers: [(HeaderName, &'static str); 6] = [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, "default-src 'none'; frame-ancestors 'none'"),
        (header::REFERRER_POLICY, "no-referrer"),
        (HeaderName::from_static("cross-origin-resource-policy"), "same-origin"),
    ];
    headers.into_iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value)))
    })
}
