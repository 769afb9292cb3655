//! The pure core: everything that can be decided without JavaScript, a clock or randomness.
//!
//! * [`error`]: the one error type, [`ApiError`], and the [`ErrorCode`] table of the contract.
//! * [`options`]: option bags read from one typed snapshot, with precise messages.
//! * [`input`]: validated inputs: [`Token`], ids, [`BaseUrl`].
//! * [`endpoint`]: one [`RequestSpec`] per API operation, with percent-encoded paths.
//! * [`attempt`]: what one attempt reported (the driver's `head`), and its classified outcome.
//! * [`classify`]: turns a status, headers and body into a success or an [`ApiError`].
//! * [`retry`]: when to try again and how long to wait.
//! * [`request`]: one call as a state machine: attempts, waits, already-deleted, redaction.
//! * [`cleanup`]: the decisions of the agent-cleanup workflow.
//! * [`text`]: redaction, substring search and decimal numbers without `core::fmt`.
//! * [`sweep`]: one agent's cleanup as a state machine: read, backup, calls, unpublish, delete,
//!   restore.

pub mod attempt;
pub mod classify;
pub mod cleanup;
pub mod endpoint;
pub mod error;
pub mod input;
pub mod options;
pub mod request;
pub mod retry;
pub mod sweep;
pub mod text;

pub use classify::{classify, Body, JsonView, ResponseMeta};
pub use endpoint::{AgentQuery, Expect, Method, RequestSpec};
pub use error::{ApiError, ErrorCode};
pub use input::{BaseUrl, Token};
pub use request::{Finished, Request, Step};
pub use retry::RetryPolicy;
