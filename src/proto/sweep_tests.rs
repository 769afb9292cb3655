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
    /// How many steps were sent when the machine asked for `onBackup`, if it did.
    saved_at: Option<usize>,
}

/// Drives the machine: step `i` fails (with no effect) when `fails[i]` is set; from step
/// `abort_at` on the caller's signal has aborted, which cancels reads before they are sent.
fn drive(
    agent: &mut Agent,
    options: CleanupOptions,
    fails: &[Option<ErrorCode>],
    abort_at: Option<usize>,
) -> Run {
    drive_saving(agent, options, fails, abort_at, false)
}

/// [`drive`], with a caller's `onBackup` (the options say whether there is one) that fails when
/// `save_fails` is set. The abort is checked, as the driver does, when each need is answered.
fn drive_saving(
    agent: &mut Agent,
    options: CleanupOptions,
    fails: &[Option<ErrorCode>],
    abort_at: Option<usize>,
    save_fails: bool,
) -> Run {
    let mut machine = AgentCleanup::new("a", options);
    let (mut sent, mut progress, mut failed) = (vec![], vec![], vec![]);
    let mut saved_at = None;
    let aborted = |sent: &Vec<Step>| abort_at.is_some_and(|k| sent.len() >= k);
    let mut need = machine.next::<Value>(None, aborted(&sent));
    loop {
        need = match need {
            Need::Finish(verdict) => {
                return Run {
                    verdict,
                    sent,
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
            Need::Send(announce, step, spec) => {
                let abort = aborted(&sent);
                progress.extend(announce);
                let fail = fails.get(sent.len()).copied().flatten();
                sent.push(step);
                failed.push(fail.is_some());
                let answer = match (abort && !step.changes_state(), fail) {
                    (true, _) => Err(ApiError::aborted()),
                    (false, Some(code)) => Err(ApiError::new(code, "injected")),
                    (false, None) => agent.answer(step, &spec),
                };
                machine.next(Some(answer), aborted(&sent))
            }
        };
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
        on_backup: false,
    }
}

fn saving(unpublish: bool) -> CleanupOptions {
    CleanupOptions {
        on_backup: true,
        ..options(unpublish, true, false)
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

#[test]
fn on_backup_comes_after_the_backup_and_the_calls_check_before_the_first_change() {
    use Step::*;
    let mut a = agent(false, 0);
    let run = drive_saving(&mut a, saving(false), &[], None, false);
    assert_eq!(run.sent, [Read, Backup, Delete]);
    assert_eq!(run.saved_at, Some(2));
    assert_eq!(run.verdict.outcome, Outcome::Deleted);
    let mut b = agent(true, 0);
    let run = drive_saving(&mut b, saving(true), &[], None, false);
    assert_eq!(
        run.sent,
        [Read, Backup, CheckCalls, CheckCalls, CheckCalls, Unpublish, Delete]
    );
    assert_eq!(
        run.saved_at,
        Some(5),
        "asked once, before the unpublish only"
    );
    assert!(!b.exists);
}

#[test]
fn a_failed_on_backup_fails_the_agent_and_changes_nothing() {
    let mut a = agent(true, 0);
    let run = drive_saving(&mut a, saving(true), &[], None, true);
    assert!(run.sent.iter().all(|s| !s.changes_state()));
    let v = &run.verdict;
    assert_eq!(
        (v.outcome, v.reason, v.unpublished, v.backed_up),
        (Outcome::Failed, Some("INVALID_ARGUMENT"), false, true)
    );
    let error = v
        .error
        .as_ref()
        .map(|e| (e.code, e.message.as_str(), e.status));
    assert_eq!(
        error,
        Some((
            ErrorCode::InvalidArgument,
            "onBackup failed: disk full",
            None
        ))
    );
    assert!(a.exists && a.published);
}

#[test]
fn on_backup_is_not_asked_for_without_a_backup_a_change_or_before_a_skip() {
    let mut a = agent(false, 0);
    let no_backup = CleanupOptions {
        on_backup: true,
        ..options(false, false, false)
    };
    assert_eq!(
        drive_saving(&mut a, no_backup, &[], None, true).saved_at,
        None
    );
    assert!(!a.exists, "no backup: no onBackup, the agent is deleted");
    let mut b = agent(true, 1);
    let run = drive_saving(&mut b, saving(true), &[], None, true);
    assert_eq!(
        (run.saved_at, run.verdict.reason),
        (None, Some("AGENT_HAS_ACTIVE_CALLS"))
    );
    let mut c = agent(false, 0);
    let dry = CleanupOptions {
        dry_run: true,
        ..saving(false)
    };
    assert_eq!(drive_saving(&mut c, dry, &[], None, true).saved_at, None);
    let mut d = agent(false, 0);
    let run = drive_saving(&mut d, saving(false), &[], Some(2), false);
    assert_eq!(run.saved_at, None, "aborted before: not asked");
    assert_eq!(run.verdict.reason, Some("ABORTED"));
    assert!(d.exists);
    // Aborted while onBackup ran: it resolves, and the delete is not sent.
    let mut machine = AgentCleanup::new("a", saving(false));
    let draft = json!({"data": {"current_status": "draft"}});
    assert!(matches!(machine.next::<Value>(None, false), Need::Send(..)));
    assert!(matches!(
        machine.next(Some(Ok(draft)), false),
        Need::Send(..)
    ));
    assert!(matches!(
        machine.next(Some(Ok(json!({"data": []}))), false),
        Need::Backup
    ));
    let Need::Finish(v) = machine.next(Some(Ok(Value::Null)), true) else {
        panic!("an abort during onBackup ends the agent");
    };
    assert_eq!(
        (v.outcome, v.reason, v.backed_up),
        (Outcome::Skipped, Some("ABORTED"), true)
    );
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
        on_backup in any::<bool>(), save_fails in any::<bool>(),
    ) {
        let mut a = agent(published, calls);
        let o = CleanupOptions { on_backup, ..options(unpublish, backup, dry_run) };
        let run = drive_saving(&mut a, o, &fails, abort_at, save_fails);
        let v = &run.verdict;
        // onBackup: asked for exactly when a change is about to start with a backup taken, and
        // after a failed one nothing changes.
        let first_change = run.sent.iter().position(|s| s.changes_state());
        if on_backup && backup && first_change.is_some() {
            prop_assert_eq!(run.saved_at, first_change);
        }
        if !(on_backup && backup) || dry_run {
            prop_assert_eq!(run.saved_at, None);
        }
        if let Some(at) = run.saved_at {
            prop_assert!(run.sent[..at].iter().all(|s| !s.changes_state()), "a change before onBackup");
            prop_assert!(run.sent[..at].contains(&Step::Backup), "onBackup before the backup");
        }
        if save_fails && run.saved_at.is_some() {
            prop_assert!(first_change.is_none(), "a change after a failed onBackup");
            prop_assert_eq!((v.outcome, v.reason), (Outcome::Failed, Some("INVALID_ARGUMENT")));
            prop_assert!(a.exists && a.published == published);
        }
        prop_assert_eq!(v.outcome == Outcome::Deleted, !a.exists);
        // A published agent this run deleted was unpublished by it first (and says so).
        prop_assert_eq!(v.unpublished, published && (!a.exists || !a.published));
        let backup_failed = run.sent.iter().zip(&run.failed).any(|(s, f)| *s == Step::Backup && *f);
        prop_assert!(!(backup_failed && run.sent.contains(&Step::Delete)), "deleted after a failed backup");
        if dry_run {
            prop_assert!(run.sent.iter().all(|s| !s.changes_state()));
        }
        for (i, step) in run.sent.iter().enumerate() {
            prop_assert!(!step.changes_state() || abort_at.is_none_or(|k| i < k), "a change after the abort");
        }
        // Read, backup, three call counts, unpublish, delete, restore.
        prop_assert!(run.sent.len() <= 8);
    }
}
