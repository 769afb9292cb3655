//! Timestamps: Unix seconds stored in the model, rendered as ISO-8601 UTC with
//! second precision and a `Z` suffix (`2024-01-15T10:30:00Z`), as the agent pages show.

use std::time::{SystemTime, UNIX_EPOCH};

/// Current wall-clock time in Unix seconds.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Current wall-clock time in Unix milliseconds (for access-log lines).
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Days since 1970-01-01 to a civil (year, month, day), after Howard Hinnant's algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Civil date to days since 1970-01-01 (inverse of [`civil_from_days`]).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds for a UTC civil date and time.
pub fn secs_at(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> i64 {
    days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(min) * 60
        + i64::from(sec)
}

/// Format Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn iso(secs: i64) -> String {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Format Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn iso_millis(millis: i64) -> String {
    let base = iso(millis.div_euclid(1000));
    format!(
        "{}.{:03}Z",
        base.trim_end_matches('Z'),
        millis.rem_euclid(1000)
    )
}

/// Parse `YYYY-MM-DDTHH:MM:SSZ` (optionally with fractional seconds) into Unix seconds.
pub fn parse_iso(text: &str) -> Option<i64> {
    let t = text.strip_suffix('Z')?;
    let (date, clock) = t.split_once('T')?;
    let mut d = date.splitn(3, '-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let clock = clock.split('.').next()?;
    let mut c = clock.splitn(3, ':');
    let hour: u32 = c.next()?.parse().ok()?;
    let min: u32 = c.next()?.parse().ok()?;
    let sec: u32 = c.next()?.parse().ok()?;
    let valid = (1..=12).contains(&month) && (1..=31).contains(&day) && hour < 24 && min < 60;
    (valid && sec < 61).then(|| secs_at(year, month, day, hour, min, sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let s = secs_at(2024, 1, 15, 10, 30, 0);
        assert_eq!(iso(s), "2024-01-15T10:30:00Z");
        assert_eq!(parse_iso("2024-01-15T10:30:00Z"), Some(s));
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso(secs_at(2000, 2, 29, 23, 59, 59)),
            "2000-02-29T23:59:59Z"
        );
        assert_eq!(iso_millis(1_500), "1970-01-01T00:00:01.500Z");
        assert_eq!(parse_iso("nope"), None);
    }
}
