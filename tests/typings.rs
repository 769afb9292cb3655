//! The shipped `.d.ts` cannot drift from the Rust definitions: the `ErrorCode` union, the
//! cleanup step and outcome names and the `reason` extras are read out of `src/js/index.d.ts`
//! and compared with the enums they come from. (The result fields are compared with real
//! results in `tests/js/typings.test.mjs`.)
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use talkover_client::proto::cleanup::{Outcome, Step, UNPUBLISH_FIRST};
use talkover_client::proto::ErrorCode;

fn dts() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/js/index.d.ts"))
        .expect("src/js/index.d.ts")
}

/// The string literals of the union declared as `export type <name> = ...;`.
fn union(name: &str) -> BTreeSet<String> {
    let text = dts();
    let start = text
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("no type {name}"));
    let body = &text[start..];
    let body = &body[..body.find(';').expect("end of the type")];
    body.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The literals of the `name:` member of `interface`.
fn member(interface: &str, name: &str) -> BTreeSet<String> {
    let text = dts();
    let start = text
        .find(&format!("export interface {interface} "))
        .expect("interface");
    let body = &text[start..];
    let line = body
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{name}:")))
        .expect("member");
    line.split('\'')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[test]
fn error_codes_match_the_rust_table() {
    let rust: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(union("ErrorCode"), rust);
}

#[test]
fn cleanup_steps_and_outcomes_match() {
    let steps: BTreeSet<String> = Step::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    assert_eq!(union("CleanupStep"), steps);
    let outcomes: BTreeSet<String> = Outcome::ALL.iter().map(|o| o.as_str().to_owned()).collect();
    assert_eq!(member("CleanupResult", "outcome"), outcomes);
    assert!(member("CleanupResult", "reason").contains(UNPUBLISH_FIRST));
}
