//! Optional rate limiting (off by default; set with `PUT /__emulator/rate-limit`):
//! a fixed window per environment over `/api/v1` (health exempt, as documented),
//! answering 429 with `Retry-After`, and `X-RateLimit-*` headers on every limited
//! route's response while it is on.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::reply;
use crate::state::Env;

/// The limiter's settings and its current windows.
#[derive(Default)]
pub struct RateLimit {
    limit: u64,
    window: Duration,
    windows: HashMap<&'static str, (Instant, u64)>,
}

/// What the limiter decided for one request.
pub struct Decision {
    allowed: bool,
    limit: u64,
    remaining: u64,
    reset_secs: u64,
}

impl RateLimit {
    /// Turn limiting on (`limit` > 0) or off (`limit` == 0); restarts every window.
    pub fn configure(&mut self, limit: u64, window_ms: u64) {
        self.limit = limit;
        self.window = Duration::from_millis(window_ms.max(1));
        self.windows.clear();
    }

    /// `{"limit","window_ms"}` for the admin API.
    pub fn to_json(&self) -> Value {
        let window_ms = u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX);
        json!({"limit": self.limit, "window_ms": if self.limit == 0 { 0 } else { window_ms }})
    }

    /// Count one request of `env`; `None` when limiting is off.
    pub fn check(&mut self, env: Env) -> Option<Decision> {
        if self.limit == 0 {
            return None;
        }
        let now = Instant::now();
        let window = self.window;
        let slot = self.windows.entry(env.name()).or_insert((now, 0));
        if now.duration_since(slot.0) >= window {
            *slot = (now, 0);
        }
        let left = window.saturating_sub(now.duration_since(slot.0));
        let allowed = slot.1 < self.limit;
        if allowed {
            slot.1 += 1;
        }
        Some(Decision {
            allowed,
            limit: self.limit,
            remaining: self.limit - slot.1.min(self.limit),
            reset_secs: left.as_secs() + u64::from(left.subsec_nanos() > 0),
        })
    }
}

impl Decision {
    /// Whether the request may go on.
    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// Add `X-RateLimit-Limit/Remaining/Reset` (reset = seconds until the window ends).
    pub fn apply(&self, headers: &mut HeaderMap) {
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset_secs));
    }

    /// The documented 429 with `Retry-After` and the rate-limit headers.
    pub fn rejection(&self) -> Response {
        let mut res = reply::fail(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests. Please try again later.",
        );
        self.apply(res.headers_mut());
        res.headers_mut()
            .insert("retry-after", HeaderValue::from(self.reset_secs.max(1)));
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_fill_and_expire() {
        let mut limiter = RateLimit::default();
        assert!(limiter.check(Env::Demo).is_none(), "off by default");
        limiter.configure(1, 5);
        assert!(limiter.check(Env::Demo).is_some_and(|d| d.allowed()));
        assert!(limiter.check(Env::Demo).is_some_and(|d| !d.allowed()));
        assert!(limiter.check(Env::Other).is_some_and(|d| d.allowed()));
        std::thread::sleep(Duration::from_millis(10));
        assert!(limiter.check(Env::Demo).is_some_and(|d| d.allowed()));
    }
}
