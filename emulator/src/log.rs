//! Observability: the `x-request-id` header and the stderr access log (one JSON
//! line per request), and the admin-visible request log and in-flight counters
//! for `/api/v1` traffic. Header values (and so tokens) are never recorded;
//! methods, paths, queries and header names go through [`redact`] (which also
//! finds percent-encoded tokens).

use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Value};

use crate::app::Shared;
use crate::redact::redact;
use crate::time::{iso_millis, now_millis};

/// At most this many request-log entries are kept (oldest dropped first).
pub const LOG_CAPACITY: usize = 100_000;

/// Response marker: a fault asked for no `x-request-id` header.
#[derive(Clone, Copy)]
pub struct OmitRequestId;

/// The request id assigned to a request, stored in its extensions.
#[derive(Clone)]
pub struct RequestId(pub String);

/// One `/api/v1` request as the admin API shows it.
#[derive(Clone)]
pub struct Entry {
    pub seq: u64,
    pub request_id: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<String>,
    pub status: Option<u16>,
    pub started_us: u64,
    pub finished_us: Option<u64>,
}

impl Entry {
    /// JSON for `GET /__emulator/requests`.
    pub fn to_json(&self) -> Value {
        json!({
            "seq": self.seq,
            "request_id": self.request_id,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "status": self.status,
            "started_us": self.started_us,
            "finished_us": self.finished_us,
        })
    }
}

/// The request log plus the in-flight / total counters.
#[derive(Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<Entry>>,
    next_seq: AtomicU64,
    in_flight: AtomicI64,
    max_in_flight: AtomicI64,
    requests: AtomicU64,
}

impl RequestLog {
    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Record the start of a request; returns its sequence number (unique for the
    /// life of the process, so a request that outlives a clear cannot touch a
    /// newer entry).
    pub fn start(&self, mut entry: Entry) -> u64 {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let mut entries = self.entries();
        entry.seq = self.next_seq.fetch_add(1, Ordering::Relaxed) + 1;
        let seq = entry.seq;
        if entries.len() >= LOG_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
        seq
    }

    /// Record the end of a request (status `None` when it never got a response).
    pub fn finish(&self, seq: u64, status: Option<u16>, finished_us: u64) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        let mut entries = self.entries();
        if let Ok(i) = entries.binary_search_by_key(&seq, |e| e.seq) {
            entries[i].status = status;
            entries[i].finished_us = Some(finished_us);
        }
    }

    /// A copy of every kept entry, oldest first.
    pub fn snapshot(&self) -> Vec<Value> {
        self.entries().iter().map(Entry::to_json).collect()
    }

    /// Forget the entries, the total, and the in-flight high-water mark.
    pub fn clear(&self) {
        self.entries().clear();
        self.requests.store(0, Ordering::Relaxed);
        let now = self.in_flight.load(Ordering::SeqCst);
        self.max_in_flight.store(now.max(0), Ordering::SeqCst);
    }

    /// `{"in_flight","max_in_flight","requests"}`.
    pub fn stats(&self) -> Value {
        json!({
            "in_flight": self.in_flight.load(Ordering::SeqCst).max(0),
            "max_in_flight": self.max_in_flight.load(Ordering::SeqCst).max(0),
            "requests": self.requests.load(Ordering::Relaxed),
        })
    }
}

/// Tracks one `/api/v1` request; ends it on `finish` or, if dropped (client went
/// away, server shut down), with no status.
pub struct Tracker<'a> {
    state: &'a Shared,
    seq: u64,
    done: bool,
}

impl<'a> Tracker<'a> {
    /// Start tracking `req` (only header names are kept).
    pub fn start(state: &'a Shared, req: &Request) -> Tracker<'a> {
        let mut headers: Vec<String> = Vec::new();
        for name in req.headers().keys() {
            headers.push(redact(name.as_str()));
        }
        let request_id = req
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let entry = Entry {
            seq: 0,
            request_id,
            method: redact(req.method().as_str()),
            path: redact(req.uri().path()),
            query: req.uri().query().map(redact),
            headers,
            status: None,
            started_us: state.micros(),
            finished_us: None,
        };
        let seq = state.log.start(entry);
        Tracker {
            state,
            seq,
            done: false,
        }
    }

    /// The response is being handed off.
    pub fn finish(mut self, status: u16) {
        self.done = true;
        self.state
            .log
            .finish(self.seq, Some(status), self.state.micros());
    }
}

impl Drop for Tracker<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.state.log.finish(self.seq, None, self.state.micros());
        }
    }
}

/// Outermost middleware: assigns `x-request-id` to every response (unless a fault
/// set or removed it) and writes the access-log line to stderr unless `--quiet`.
pub async fn request_id(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let id = state.next_request_id();
    let started = Instant::now();
    let method = redact(req.method().as_str());
    let path = redact(req.uri().path());
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.run(req).await;
    let skip = res.extensions().get::<OmitRequestId>().is_some()
        || res.headers().contains_key("x-request-id");
    if let (false, Ok(value)) = (skip, HeaderValue::from_str(&id)) {
        res.headers_mut().insert("x-request-id", value);
    }
    if !state.quiet {
        let line = json!({
            "ts": iso_millis(now_millis()),
            "method": method,
            "path": path,
            "status": res.status().as_u16(),
            "ms": (started.elapsed().as_secs_f64() * 1_000_000.0).round() / 1000.0,
            "request_id": id,
        });
        // One write per line: stderr is unbuffered, and lines must not interleave.
        let mut text = line.to_string();
        text.push('\n');
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
    res
}
