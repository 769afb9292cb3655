//! Integration tests: every test starts a real emulator on 127.0.0.1 port 0
//! (in-process, or the built binary for the CLI tests) and talks real HTTP.

mod emulator {
    pub mod admin;
    pub mod admin_gate;
    pub mod agents;
    pub mod cli;
    pub mod common;
    pub mod concurrency;
    pub mod faults;
    pub mod lifecycle;
    pub mod redaction;
    pub mod routing;
    pub mod trainings;
}
