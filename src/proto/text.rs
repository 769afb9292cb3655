//! The string helpers of the core, written out rather than taken from `core::fmt` and
//! `str::find` (both large in wasm): redaction, a plain substring scan, decimal numbers.

/// Replaces every occurrence of `secret` in `text` with `[redacted]`.
pub fn redact(text: &mut String, secret: &str) {
    if secret.is_empty() || !contains(text, secret) {
        return;
    }
    let mut rest = text.as_str();
    let mut clean = String::with_capacity(rest.len());
    while let Some(at) = find(rest, secret) {
        clean.push_str(rest.get(..at).unwrap_or(""));
        clean.push_str("[redacted]");
        rest = rest.get(at + secret.len()..).unwrap_or("");
    }
    clean.push_str(rest);
    *text = clean;
}

/// The byte offset of `needle` in `haystack`. A plain scan: the inputs are short, and
/// `str::find` with a `&str` pattern pulls a two-way searcher into the wasm.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    // A match starts and ends on char boundaries because `needle` is valid UTF-8.
    h.windows(n.len()).position(|w| w == n)
}

/// Whether `haystack` contains `needle` (see [`find`]).
pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// Appends a decimal number without pulling in `core::fmt` (it is large in wasm).
pub fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_removes_every_copy_of_the_secret() {
        let mut text = String::from("a talq_x b talq_x talq_");
        redact(&mut text, "talq_x");
        assert_eq!(text, "a [redacted] b [redacted] talq_");
        let mut untouched = String::from("nothing here");
        redact(&mut untouched, "");
        assert_eq!(untouched, "nothing here");
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0u64, 7, 10, 1234567890, u64::MAX] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

    #[test]
    fn substring_search_matches_str_find() {
        for (h, n) in [
            ("abc", "bc"),
            ("abc", "x"),
            ("", "a"),
            ("a", ""),
            ("ééa", "a"),
            ("aaa", "aa"),
            ("abcabc", "ca"),
        ] {
            assert_eq!(find(h, n), h.find(n), "{h} {n}");
            assert_eq!(contains(h, n), h.contains(n), "{h} {n}");
        }
    }
}
