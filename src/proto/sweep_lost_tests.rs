//! A change that took effect but whose answer was lost (a `TIMEOUT` in the simulation): the
//! agent is read back, and the verdict follows the reading.

use super::sim::*;
use crate::proto::cleanup::{Outcome, Step};
use crate::proto::sweep::{published, AgentCleanup, Need};
use crate::proto::{ApiError, ErrorCode};
use serde_json::{json, Value};

#[test]
fn a_change_whose_answer_is_lost_is_read_back() {
    use ErrorCode::{NetworkError, ServerError, Timeout};
    use Step::*;
    // The unpublish took effect: the run goes on to delete.
    let mut a = agent(true, 0);
    let fails = failing_from(4, &[Timeout]);
    let run = drive(&mut a, options(true, false, false), &fails, None);
    assert_eq!(
        run.sent,
        [Read, CheckCalls, CheckCalls, CheckCalls, Unpublish, Read, Delete]
    );
    assert_eq!(run.progress, [Read, CheckCalls, Unpublish, Delete]);
    assert_eq!(run.verified, [(5, false)]);
    let v = &run.verdict;
    assert_eq!(
        (v.outcome, v.unpublished, a.exists),
        (Outcome::Deleted, true, false)
    );
    // The delete took effect: deleted; it did not: failed with the delete's error.
    for (fail, outcome, reason) in [
        (Timeout, Outcome::Deleted, None),
        (NetworkError, Outcome::Failed, Some("NETWORK_ERROR")),
    ] {
        let mut b = agent(false, 0);
        let run = drive(
            &mut b,
            options(false, false, false),
            &[None, Some(fail)],
            None,
        );
        assert_eq!(run.sent, [Read, Delete, Read]);
        assert_eq!((run.verdict.outcome, run.verdict.reason), (outcome, reason));
        assert_eq!(b.exists, outcome != Outcome::Deleted);
    }
    // The delete took effect and the reading was lost too: the restore's 404 says it is gone.
    let mut c = agent(true, 0);
    let fails = failing_from(5, &[Timeout, NetworkError]);
    let run = drive(&mut c, options(true, false, false), &fails, None);
    assert_eq!(&run.sent[5..], [Delete, Read, Restore]);
    assert_eq!((run.verdict.outcome, c.exists), (Outcome::Deleted, false));
    // A failed delete, then a restore that took effect: published again, with the delete's error.
    let mut d = agent(true, 0);
    let mut fails = failing_from(5, &[ServerError]);
    fails.extend([None, Some(Timeout)]);
    let run = drive(&mut d, options(true, false, false), &fails, None);
    assert_eq!(&run.sent[5..], [Delete, Read, Restore, Read]);
    let v = &run.verdict;
    assert_eq!(
        (v.outcome, v.reason, v.unpublished),
        (Outcome::Failed, Some("SERVER_ERROR"), false)
    );
    assert!(d.published && d.exists);
}

#[test]
fn after_an_abort_the_reading_still_says_what_the_change_did() {
    use Step::*;
    let mut a = agent(true, 0);
    let fails = failing_from(4, &[ErrorCode::Timeout]);
    let run = drive(&mut a, options(true, false, false), &fails, Some(5));
    assert_eq!(
        run.sent,
        [Read, CheckCalls, CheckCalls, CheckCalls, Unpublish, Read]
    );
    let v = &run.verdict;
    assert_eq!(
        (v.outcome, v.reason, v.unpublished),
        (Outcome::Skipped, Some("ABORTED"), true)
    );
    assert!(a.exists && !a.published);
}

#[test]
fn only_a_published_status_is_published() {
    let cases = [
        (json!({"data": {"current_status": "published"}}), true),
        (json!({"data": {"current_status": "draft"}}), false),
        (json!({"data": {"current_status": ["published"]}}), false),
        (json!({"data": {}}), false),
        (json!({"data": "published"}), false),
        (json!(null), false),
    ];
    for (body, expected) in cases {
        assert_eq!(published(&body), expected, "{body}");
    }
}

#[test]
fn a_change_refused_after_an_attempt_with_an_unknown_outcome_is_read_back_too() {
    let mut machine = AgentCleanup::new("a", options(true, false, false));
    let published = json!({"data": {"current_status": "published"}});
    let no_calls = json!({"data": [], "pagination": {"total": 0}});
    assert!(matches!(machine.next::<Value>(None, false), Need::Send(..)));
    let mut need = machine.next(Some(Ok(published)), false);
    for _ in 0..3 {
        need = machine.next(Some(Ok(no_calls.clone())), false);
    }
    assert!(matches!(need, Need::Send(Some(Step::Unpublish), ..)));
    // A timeout (it went through), then a 429 for the retry: the outcome is still unknown.
    let mut limited = ApiError::new(ErrorCode::RateLimited, "Too many requests.");
    (limited.status, limited.after_unknown) = (Some(429), true);
    assert!(matches!(
        machine.next::<Value>(Some(Err(limited)), false),
        Need::Verify(_)
    ));
    let unpublished = json!({"data": {"current_status": "draft"}});
    let need = machine.next(Some(Ok(unpublished)), false);
    assert!(
        matches!(need, Need::Send(Some(Step::Delete), ..)),
        "{need:?}"
    );
}

/// `at` requests that get through, then the failures `codes`, one per request.
fn failing_from(at: usize, codes: &[ErrorCode]) -> Vec<Option<ErrorCode>> {
    let mut fails = vec![None; at];
    fails.extend(codes.iter().copied().map(Some));
    fails
}

#[test]
fn a_restore_that_meets_a_404_is_deleted_only_while_the_delete_is_unknown() {
    use ErrorCode::{AgentNotFound, NetworkError};
    // A refused delete (a 404 that changed nothing), then a 404 for the restore: not deleted.
    let mut a = agent(true, 0);
    let fails = failing_from(5, &[AgentNotFound, AgentNotFound]);
    let run = drive(&mut a, options(true, false, false), &fails, None);
    assert_eq!(&run.sent[5..], [Step::Delete, Step::Restore]);
    assert!(a.exists && run.verdict.outcome != Outcome::Deleted);
    // The reading found it present (not lost): the restore's 404 is not a delete.
    let mut c = agent(true, 0);
    let mut fails = failing_from(5, &[NetworkError]);
    fails.extend([None, Some(AgentNotFound)]);
    let run = drive(&mut c, options(true, false, false), &fails, None);
    assert_eq!(&run.sent[5..], [Step::Delete, Step::Read, Step::Restore]);
    assert!(
        c.exists && run.verdict.outcome != Outcome::Deleted,
        "{:?}",
        run.verdict
    );
}

#[test]
fn a_change_answered_2xx_with_an_unreadable_body_took_effect() {
    let mut a = agent(true, 0);
    let fails = failing_from(4, &[ErrorCode::InvalidResponse, ErrorCode::InvalidResponse]);
    let run = drive(&mut a, options(true, false, false), &fails, None);
    assert_eq!(
        &run.sent[4..],
        [Step::Unpublish, Step::Delete],
        "no reading needed"
    );
    let v = &run.verdict;
    assert_eq!(
        (v.outcome, v.unpublished, a.exists),
        (Outcome::Deleted, true, false)
    );
}
