//! Shared server state: the store, fault scripts, latency, request log and
//! counters, the shutdown signal, and the reset operation of the admin API.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::watch;

use crate::faults::FaultScript;
use crate::log::RequestLog;
use crate::ratelimit::RateLimit;
use crate::seed::Seed;
use crate::state::Store;
use crate::Options;

/// Everything the handlers share; cloned as `Arc<AppState>`.
pub struct AppState {
    store: Mutex<Store>,
    faults: Mutex<Vec<FaultScript>>,
    rate_limit: Mutex<RateLimit>,
    latency_ms: AtomicU64,
    base_latency_ms: u64,
    request_ids: AtomicU64,
    pub log: RequestLog,
    pub started: Instant,
    pub quiet: bool,
    pub static_dir: Option<PathBuf>,
    /// Exact loopback origins allowed to call the admin API cross-origin.
    pub admin_origins: Vec<String>,
    /// Whether static files carry the strict CSP and `X-Frame-Options`.
    pub static_csp: bool,
    shutdown: watch::Receiver<bool>,
    /// Bumped to release every hanging request (fault reset, admin reset).
    release: watch::Sender<u64>,
}

/// The handle type every handler receives.
pub type Shared = Arc<AppState>;

/// Lock a mutex, recovering the data if a previous holder panicked.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    /// A fresh state from the server options.
    pub fn new(options: Options, shutdown: watch::Receiver<bool>) -> AppState {
        let latency_ms = options.latency_ms;
        AppState {
            store: Mutex::new(options.seed.build()),
            faults: Mutex::new(Vec::new()),
            rate_limit: Mutex::new(RateLimit::default()),
            latency_ms: AtomicU64::new(latency_ms),
            base_latency_ms: latency_ms,
            request_ids: AtomicU64::new(0),
            log: RequestLog::default(),
            started: Instant::now(),
            quiet: options.quiet,
            static_dir: options.static_dir,
            admin_origins: options.admin_origins,
            static_csp: options.static_csp,
            shutdown,
            release: watch::Sender::new(0),
        }
    }

    /// Exclusive access to the agent store.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// Exclusive access to the fault scripts.
    pub fn faults(&self) -> MutexGuard<'_, Vec<FaultScript>> {
        lock(&self.faults)
    }

    /// Exclusive access to the rate limiter.
    pub fn rate_limit(&self) -> MutexGuard<'_, RateLimit> {
        lock(&self.rate_limit)
    }

    /// Added latency for every /api/v1 request, in milliseconds.
    pub fn latency_ms(&self) -> u64 {
        self.latency_ms.load(Ordering::Relaxed)
    }

    /// Change the added latency (0 clears it).
    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    /// The next `x-request-id` value (`req_000001`, ...).
    pub fn next_request_id(&self) -> String {
        let n = self.request_ids.fetch_add(1, Ordering::Relaxed) + 1;
        format!("req_{n:06}")
    }

    /// Microseconds since the server started (timestamps of the request log).
    pub fn micros(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    /// Replace agents and calls with `seed`, and clear faults, rate limiting, latency (back to the
    /// command-line value), the request log and its counters. Request ids and log
    /// sequence numbers keep counting up: they stay unique for the process.
    pub fn reset(&self, seed: Seed) {
        let fresh = seed.build();
        *self.store() = fresh;
        self.clear_faults();
        self.rate_limit().configure(0, 0);
        self.set_latency_ms(self.base_latency_ms);
        self.log.clear();
    }

    /// Remove every fault script and release the requests hanging on one.
    pub fn clear_faults(&self) {
        self.faults().clear();
        self.release.send_modify(|n| *n += 1);
    }

    /// How many times faults were cleared; read before taking a fault entry.
    pub fn release_generation(&self) -> u64 {
        *self.release.borrow()
    }

    /// Resolves when a hanging request must end: the server begins shutting down,
    /// or the faults were cleared (directly or by a reset) since `generation`.
    pub async fn hang_released(&self, generation: u64) {
        let mut down = self.shutdown.clone();
        let mut release = self.release.subscribe();
        tokio::select! {
            // An error means the sender is gone, which also means shutdown.
            _ = down.wait_for(|d| *d) => {}
            _ = release.wait_for(|g| *g != generation) => {}
        }
    }
}
