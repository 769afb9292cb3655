//! Option bags (constructor options, per-call options, queries) as one crossing: `src/js/sys.js`
//! (`snapshot`) writes the caller's own properties, by name, as one string of typed values, and
//! a [`Bag`] reads them back with the precise `INVALID_ARGUMENT` messages of the contract.
//!
//! Each value is a tag, some with a payload: `u` undefined, `n` null, `t`/`f` booleans,
//! `i<digits>;` a non-negative safe integer, `d` any other number, `s<len>;<text>` a string of
//! `len` UTF-16 units, `x` a string with lone surrogates, `F` a function, `a` an array, `o` an
//! object, `?` anything else.

use super::error::ApiError;
use super::text::{digits, pieces, push_number, split_first};

/// One option value, as its type and the payload the client reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Absent.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A non-negative safe integer.
    Int(u64),
    /// Any other number (negative, fractional, NaN, infinite, unsafe).
    OtherNumber,
    /// A well-formed string.
    Str(String),
    /// A string with lone surrogates.
    IllFormed,
    /// A function.
    Function,
    /// An array.
    Array,
    /// Another object (a signal, say).
    Object,
    /// A symbol, a bigint.
    Other,
}

/// The named values of one option bag.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bag {
    values: Vec<(&'static str, Value)>,
}

impl Bag {
    /// Reads a snapshot of `names` (comma-separated, in order); a malformed one reads as
    /// all-undefined past the point it breaks.
    pub fn parse(names: &'static str, text: &str) -> Self {
        let mut rest = text;
        let values = pieces(names, b',')
            .map(|name| {
                let (value, after) = take(rest).unwrap_or((Value::Undefined, ""));
                rest = after;
                (name, value)
            })
            .collect();
        Self { values }
    }

    /// The value of `name` (undefined when it was not asked for).
    pub fn get(&self, name: &str) -> &Value {
        self.values
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(&Value::Undefined, |(_, v)| v)
    }

    /// An optional boolean.
    pub fn bool(&self, name: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(name) {
            Value::Undefined => Ok(default),
            Value::Bool(b) => Ok(*b),
            _ => Err(refuse(name, " must be a boolean.")),
        }
    }

    /// An optional integer in `min..=max`.
    pub fn int(&self, name: &str, default: u32, min: u32, max: u32) -> Result<u32, ApiError> {
        match self.get(name) {
            Value::Undefined => Ok(default),
            Value::Int(n) if (u64::from(min)..=u64::from(max)).contains(n) => Ok(*n as u32),
            _ => {
                let mut rule = String::from(" must be an integer from ");
                push_number(&mut rule, u64::from(min));
                rule.push_str(" to ");
                push_number(&mut rule, u64::from(max));
                rule.push_str(".");
                Err(refuse(name, &rule))
            }
        }
    }

    /// An optional string.
    pub fn string(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            Value::Undefined => Ok(None),
            Value::Str(s) => Ok(Some(s.clone())),
            Value::IllFormed => Err(refuse(name, LONE_SURROGATES)),
            _ => Err(refuse(name, " must be a string.")),
        }
    }

    /// Whether an optional function is there (`undefined` and `null` mean no).
    pub fn function(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            Value::Undefined | Value::Null => Ok(false),
            Value::Function => Ok(true),
            _ => Err(refuse(name, " must be a function.")),
        }
    }
}

/// What an id or option with lone surrogates is told.
pub const LONE_SURROGATES: &str = " must not contain lone surrogates (it is not valid Unicode).";

/// `name` + `rule` as an `INVALID_ARGUMENT`.
pub fn refuse(name: &str, rule: &str) -> ApiError {
    let mut message = String::from(name);
    message.push_str(rule);
    ApiError::invalid_argument(message)
}

/// The first value of `text` and what follows it.
fn take(text: &str) -> Option<(Value, &str)> {
    let mut chars = text.chars();
    let tag = chars.next()?;
    let rest = chars.as_str();
    let value = match tag {
        'u' => Value::Undefined,
        'n' => Value::Null,
        't' => Value::Bool(true),
        'f' => Value::Bool(false),
        'd' => Value::OtherNumber,
        'x' => Value::IllFormed,
        'F' => Value::Function,
        'a' => Value::Array,
        'o' => Value::Object,
        '?' => Value::Other,
        'i' => {
            let (number, after) = split_first(rest, b';')?;
            return Some((Value::Int(digits(number)?), after));
        }
        's' => {
            let (len, after) = split_first(rest, b';')?;
            let (text, after) = utf16_prefix(after, usize::try_from(digits(len)?).ok()?)?;
            return Some((Value::Str(text.to_owned()), after));
        }
        _ => return None,
    };
    Some((value, rest))
}

/// The first `units` UTF-16 code units of `text`, and the rest.
fn utf16_prefix(text: &str, units: usize) -> Option<(&str, &str)> {
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted == units {
            return Some((text.get(..at)?, text.get(at..)?));
        }
        counted += c.len_utf16();
    }
    (counted == units).then_some((text, ""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ErrorCode;

    const NAMES: &str = "token,baseUrl,timeoutMs,maxRetries,fetch,allowBrowser";

    #[test]
    fn snapshots_read_back_by_name() {
        let bag = Bag::parse(NAMES, "s8;talq_é😀ui30000;dFt");
        assert_eq!(bag.string("token").unwrap().as_deref(), Some("talq_é😀"));
        assert_eq!(bag.string("baseUrl").unwrap(), None);
        assert_eq!(bag.int("timeoutMs", 1, 1, 60_000).unwrap(), 30_000);
        assert!(bag.function("fetch").unwrap() && bag.bool("allowBrowser", false).unwrap());
        let e = bag.int("maxRetries", 2, 0, 10).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (
                ErrorCode::InvalidArgument,
                "maxRetries must be an integer from 0 to 10."
            )
        );
        assert_eq!(bag.get("nothing"), &Value::Undefined);
    }

    #[test]
    fn every_wrong_type_says_what_is_wrong() {
        let bag = Bag::parse("a,b,c,d,e", "xi3;nos0;");
        assert!(bag
            .string("a")
            .unwrap_err()
            .message
            .contains("lone surrogates"));
        assert_eq!(bag.string("b").unwrap_err().message, "b must be a string.");
        assert_eq!(
            bag.bool("c", true).unwrap_err().message,
            "c must be a boolean."
        );
        assert!(!bag.function("c").unwrap());
        assert_eq!(
            bag.function("d").unwrap_err().message,
            "d must be a function."
        );
        assert_eq!(bag.string("e").unwrap().as_deref(), Some(""));
    }

    #[test]
    fn malformed_snapshots_read_as_undefined() {
        for junk in ["", "s99;ab", "i12", "iab;", "Z", "s2;a"] {
            let bag = Bag::parse("a", junk);
            assert_eq!(bag.get("a"), &Value::Undefined, "{junk:?}");
        }
    }
}
