//! `talkover-emulator`: a faithful local stand-in for the Talkover voice-agent
//! REST API (`/api/v1`), with deterministic seeds, an admin API under
//! `/__emulator` (fixtures, request log, stats, latency, fault injection), and
//! optional static file serving. [`serve`] runs it on any listener; [`Server`]
//! starts it in-process on a port-0 loopback listener (for tests and benchmarks).

// Handlers return `Result<Response, Response>` (axum's idiom for early error
// replies); the error variant is a full response by design.
#![allow(clippy::result_large_err)]

mod admin;
mod agents;
mod api;
mod app;
mod calls;
mod create;
mod demo;
mod faults;
mod fixtures;
mod guard;
mod ids;
mod log;
mod ratelimit;
mod redact;
mod reply;
mod router;
pub mod seed;
pub mod state;
mod statics;
pub mod time;
mod trainings;
mod views;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub use guard::parse_admin_origin;
pub use seed::Seed;
pub use state::{DEMO_TOKEN, OTHER_TOKEN};

/// How long shutdown waits for open connections before giving up on them.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// Server settings (the command line maps onto these). The default is the demo
/// seed, no static files, no latency, and no access log (`quiet`), which suits
/// in-process tests; the binary logs unless `--quiet`.
#[derive(Clone, Debug)]
pub struct Options {
    pub seed: Seed,
    pub static_dir: Option<PathBuf>,
    pub latency_ms: u64,
    pub quiet: bool,
    /// Exact loopback origins (`http://127.0.0.1:PORT`) whose pages may call the
    /// admin API cross-origin (see [`parse_admin_origin`]); empty by default.
    pub admin_origins: Vec<String>,
    /// Send the strict Content-Security-Policy (and `X-Frame-Options: DENY`)
    /// with static files; on by default (`--static-csp off` turns it off).
    pub static_csp: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: Seed::Demo,
            static_dir: None,
            latency_ms: 0,
            quiet: true,
            admin_origins: Vec::new(),
            static_csp: true,
        }
    }
}

/// Serve on `listener` until `shutdown` resolves; then release hanging requests,
/// drain connections for at most [`SHUTDOWN_GRACE`], and return.
pub async fn serve<F>(listener: TcpListener, options: Options, shutdown: F) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let (down_tx, down_rx) = watch::channel(false);
    let state = Arc::new(app::AppState::new(options, down_rx.clone()));
    let listener = listener.tap_io(|tcp| {
        // Small JSON responses: do not wait for Nagle.
        let _ = tcp.set_nodelay(true);
    });
    let signal = async move {
        shutdown.await;
        let _ = down_tx.send(true);
    };
    let server = axum::serve(listener, router::build(state)).with_graceful_shutdown(signal);
    let mut down = down_rx;
    let deadline = async move {
        let _ = down.wait_for(|d| *d).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result,
        () = deadline => Ok(()),
    }
}

/// An emulator running in the background of the current tokio runtime.
pub struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Server {
    /// Start on `127.0.0.1:0` with `options`.
    pub async fn start(options: Options) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, options, async move {
            let _ = stopped.await;
        }));
        Ok(Server {
            addr,
            stop: Some(stop),
            task,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Shut down and wait for the server task.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
