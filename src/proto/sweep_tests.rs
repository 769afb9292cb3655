//! One agent's cleanup against a simulated agent: every branch as a table, and properties over
//! any interleaving of step failures and abort points.

use super::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// The agent as the server holds it.
#[derive(Clone, Debug)]
struct Agent {
    exists: bool,
    published: bool,
    active_calls: u32,
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

struct Run {
    verdict: Verdict,
    sent: Vec<Step>,
    progress: Vec<Step>,
    failed: Vec<bool>,
}

/// Drives the machine: step `i` fails (with no effect) when `fails[i]` is set; from step
/// `abort_at` on the caller's signal has aborted, which cancels reads before they are sent.
fn drive(
    agent: &mut Agent,
    options: CleanupOptions,
    fails: &[Option<ErrorCode>],
    abort_at: Option<usize>,
) -> Run {
    let mut machine = AgentCleanup::new("a", options);
    let (mut answer, mut sent, mut progress, mut failed) = (None, vec![], vec![], vec![]);
    loop {
        let aborted = abort_at.is_some_and(|k| sent.len() >= k);
        match machine.next::<Value>(answer.take(), aborted) {
            Need::Finish(verdict) => {
                return Run {
                    verdict,
                    sent,
                    progress,
                    failed,
                }
            }
            Need::Send(announce, step, spec) => {
                progress.extend(announce);
                let fail = fails.get(sent.len()).copied().flatten();
                sent.push(step);
                failed.push(fail.is_some());
                answer = Some(match (aborted && !step.changes_state(), fail) {
                    (true, _) => Err(ApiError::aborted()),
                    (false, Some(code)) => Err(ApiError::new(code, "injected")),
                    (false, None) => agent.answer(step, &spec),
                });
            }
        }
    }
}

fn agent(published: bool, active_calls: u32) -> Agent {
    Agent {
        exists: true,
        published,
        active_calls,
    }
}

fn options(unpublish: bool, backup: bool, dry_run: bool) -> CleanupOptions {
    CleanupOptions {
        unpublish,
        backup,
        dry_run,
        concurrency: 1,
    }
}

#[test]
fn a_draft_is_read_backed_up_and_deleted() {
    let mut a = agent(false, 0);
    let run = drive(&mut a, options(false, true, false), &[], None);
    assert_eq!(run.sent, [Step::Read, Step::Backup, Step::Delete]);
    assert_eq!(run.progress, run.sent);
    assert_eq!(
        (run.verdict.outcome, run.verdict.backed_up, a.exists),
        (Outcome::Deleted, true, false)
    );
}

#[test]
fn a_published_agent_is_skipped_or_unpublished_after_a_calls_check() {
    let mut a = agent(true, 0);
    let run = drive(&mut a, options(false, true, false), &[], None);
    assert_eq!(
        (run.verdict.outcome, run.verdict.reason),
        (Outcome::Skipped, Some("AGENT_IS_PUBLISHED"))
    );
    let run = drive(&mut a, options(true, false, false), &[], None);
    use Step::*;
    assert_eq!(
        run.sent,
        [Read, CheckCalls, CheckCalls, CheckCalls, Unpublish, Delete]
    );
    assert_eq!(run.progress, [Read, CheckCalls, Unpublish, Delete]);
    assert_eq!(run.verdict.outcome, Outcome::Deleted);
}

#[test]
fn active_calls_skip_and_a_dry_run_changes_nothing() {
    let mut a = agent(true, 2);
    let run = drive(&mut a, options(true, true, false), &[], None);
    assert_eq!(
        (run.verdict.outcome, run.verdict.reason),
        (Outcome::Skipped, Some("AGENT_HAS_ACTIVE_CALLS"))
    );
    assert!(!run.verdict.unpublished && a.published);
    let mut b = agent(true, 0);
    let run = drive(&mut b, options(true, true, true), &[], None);
    assert_eq!(
        (run.verdict.outcome, run.verdict.reason),
        (Outcome::Planned, Some("UNPUBLISH_FIRST"))
    );
    assert!(run.sent.iter().all(|s| !s.changes_state()) && b.exists && b.published);
}

#[test]
fn a_failed_delete_after_an_unpublish_is_restored() {
    let mut a = agent(true, 0);
    let fails = [None, None, None, None, None, Some(ErrorCode::ServerError)];
    let run = drive(&mut a, options(true, false, false), &fails, None);
    assert_eq!(run.sent.last(), Some(&Step::Restore));
    assert_eq!(
        (run.verdict.outcome, run.verdict.reason),
        (Outcome::Failed, Some("SERVER_ERROR"))
    );
    assert!(!run.verdict.unpublished && a.published && a.exists);
}

#[test]
fn an_abort_stops_between_steps_and_leaves_the_truth() {
    let mut a = agent(true, 0);
    let run = drive(&mut a, options(true, false, false), &[], Some(4));
    assert_eq!(run.sent.len(), 4);
    assert_eq!(
        (run.verdict.outcome, run.verdict.reason),
        (Outcome::Skipped, Some("ABORTED"))
    );
    let mut b = agent(false, 0);
    let run = drive(&mut b, options(false, true, false), &[], Some(0));
    assert!(run.sent.is_empty() && run.verdict.error.is_none());
}

fn any_failure() -> impl Strategy<Value = Option<ErrorCode>> {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some(ErrorCode::ServerError)),
        1 => Just(Some(ErrorCode::NetworkError)),
        1 => Just(Some(ErrorCode::AgentNotFound)),
        1 => Just(Some(ErrorCode::Aborted)),
    ]
}

proptest! {
    #[test]
    fn the_verdict_always_agrees_with_the_agent(
        published in any::<bool>(), calls in 0u32..3, unpublish in any::<bool>(),
        backup in any::<bool>(), dry_run in any::<bool>(),
        fails in proptest::collection::vec(any_failure(), 8), abort_at in proptest::option::of(0usize..8),
    ) {
        let mut a = agent(published, calls);
        let run = drive(&mut a, options(unpublish, backup, dry_run), &fails, abort_at);
        let v = &run.verdict;
        prop_assert_eq!(v.outcome == Outcome::Deleted, !a.exists);
        // `unpublished`: this run unpublished it and did not publish it again (deleted or not).
        prop_assert_eq!(v.unpublished, published && !a.published);
        let backup_failed = run.sent.iter().zip(&run.failed).any(|(s, f)| *s == Step::Backup && *f);
        prop_assert!(!(backup_failed && run.sent.contains(&Step::Delete)), "deleted after a failed backup");
        if dry_run {
            prop_assert!(run.sent.iter().all(|s| !s.changes_state()));
        }
        for (i, step) in run.sent.iter().enumerate() {
            prop_assert!(!step.changes_state() || abort_at.is_none_or(|k| i < k), "a change after the abort");
        }
        prop_assert!(run.sent.len() <= 7);
    }
}
