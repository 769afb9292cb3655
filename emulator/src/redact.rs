//! Token redaction for the request log and the access log. A token that leaks
//! into a URL (or a method, or a header name) must stay visible as a leak but
//! never be stored, in any spelling: `talq_…`, `talq%5F…`, `%74alq_…`,
//! `TALQ%5f…`, or escaped twice (`talq%255F…`). The text is percent-decoded
//! (repeatedly, as a server further down might), every token found in any
//! decoded form is located back in the raw text, and that raw span is replaced.

use std::ops::Range;

/// The prefix every Talkover token starts with (matched case-insensitively).
const PREFIX: &[u8] = b"talq_";

/// How many rounds of percent-decoding are searched (`%25` nests one level).
const MAX_ROUNDS: usize = 4;

/// One decoded byte and the raw span it came from.
type Spanned = (u8, Range<usize>);

/// Replace the body of every token (what follows `talq_` in any encoding) by
/// `[redacted]`, keeping the raw prefix so the leak still shows:
/// `/agents/talq%5Fdemo_x` becomes `/agents/talq%5F[redacted]`.
pub fn redact(text: &str) -> String {
    let mut level: Vec<Spanned> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| (b, i..i + 1))
        .collect();
    let mut hidden: Vec<Range<usize>> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        hidden.extend(token_bodies(&level));
        let next = decode(&level);
        if next.len() == level.len() {
            break;
        }
        level = next;
    }
    splice(text, hidden)
}

/// Percent-decode one level; an escape's raw span covers its three bytes.
fn decode(level: &[Spanned]) -> Vec<Spanned> {
    let mut out = Vec::with_capacity(level.len());
    let mut i = 0;
    while let Some((byte, span)) = level.get(i) {
        let escape = match (level.get(i + 1), level.get(i + 2)) {
            (Some((hi, _)), Some((lo, last))) if *byte == b'%' => {
                hex(*hi).zip(hex(*lo)).map(|(h, l)| (h * 16 + l, last.end))
            }
            _ => None,
        };
        match escape {
            Some((value, end)) => {
                out.push((value, span.start..end));
                i += 3;
            }
            None => {
                out.push((*byte, span.clone()));
                i += 1;
            }
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Whether `b` can be part of a token's body: any printable ASCII (the client
/// accepts any token of printable ASCII) except what delimits path segments and
/// query pairs. Redacting too much is harmless; too little leaks a tail.
fn in_token(b: u8) -> bool {
    b.is_ascii_graphic() && !b"/?#&=".contains(&b)
}

/// The raw spans of every token body (the run of [`in_token`] bytes after `talq_`).
fn token_bodies(level: &[Spanned]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i + PREFIX.len() <= level.len() {
        let prefix = level[i..i + PREFIX.len()]
            .iter()
            .zip(PREFIX)
            .all(|((b, _), p)| b.eq_ignore_ascii_case(p));
        if !prefix {
            i += 1;
            continue;
        }
        let start = i + PREFIX.len();
        let mut end = start;
        while level.get(end).is_some_and(|(b, _)| in_token(*b)) {
            end += 1;
        }
        if let (Some(first), Some(last)) = (level.get(start), level.get(end.wrapping_sub(1))) {
            if end > start {
                found.push(first.1.start..last.1.end);
            }
        }
        i = end.max(i + 1);
    }
    found
}

/// The raw text with every hidden span replaced by `[redacted]` (overlapping
/// or adjacent spans merge into one marker).
fn splice(text: &str, mut hidden: Vec<Range<usize>>) -> String {
    hidden.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for span in hidden {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in merged {
        out.push_str(text.get(at..span.start).unwrap_or(""));
        out.push_str("[redacted]");
        at = span.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    const TOKEN: &str = "talq_demo_4f8a2c9e71b34d0a";

    #[test]
    fn plain_tokens_are_redacted() {
        assert_eq!(redact("/api/v1/agents"), "/api/v1/agents");
        assert_eq!(
            redact(&format!("token={TOKEN}&x=1")),
            "token=talq_[redacted]&x=1"
        );
        assert_eq!(redact("/a/talq_x/talq_"), "/a/talq_[redacted]/talq_");
    }

    #[test]
    fn encoded_tokens_are_redacted() {
        for (raw, want) in [
            ("/a/talq%5Fdemo_4f8a", "/a/talq%5F[redacted]"),
            ("/a/talq%5fdemo_4f8a", "/a/talq%5f[redacted]"),
            ("/a/%74alq_demo_4f8a?x", "/a/%74alq_[redacted]?x"),
            ("/a/%74%61%6C%71%5F%64emo", "/a/%74%61%6C%71%5F[redacted]"),
            ("/a/TALQ_demo", "/a/TALQ_[redacted]"),
            ("/a/talq%255Fdemo_4f8a/b", "/a/talq%255F[redacted]/b"),
            ("/a/talq_%64%65mo%2D1/b", "/a/talq_[redacted]/b"),
            (
                "q=%2574alq_x%26y=talq%5F",
                "q=%2574alq_[redacted]%26y=talq%5F",
            ),
        ] {
            assert_eq!(redact(raw), want, "{raw}");
        }
    }

    #[test]
    fn a_token_body_is_any_printable_ascii_up_to_a_delimiter() {
        for (raw, want) in [
            ("/a/talq_ab.c~d!e:f@g*h/x", "/a/talq_[redacted]/x"),
            ("/a/talq_ab%2Fcd/x", "/a/talq_[redacted]/x"),
            ("q=talq_a(b)$c&d=1", "q=talq_[redacted]&d=1"),
            ("q=%74alq%5Fa%7Eb%2Bc;x%22&y", "q=%74alq%5F[redacted]&y"),
        ] {
            assert_eq!(redact(raw), want, "{raw}");
        }
    }

    #[test]
    fn broken_escapes_and_non_ascii_pass_through() {
        for raw in ["/a/%", "/a/%G1", "/a/%7", "/ção/%C3%A7", "talq", "%%%"] {
            assert_eq!(redact(raw), raw);
        }
    }
}
