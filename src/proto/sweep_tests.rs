//! One agent's cleanup against a simulated agent ([`sim`]): every branch as a table here, a
//! change whose answer is lost in [`lost`], and properties over any interleaving of step
//! failures and abort points in [`props`].

use super::*;
use serde_json::{json, Value};
use sim::*;

#[path = "sweep_lost_tests.rs"]
mod lost;
#[path = "sweep_props.rs"]
mod props;
#[path = "sweep_sim.rs"]
mod sim;

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
