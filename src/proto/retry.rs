//! The retry policy as data: which failures are tried again, and how long to wait.
//!
//! Exponential backoff from 0.5 s, doubling, capped at 8 s, scaled by `1 - jitter / 4` where
//! `jitter` in `[0, 1)` is an input. `Retry-After` (seconds or an HTTP date, resolved against a
//! `now_ms` input) is honoured up to 60 s; a longer one ends the retries and is surfaced as
//! `retryAfterMs` on the error.

use super::error::ApiError;
use super::text::{digits, split_first};

/// The longest `Retry-After` the client waits for by itself.
pub const MAX_RETRY_AFTER_MS: u64 = 60_000;
const FIRST_DELAY_MS: u64 = 500;
const MAX_DELAY_MS: u64 = 8_000;

/// How many times a failed call is tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (`maxRetries`, default 2).
    pub max_retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 2 }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after attempt `attempt` (0-based) failed with `error`,
    /// or `None` when the error is final.
    pub fn delay_after(
        &self,
        attempt: u32,
        error: &ApiError,
        idempotent: bool,
        jitter: f64,
    ) -> Option<u64> {
        if !idempotent || attempt >= self.max_retries || !error.is_transient() {
            return None;
        }
        match error.retry_after_ms {
            Some(ms) => (ms <= MAX_RETRY_AFTER_MS).then_some(ms),
            None => Some(backoff_ms(attempt, jitter)),
        }
    }
}

/// The backoff before retry number `attempt + 1`.
pub fn backoff_ms(attempt: u32, jitter: f64) -> u64 {
    let base = FIRST_DELAY_MS
        .saturating_mul(1u64 << attempt.min(16))
        .min(MAX_DELAY_MS);
    let jitter = if jitter.is_finite() {
        jitter.clamp(0.0, 1.0)
    } else {
        0.0
    };
    (base as f64 * (1.0 - jitter / 4.0)) as u64
}

/// Parses `Retry-After` as delay-seconds or an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim_ascii();
    match seconds_ms(value) {
        Some(ms) => Some(ms),
        None => http_date_ms(value).map(|at| at.saturating_sub(now_ms)),
    }
}

/// `"2"` or `"1.5"` as milliseconds. Written out rather than `str::parse::<f64>`, whose tables
/// would add about 10 KB to the wasm.
fn seconds_ms(value: &str) -> Option<u64> {
    let (whole, fraction) = match split_first(value, b'.') {
        Some((w, f)) if !f.is_empty() => (w, f),
        Some(_) => return None,
        None => (value, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole = digits(whole).unwrap_or(u64::MAX);
    let mut millis = 0;
    for (i, b) in fraction.bytes().take(3).enumerate() {
        millis += u64::from(b - b'0') * [100, 10, 1][i];
    }
    Some(whole.saturating_mul(1000).saturating_add(millis))
}

/// An IMF-fixdate, the one form RFC 9110 has senders use, by its fixed positions:
/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date_ms(value: &str) -> Option<u64> {
    const MONTHS: &[u8; 36] = b"JanFebMarAprMayJunJulAugSepOctNovDec";
    let b = value.as_bytes();
    if b.len() != 29 || b.get(3..5) != Some(b", ") || b.get(25..) != Some(b" GMT") {
        return None;
    }
    let part = |at: usize, len: usize, sep: u8| {
        let field = value
            .get(at..at + len)
            .filter(|_| b.get(at + len) == Some(&sep))?;
        digits(field)
    };
    let month = b.get(8..11)?;
    let month = MONTHS.chunks(3).position(|m| m == month)? as u64 + 1;
    let (day, year) = (part(5, 2, b' ')?, part(12, 4, b' ')?);
    let (h, m, s) = (part(17, 2, b':')?, part(20, 2, b':')?, part(23, 2, b' ')?);
    if !(1..=31).contains(&day) || year < 1970 || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((((days * 24 + h) * 60 + m) * 60 + s) * 1000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (year >= 1970).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ErrorCode;

    fn err(code: ErrorCode, status: Option<u16>, retry_after_ms: Option<u64>) -> ApiError {
        let mut e = ApiError::new(code, "x");
        e.status = status;
        e.retry_after_ms = retry_after_ms;
        e
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_eight() {
        let delays: Vec<u64> = (0..7).map(|a| backoff_ms(a, 0.0)).collect();
        assert_eq!(delays, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(backoff_ms(0, 0.999_999), 375);
        assert_eq!(backoff_ms(40, f64::NAN), 8000);
        assert_eq!(backoff_ms(1, -3.0), 1000);
    }

    #[test]
    fn transient_failures_are_retried_up_to_max_retries() {
        let p = RetryPolicy::default();
        let transient = [
            err(ErrorCode::NetworkError, None, None),
            err(ErrorCode::Timeout, None, None),
            err(ErrorCode::HttpError, Some(408), None),
            err(ErrorCode::RateLimited, Some(429), None),
            err(ErrorCode::ServerError, Some(500), None),
            err(ErrorCode::ServerError, Some(503), None),
            err(ErrorCode::Conflict, Some(502), None),
        ];
        for e in &transient {
            assert_eq!(p.delay_after(0, e, true, 0.0), Some(500), "{e:?}");
            assert_eq!(p.delay_after(1, e, true, 0.0), Some(1000));
            assert_eq!(p.delay_after(2, e, true, 0.0), None);
            assert_eq!(p.delay_after(0, e, false, 0.0), None);
        }
        let final_errors = [
            err(ErrorCode::AgentNotFound, Some(404), None),
            err(ErrorCode::InvalidToken, Some(401), None),
            err(ErrorCode::AgentHasActiveCalls, Some(409), None),
            err(ErrorCode::ValidationError, Some(422), None),
            err(ErrorCode::Aborted, None, None),
            err(ErrorCode::InvalidResponse, Some(200), None),
            err(ErrorCode::InvalidArgument, None, None),
        ];
        for e in &final_errors {
            assert_eq!(p.delay_after(0, e, true, 0.0), None, "{e:?}");
        }
        assert_eq!(
            RetryPolicy { max_retries: 0 }.delay_after(0, &transient[0], true, 0.0),
            None
        );
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_minute() {
        let p = RetryPolicy { max_retries: 5 };
        assert_eq!(
            p.delay_after(
                0,
                &err(ErrorCode::RateLimited, Some(429), Some(2000)),
                true,
                0.5
            ),
            Some(2000)
        );
        assert_eq!(
            p.delay_after(
                3,
                &err(ErrorCode::RateLimited, Some(429), Some(60_000)),
                true,
                0.0
            ),
            Some(60_000)
        );
        assert_eq!(
            p.delay_after(
                0,
                &err(ErrorCode::RateLimited, Some(429), Some(60_001)),
                true,
                0.0
            ),
            None
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_http_dates() {
        let now = 784_111_777_000; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("2", now), Some(2000));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0));
        assert_eq!(parse_retry_after("1.5", now), Some(1500));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(0)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(30_000)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(0)
        );
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2026 00:00:00 GMT", 0),
            Some(1_767_225_600_000)
        );
        assert_eq!(parse_retry_after("0.25", now), Some(250));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(u64::MAX)
        );
        for bad in [
            "1.",
            ".5",
            "1e3",
            "+1",
            "1.2.3",
            "",
            "-1",
            "soon",
            "NaN",
            "inf",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun,  06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08-49-37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            // A year whose milliseconds would overflow u64 (a panic in a debug build).
            "Sun, 06 Nov 99999999999999999 08:49:37 GMT",
        ] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
