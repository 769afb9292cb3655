//! # talkover-client
//!
//! A client for the Talkover voice-agent API, compiled to WebAssembly and shipped as the npm
//! package `talkover-client`. The crate has three layers, and dependencies point one way:
//!
//! * [`proto`]: the pure core. Input validation, URL building, response classification, the
//!   retry policy and the cleanup decisions. No JavaScript, no clock, no randomness: time and
//!   jitter are inputs, so everything here is tested natively with `cargo test`.
//! * `transport` (wasm32 only): turns a [`proto`] request into one-line instructions for the
//!   JavaScript driver (`src/js/driver.js`, which does the fetch, timeouts and waits) and its
//!   reports back into the machine.
//! * `sys` (wasm32 only): every hand-written JavaScript import, in one place.
//! * `bindings` (wasm32 only): the `#[wasm_bindgen]` exports the JavaScript entry files wrap.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// Text is appended as `&str`, never as `char`: `String::push` brings a UTF-8 encoder into the
// wasm (text.rs, `push_digit`).
#![allow(clippy::single_char_add_str)]

pub mod proto;

#[cfg(target_arch = "wasm32")]
pub mod sys;

#[cfg(target_arch = "wasm32")]
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

/// Talc instead of the default dlmalloc: about 4 KB less wasm, and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
