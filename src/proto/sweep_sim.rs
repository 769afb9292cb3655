//! A simulated agent, as the server holds it, and a driver that runs one agent's cleanup
//! against it with failures and an abort injected where a test says.

use crate::proto::cleanup::{CleanupOptions, Step};
use crate::proto::sweep::*;
use crate::proto::{ApiError, ErrorCode, RequestSpec};
use serde_json::{json, Value};

/// The agent as the server holds it.
#[derive(Clone, Debug)]
pub(super) struct Agent {
    pub(super) exists: bool,
    pub(super) published: bool,
    pub(super) active_calls: u32,
}

impl Agent {
    /// The server's answer to a step that got through.
    fn answer(&mut self, step: Step, spec: &RequestSpec) -> Result<Value, ApiError> {
        let gone = || Err(ApiError::new(ErrorCode::AgentNotFound, "Agent not found"));
        if !self.exists {
            return gone();
        }
        match step {
            Step::Read => Ok(json!({"success": true, "data": {"current_status":
                if self.published { "published" } else { "draft" }}})),
            Step::CheckCalls => {
                let total = if spec.path.ends_with("initiated") {
                    self.active_calls
                } else {
                    0
                };
                Ok(json!({"success": true, "data": [], "pagination": {"total": total}}))
            }
            Step::Unpublish => {
                self.published = false;
                Ok(json!({"success": true, "data": {}}))
            }
            Step::Restore => {
                self.published = true;
                Ok(json!({"success": true, "data": {}}))
            }
            Step::Delete if self.published => {
                Err(ApiError::new(ErrorCode::AgentIsPublished, "published"))
            }
            Step::Delete if self.active_calls > 0 => {
                Err(ApiError::new(ErrorCode::AgentHasActiveCalls, "calls"))
            }
            Step::Delete => {
                self.exists = false;
                Ok(json!({"success": true, "message": "Agent deleted successfully"}))
            }
            _ => Ok(json!({"success": true, "data": []})),
        }
    }
}

/// The failures a verifying read may meet (any other injected failure reads the truth).
const LOST: [ErrorCode; 4] = [
    ErrorCode::NetworkError,
    ErrorCode::Timeout,
    ErrorCode::ServerError,
    ErrorCode::InvalidResponse,
];

pub(super) struct Run {
    pub(super) verdict: Verdict,
    /// Every request sent, a verifying read as [`Step::Read`].
    pub(super) sent: Vec<Step>,
    /// Where in `sent` the verifying reads are, and whether each failed.
    pub(super) verified: Vec<(usize, bool)>,
    pub(super) progress: Vec<Step>,
    pub(super) failed: Vec<bool>,
    /// How many steps were sent when the machine asked for `onBackup`, if it did.
    pub(super) saved_at: Option<usize>,
}

/// Drives the machine: request `i` fails when `fails[i]` is set, with no effect, except that a
/// `TIMEOUT` stands for a request that took effect and whose answer was lost, an
/// `INVALID_RESPONSE` for one answered 2xx with a body that could not be read (a verifying read
/// gets only such failures: a network error or a timeout); from request `abort_at` on the
/// caller's signal has aborted, which cancels reads (not a verifying one) before they are sent.
pub(super) fn drive(
    agent: &mut Agent,
    options: CleanupOptions,
    fails: &[Option<ErrorCode>],
    abort_at: Option<usize>,
) -> Run {
    drive_saving(agent, options, fails, abort_at, false)
}

/// [`drive`], with a caller's `onBackup` (the options say whether there is one) that fails when
/// `save_fails` is set. The abort is checked, as the driver does, when each need is answered.
pub(super) fn drive_saving(
    agent: &mut Agent,
    options: CleanupOptions,
    fails: &[Option<ErrorCode>],
    abort_at: Option<usize>,
    save_fails: bool,
) -> Run {
    let mut machine = AgentCleanup::new("a", options);
    let (mut sent, mut progress, mut failed, mut verified) = (vec![], vec![], vec![], vec![]);
    let mut saved_at = None;
    let aborted = |sent: &Vec<Step>| abort_at.is_some_and(|k| sent.len() >= k);
    let mut need = machine.next::<Value>(None, aborted(&sent));
    loop {
        need = match need {
            Need::Finish(verdict) => {
                return Run {
                    verdict,
                    sent,
                    verified,
                    progress,
                    failed,
                    saved_at,
                }
            }
            Need::Backup => {
                assert!(saved_at.is_none(), "onBackup asked for twice");
                saved_at = Some(sent.len());
                let answer = match save_fails {
                    true => Err(ApiError::invalid_argument("onBackup failed: disk full")),
                    false => Ok(Value::Null),
                };
                machine.next(Some(answer), aborted(&sent))
            }
            Need::Verify(spec) => {
                let fail = fails.get(sent.len()).copied().flatten();
                let fail = fail.filter(|c| LOST.contains(c));
                verified.push((sent.len(), fail.is_some()));
                sent.push(Step::Read);
                failed.push(fail.is_some());
                let answer = match fail {
                    Some(code) => Err(ApiError::new(code, "injected")),
                    None => agent.answer(Step::Read, &spec),
                };
                machine.next(Some(answer), aborted(&sent))
            }
            Need::Send(announce, step, spec) => {
                let abort = aborted(&sent);
                progress.extend(announce);
                let fail = fails.get(sent.len()).copied().flatten();
                sent.push(step);
                failed.push(fail.is_some());
                let answer = match (abort && !step.changes_state(), fail) {
                    (true, _) => Err(ApiError::aborted()),
                    (false, Some(ErrorCode::Timeout)) => {
                        let _took_effect = agent.answer(step, &spec);
                        Err(ApiError::new(ErrorCode::Timeout, "answer lost"))
                    }
                    // Answered 2xx with a body that cannot be read (a refusal stays a refusal).
                    (false, Some(ErrorCode::InvalidResponse)) => agent
                        .answer(step, &spec)
                        .and_then(|_| Err(injected(ErrorCode::InvalidResponse))),
                    (false, Some(code)) => Err(injected(code)),
                    (false, None) => agent.answer(step, &spec),
                };
                machine.next(Some(answer), aborted(&sent))
            }
        };
    }
}

/// An injected failure, with the status a server would give it.
pub(super) fn injected(code: ErrorCode) -> ApiError {
    let mut error = ApiError::new(code, "injected");
    error.status = match code {
        ErrorCode::ServerError => Some(500),
        ErrorCode::InvalidResponse => Some(200),
        ErrorCode::AgentNotFound => Some(404),
        _ => None,
    };
    error
}

pub(super) fn agent(published: bool, active_calls: u32) -> Agent {
    Agent {
        exists: true,
        published,
        active_calls,
    }
}

pub(super) fn options(unpublish: bool, backup: bool, dry_run: bool) -> CleanupOptions {
    CleanupOptions {
        unpublish,
        backup,
        dry_run,
        concurrency: 1,
        on_backup: false,
    }
}

pub(super) fn saving(unpublish: bool) -> CleanupOptions {
    CleanupOptions {
        on_backup: true,
        ..options(unpublish, true, false)
    }
}
