//! Validated inputs: the API [`Token`] (redacted in `Debug`), resource ids and the [`BaseUrl`].
//!
//! Everything here is checked before a request exists, so a bad input is an
//! `INVALID_ARGUMENT` whose message says what is wrong and never repeats the token.

use super::error::ApiError;
use super::text::{digits, is_space, pieces, split_first, split_last};
use std::fmt;

/// An API token. It leaves this type only through [`Token::secret`]: for the driver, which puts
/// it in the `Authorization` header, and for redaction.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Accepts a non-empty printable-ASCII token without whitespace, of at most 4096 characters
    /// (a header's worth: redaction reads every copy of it four ways, text.rs).
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let problem = if raw.is_empty() {
            Some("token must not be empty.")
        } else if raw.len() > 4096 {
            Some("token must be at most 4096 characters long.")
        } else if raw.chars().any(is_space) {
            Some("token must not contain whitespace.")
        } else if raw.chars().any(|c| c.is_control()) {
            Some("token must not contain control characters.")
        } else if !raw.is_ascii() {
            Some("token must contain only ASCII characters.")
        } else {
            None
        };
        match problem {
            Some(p) => Err(ApiError::invalid_argument(p)),
            None => Ok(Self(raw.to_owned())),
        }
    }

    /// The raw token, for redacting it out of anything a server sends back.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token([redacted])")
    }
}

/// The most bytes (UTF-8) of an id or a search text the client sends: a URL has room for a few
/// KB, no Talkover id comes near it, and a longer text would only grow the wasm's memory.
pub const MAX_TEXT_BYTES: usize = 1024;

/// What a text over [`MAX_TEXT_BYTES`] is told, after its name.
pub const TOO_LONG: &str = " must be at most 1024 bytes long.";

/// Checks a resource id (agent or training): any non-empty string of at most
/// [`MAX_TEXT_BYTES`] except `.` and `..`, which a URL would collapse into another route.
/// `what` names it in the message, e.g. `"agentId"`.
pub fn check_id<'a>(what: &str, id: &'a str) -> Result<&'a str, ApiError> {
    let problem = match id {
        "" => " must not be empty.",
        "." | ".." => " must not be \".\" or \"..\".",
        _ if id.len() > MAX_TEXT_BYTES => TOO_LONG,
        _ => return Ok(id),
    };
    let mut message = String::from(what);
    message.push_str(problem);
    Err(ApiError::invalid_argument(message))
}

/// The API root, e.g. `https://app.talkover.ai/api/v1`, checked and normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    api_root: String,
    loopback: bool,
}

/// The documented production host.
pub const DEFAULT_BASE_URL: &str = "https://app.talkover.ai";

impl BaseUrl {
    /// Accepts an absolute `https` URL, or `http` to a loopback host, without credentials, query
    /// or fragment. A trailing `/` and a trailing `/api/v1` are both fine.
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let bad = |why: &str| {
            let mut m = String::from("baseUrl ");
            m.push_str(why);
            ApiError::invalid_argument(m)
        };
        if raw.chars().any(|c| is_space(c) || c.is_control()) {
            return Err(bad("must not contain whitespace or control characters."));
        }
        let (scheme, rest) = split_first(raw, b':').unwrap_or(("", raw));
        let https = match (scheme.to_ascii_lowercase().as_str(), rest.starts_with("//")) {
            ("https", true) => true,
            ("http", true) => false,
            _ => {
                return Err(bad(
                    "must be an absolute http(s) URL, e.g. https://app.talkover.ai.",
                ))
            }
        };
        let rest = rest.get(2..).unwrap_or("");
        if rest.bytes().any(|b| b == b'?' || b == b'#') {
            return Err(bad("must not have a query or a fragment."));
        }
        let at = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
        let (authority, path) = (rest.get(..at).unwrap_or(""), rest.get(at..).unwrap_or(""));
        if authority.bytes().any(|b| b == b'@') {
            return Err(bad("must not contain credentials."));
        }
        let host = host_of(authority).ok_or_else(|| bad("has no valid host."))?;
        let loopback = is_loopback(host);
        if !https && !loopback {
            return Err(bad(
                "must use https (plain http is allowed only for loopback hosts).",
            ));
        }
        let mut path = path;
        while let Some(shorter) = path.strip_suffix("/") {
            path = shorter;
        }
        let path = path.strip_suffix("/api/v1").unwrap_or(path);
        let scheme = if https { "https://" } else { "http://" };
        let mut api_root = String::with_capacity(raw.len() + 8);
        api_root.push_str(scheme);
        api_root.push_str(&authority.to_ascii_lowercase());
        api_root.push_str(path);
        api_root.push_str("/api/v1");
        Ok(Self { api_root, loopback })
    }

    /// The API root every path is appended to.
    pub fn api_root(&self) -> &str {
        &self.api_root
    }

    /// Whether the host is `localhost`, `127.0.0.0/8` or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }
}

/// The host of an authority (`host[:port]`), if both parts are well formed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix("[") {
        Some(v6) => {
            let (inner, after) = split_first(v6, b']')?;
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(":")?),
            };
            let hex = |b: u8| b.is_ascii_hexdigit() || b == b':' || b == b'.';
            if inner.is_empty() || !inner.bytes().all(hex) {
                return None;
            }
            (authority.get(..inner.len() + 2)?, port)
        }
        None => match split_last(authority, b':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    let digits = |p: &str| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    let name = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'.';
    let name_ok = host.starts_with("[") || (!host.is_empty() && host.bytes().all(name));
    (port.is_none_or(digits) && name_ok).then_some(host)
}

fn is_loopback(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    // Not `*.localhost`: outside browsers such names may resolve through DNS.
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = pieces(&host, b'.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets
            .iter()
            .all(|o| o.len() <= 3 && digits(o).is_some_and(|n| n <= 255))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ErrorCode;

    #[test]
    fn token_debug_is_redacted_and_the_secret_is_kept() {
        let t = Token::parse("talq_secret123").unwrap();
        assert_eq!(format!("{t:?}"), "Token([redacted])");
        assert!(!format!("{:?}", Some(&t)).contains("secret"));
        assert_eq!(t.secret(), "talq_secret123");
    }

    #[test]
    fn bad_tokens_are_refused_with_a_reason_that_does_not_echo_them() {
        for bad in [
            "",
            "talq_ x",
            "talq_\tx",
            "talq_\u{7}x",
            "talq_é",
            "talq_x\n",
        ] {
            let e = Token::parse(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument);
            assert!(e.message.starts_with("token must"), "{}", e.message);
            assert!(bad.is_empty() || !e.message.contains(bad));
        }
        assert!(Token::parse(&"t".repeat(4096)).is_ok());
        let e = Token::parse(&"t".repeat(4097)).unwrap_err();
        assert_eq!(e.message, "token must be at most 4096 characters long.");
    }

    #[test]
    fn ids_refuse_empty_and_dot_segments_only() {
        for bad in ["", ".", ".."] {
            assert_eq!(
                check_id("agentId", bad).unwrap_err().code,
                ErrorCode::InvalidArgument
            );
        }
        assert_eq!(
            check_id("agentId", "").unwrap_err().message,
            "agentId must not be empty."
        );
        for ok in ["...", "a/b", "?", "#", "%2F", " "] {
            assert_eq!(check_id("agentId", ok).unwrap(), ok);
        }
    }

    #[test]
    fn ids_are_at_most_1024_bytes() {
        let longest = "\u{e9}".repeat(MAX_TEXT_BYTES / 2);
        assert!(check_id("agentId", &longest).is_ok());
        for over in ["a".repeat(MAX_TEXT_BYTES + 1), format!("{longest}a")] {
            let e = check_id("trainingId", &over).unwrap_err();
            assert_eq!(e.message, "trainingId must be at most 1024 bytes long.");
        }
    }

    #[test]
    fn base_urls_are_normalised() {
        let cases = [
            (
                "https://app.talkover.ai",
                "https://app.talkover.ai/api/v1",
                false,
            ),
            (
                "https://App.Talkover.ai/",
                "https://app.talkover.ai/api/v1",
                false,
            ),
            (
                "https://app.talkover.ai/api/v1/",
                "https://app.talkover.ai/api/v1",
                false,
            ),
            (
                "https://proxy.example/talkover",
                "https://proxy.example/talkover/api/v1",
                false,
            ),
            (
                "http://127.0.0.1:8787",
                "http://127.0.0.1:8787/api/v1",
                true,
            ),
            ("HTTP://localhost:1", "http://localhost:1/api/v1", true),
            ("http://[::1]:8787/", "http://[::1]:8787/api/v1", true),
            (
                "https://[2001:db8::1]:443",
                "https://[2001:db8::1]:443/api/v1",
                false,
            ),
        ];
        for (raw, root, loopback) in cases {
            let b = BaseUrl::parse(raw).unwrap();
            assert_eq!((b.api_root(), b.is_loopback()), (root, loopback), "{raw}");
        }
    }

    #[test]
    fn bad_base_urls_say_what_is_wrong() {
        let cases = [
            ("app.talkover.ai", "absolute"),
            ("ftp://x", "absolute"),
            ("https://user:pw@app.talkover.ai", "credentials"),
            ("https://app.talkover.ai/?x=1", "query"),
            ("https://app.talkover.ai/#f", "fragment"),
            ("http://app.talkover.ai", "https"),
            ("http://10.0.0.1", "https"),
            ("http://127.0.0.1.evil.com", "https"),
            ("http://evil.localhost", "https"),
            ("http://localhost.evil.com", "https"),
            ("http://0.0.0.0", "https"),
            ("https://", "host"),
            ("https://exa mple.com", "whitespace"),
            ("https://a:99999999", "host"),
            ("https://a_b.com", "host"),
        ];
        for (raw, why) in cases {
            let e = BaseUrl::parse(raw).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidArgument);
            assert!(e.message.contains(why), "{raw}: {}", e.message);
        }
    }
}
