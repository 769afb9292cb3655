//! The `talkover-emulator` command line: parse flags, bind (127.0.0.1 by
//! default), print the URL and demo token, serve until SIGINT/SIGTERM.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use talkover_emulator::{parse_admin_origin, serve, Options, Seed, DEMO_TOKEN};
use tokio::net::TcpListener;

/// A local stand-in for the Talkover voice-agent REST API.
#[derive(Parser, Debug)]
#[command(name = "talkover-emulator", version, about)]
struct Cli {
    /// Address to bind (loopback unless you ask otherwise).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to bind; 0 picks a free one (the real port is printed).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Seed data: `demo`, `empty`, or a number N of benchmark agents.
    #[arg(long, default_value = "demo", value_parser = Seed::parse)]
    seed: Seed,
    /// Serve this folder at `/` (index.html for directories); API routes win.
    #[arg(long = "static", value_name = "DIR")]
    static_dir: Option<PathBuf>,
    /// Added latency for every /api/v1 request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Do not write the per-request JSON log lines to stderr.
    #[arg(long)]
    quiet: bool,
    /// Let pages on this exact loopback origin (http://127.0.0.1:PORT) call the
    /// admin API cross-origin, e.g. a browser test runner; repeatable.
    #[arg(long = "admin-origin", value_name = "ORIGIN", value_parser = parse_admin_origin)]
    admin_origins: Vec<String>,
    /// `strict`: static files carry a strict Content-Security-Policy (no inline
    /// script or style) and X-Frame-Options DENY; `off` for pages that need inline script.
    #[arg(long = "static-csp", value_name = "strict|off", default_value = "strict", value_parser = ["strict", "off"])]
    static_csp: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(dir) = &cli.static_dir {
        if !dir.is_dir() {
            eprintln!(
                "talkover-emulator: --static {} is not a directory",
                dir.display()
            );
            return ExitCode::from(2);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("talkover-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talkover-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> std::io::Result<()> {
    let listener = TcpListener::bind((cli.host.as_str(), cli.port))
        .await
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot listen on {}:{}: {e}", cli.host, cli.port),
            )
        })?;
    let addr = listener.local_addr()?;
    let options = Options {
        seed: cli.seed,
        static_dir: cli.static_dir,
        latency_ms: cli.latency_ms,
        quiet: cli.quiet,
        admin_origins: cli.admin_origins,
        static_csp: cli.static_csp == "strict",
    };
    let host = if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    if !addr.ip().is_loopback() {
        warn_exposed(&host, addr.port());
    }
    let shutdown = shutdown_signal();
    announce(&host, addr.port());
    serve(listener, options, shutdown).await
}

/// Print the URL and token lines. Best effort: a closed or broken stdout (say,
/// piped into `head -1`) must not stop the server.
fn announce(host: &str, port: u16) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "talkover-emulator listening on http://{host}:{port}");
    let _ = writeln!(out, "demo token: {DEMO_TOKEN}");
    let _ = out.flush();
}

/// The loud warning for a non-loopback bind: the emulator has no real auth.
fn warn_exposed(host: &str, port: u16) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n\
         ******************************************************************\n\
         * WARNING: talkover-emulator is listening on {host}:{port},\n\
         * which is NOT a loopback address. Anyone who can reach it can use\n\
         * the API with the well-known demo tokens. The admin API\n\
         * (/__emulator) still answers only requests whose Host is loopback,\n\
         * but a program on the network can forge that header.\n\
         * Use the default --host 127.0.0.1 unless you really mean this.\n\
         ******************************************************************\n"
    );
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this
/// is called, before the URL line is printed: a signal sent as soon as a caller
/// reads that line stops the server cleanly (exit 0) instead of killing it.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, Signal, SignalKind};
    async fn recv(stream: Option<Signal>) {
        match stream {
            Some(mut s) => {
                s.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    }
    let int = signal(SignalKind::interrupt()).ok();
    let term = signal(SignalKind::terminate()).ok();
    async move {
        tokio::select! {
            () = recv(int) => {},
            () = recv(term) => {},
        }
    }
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
