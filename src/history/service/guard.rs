//! Abuse resistance around the handlers: a per-token rate limit (429 with `Retry-After`) and security headers on
//! every answer. Body size, page size and search length are bounded where they are read.

use std::num::NonZeroU32;
use std::sync::Arc;

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
