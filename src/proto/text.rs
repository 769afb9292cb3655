//! The string helpers of the core, written out rather than taken from `core::fmt` and
//! `str::find` (both large in wasm): redaction, a plain substring scan, decimal numbers, and
//! percent-encoding of one URL component.

/// Replaces every copy of `secret` in `text` with `[redacted]`: each of its bytes there as it
/// is (ASCII letters in any case) or percent-encoded, so a header echoed upper-cased or the token
/// put in a URL by any encoder is found too. `src/js/secret.js` matches the same way.
pub fn redact(text: &mut String, secret: &str) {
    let bytes = text.as_bytes();
    let (mut clean, mut from, mut at) = (String::new(), 0, 0);
    while at < bytes.len() {
        match bytes
            .get(at..)
            .and_then(|rest| copy_of(rest, secret.as_bytes()))
        {
            // A copy starts and ends on ASCII bytes, hence on char boundaries.
            Some(len) if len > 0 => {
                clean.push_str(text.get(from..at).unwrap_or(""));
                clean.push_str("[redacted]");
                at += len;
                from = at;
            }
            _ => at += 1,
        }
    }
    if from > 0 {
        clean.push_str(text.get(from..).unwrap_or(""));
        *text = clean;
    }
}

/// The length of the copy of `secret` that `text` starts with, if it does (see [`redact`]): each
/// byte as it is (ASCII letters in any case), percent-encoded, or, for `"` and `\`, JSON-escaped.
/// Where a byte has two readings (the token's `%` met as `%25`, its `"` or `\` escaped), one
/// reading holds for the whole copy: four linear passes, never a search that could explode.
fn copy_of(text: &[u8], secret: &[u8]) -> Option<usize> {
    (0..4).find_map(|mode| copy_as(text, secret, mode & 1 != 0, mode & 2 != 0))
}

/// [`copy_of`] with `"` and `\` JSON-escaped (`json`) or not, and `%` as `%25` (`sign`) or not.
fn copy_as(text: &[u8], secret: &[u8], json: bool, sign: bool) -> Option<usize> {
    let mut at = 0;
    for &s in secret {
        let b = *text.get(at)?;
        at += match s {
            b'"' | b'\\' if json => (b == b'\\' && text.get(at + 1) == Some(&s)).then_some(2)?,
            b'%' if sign => (text.get(at..at + 3) == Some(b"%25")).then_some(3)?,
            _ if b.eq_ignore_ascii_case(&s) => 1,
            _ => {
                let &[b'%', high, low] = text.get(at..at + 3)? else {
                    return None;
                };
                let digit = |h: u8| char::from(h).to_digit(16);
                (digit(high)? * 16 + digit(low)? == u32::from(s)).then_some(3)?
            }
        };
    }
    Some(at)
}

/// The byte offset of `needle` in `haystack`, ASCII letters compared without case (what the
/// core looks for is ASCII: the token, a phrase of an error message). A plain scan: the inputs
/// are short, and `str::find` with a `&str` pattern pulls a two-way searcher into the wasm. A
/// match starts and ends on char boundaries: only ASCII bytes compare equal to other bytes.
fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// Whether `haystack` contains `needle` (see [`find`]: without ASCII case).
pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// Appends a decimal number without pulling in `core::fmt` (it is large in wasm).
pub fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        push_digit(out, HEX_DIGITS, d);
    }
}

/// `text` around its first `separator` (an ASCII character), or `None` when it has none. Byte
/// scans, as everywhere in the core: `str::split` and `find` with a `char` bring a searcher and
/// `memchr` into the wasm.
pub fn split_first(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == separator)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// `text` around its last `separator` (see [`split_first`]).
pub fn split_last(text: &str, separator: u8) -> Option<(&str, &str)> {
    let at = text.bytes().rposition(|b| b == separator)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// The pieces of `text` between `separator`s, as `str::split` gives them (see [`split_first`]).
pub fn pieces(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        let (piece, after) = match split_first(current, separator) {
            Some((piece, after)) => (piece, Some(after)),
            None => (current, None),
        };
        rest = after;
        Some(piece)
    })
}

/// `text` as a decimal number: one or more ASCII digits, nothing else (no sign, no spaces),
/// `None` past `u64::MAX`. (`str::parse` accepts a leading `+` and is larger in wasm, once per
/// integer type.)
pub fn digits(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d < 10)?;
        n.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// Unicode's White_Space, as `char::is_whitespace` has it, by ranges: the std function looks
/// non-ASCII characters up in a table that costs the wasm more than these comparisons.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Appends `text` percent-encoded as one path segment or query value: every byte but RFC 3986's
/// "unreserved" ones (`A-Z a-z 0-9 - . _ ~`) becomes `%XX`, upper-case hex. (The
/// `percent-encoding` crate does the same with a 768-byte table of escapes; its decoder checks
/// this one in the tests.)
pub fn push_component(out: &mut String, text: &str) {
    for (at, b) in text.bytes().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push_str(text.get(at..at + 1).unwrap_or(""));
        } else {
            out.push_str("%");
            push_digit(out, HEX_DIGITS, b >> 4);
            push_digit(out, HEX_DIGITS, b & 15);
        }
    }
}

/// Upper-case hexadecimal digits, in order (see [`push_digit`]).
const HEX_DIGITS: &str = "0123456789ABCDEF";

/// Appends digit `n` of `digits`: text is appended as `&str` only, never as `char`, whose
/// encoder `String::push` would bring into the wasm.
fn push_digit(out: &mut String, digits: &str, n: u8) {
    let n = usize::from(n);
    out.push_str(digits.get(n..n + 1).unwrap_or(""));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_space_is_char_is_whitespace() {
        let all = (0..=u32::from(char::MAX)).filter_map(char::from_u32);
        for c in all {
            assert_eq!(is_space(c), c.is_whitespace(), "U+{:04X}", u32::from(c));
        }
    }

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
    fn redaction_finds_the_secret_in_any_case_and_percent_encoded() {
        let mut text = String::from("TALQ_X, Talq_X and talq_%2Bx%2f/ é");
        redact(&mut text, "talq_x");
        assert_eq!(text, "[redacted], [redacted] and talq_%2Bx%2f/ é");
        redact(&mut text, "talq_+x/");
        assert_eq!(text, "[redacted], [redacted] and [redacted]/ é");
        let mut echoed = String::from("a talq_%21x%2a b TALQ_!X* c talq_%22!x* d");
        redact(&mut echoed, "talq_\"!x*");
        assert_eq!(echoed, "a talq_%21x%2a b TALQ_!X* c [redacted] d");
        redact(&mut echoed, "talq_!x*");
        assert_eq!(echoed, "a [redacted] b [redacted] c [redacted] d");
    }

    #[test]
    fn redaction_finds_a_percent_or_quote_of_the_token_in_every_form() {
        for (token, forms) in [
            (
                "talq_%41b",
                &["talq_%41b", "talq_%2541b", "TALQ_%2541B", "talq_%25%34%31b"][..],
            ),
            ("talq_%25x", &["talq_%25x", "talq_%2525x"][..]),
            (
                "talq_q\"u\\o",
                &["talq_q\"u\\o", "talq_q\\\"u\\\\o", "talq_q%22u%5Co"][..],
            ),
        ] {
            for form in forms {
                let mut text = format!("id <{form}>");
                redact(&mut text, token);
                assert_eq!(text, "id <[redacted]>", "{token} as {form}");
            }
        }
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
    fn digits_are_read_as_str_parse_does_without_a_sign() {
        for text in [
            "0",
            "7",
            "0042",
            "18446744073709551615",
            "18446744073709551616",
            "",
        ] {
            assert_eq!(digits(text), text.parse::<u64>().ok(), "{text}");
        }
        for text in ["+1", "-1", " 1", "1 ", "1.5", "1_0", "١"] {
            assert_eq!(digits(text), None, "{text}");
        }
    }

    #[test]
    fn byte_splits_match_the_str_methods() {
        for text in ["", "a", ",", "a,b", ",a,", "a,,b", "é,ü,"] {
            assert_eq!(split_first(text, b','), text.split_once(','), "{text}");
            assert_eq!(split_last(text, b','), text.rsplit_once(','), "{text}");
            let split: Vec<&str> = text.split(',').collect();
            assert_eq!(pieces(text, b',').collect::<Vec<_>>(), split, "{text}");
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
        assert_eq!(find("Agent NOT found", "not found"), Some(6));
        assert_eq!(find("ÉA", "éa"), None, "only ASCII letters fold");
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn components_are_encoded_as_the_percent_encoding_crate_does(text in "\\PC{0,40}") {
            use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
            const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
            let mut out = String::new();
            push_component(&mut out, &text);
            proptest::prop_assert_eq!(out, utf8_percent_encode(&text, UNRESERVED).to_string());
        }
    }
}
