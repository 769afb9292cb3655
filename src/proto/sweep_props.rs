//! Properties of one agent's cleanup over any interleaving of step failures (with and without
//! effect) and abort points: the verdict agrees with the simulated agent.

use super::sim::*;
use crate::proto::cleanup::{CleanupOptions, Outcome, Step};
use crate::proto::ErrorCode;
use proptest::prelude::*;

fn any_failure() -> impl Strategy<Value = Option<ErrorCode>> {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some(ErrorCode::ServerError)),
        1 => Just(Some(ErrorCode::NetworkError)),
        2 => Just(Some(ErrorCode::Timeout)),
        1 => Just(Some(ErrorCode::InvalidResponse)),
        1 => Just(Some(ErrorCode::AgentNotFound)),
        1 => Just(Some(ErrorCode::Aborted)),
    ]
}

proptest! {
    #[test]
    fn the_verdict_always_agrees_with_the_agent(
        published in any::<bool>(), calls in 0u32..3, unpublish in any::<bool>(),
        backup in any::<bool>(), dry_run in any::<bool>(),
        fails in proptest::collection::vec(any_failure(), 11), abort_at in proptest::option::of(0usize..11),
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
        // The truth, unless a change's answer and the reading after it were both lost.
        if run.verified.iter().all(|(_, failed)| !failed) {
            prop_assert_eq!(v.outcome == Outcome::Deleted, !a.exists);
            // A published agent this run deleted was unpublished by it first (and says so).
            prop_assert_eq!(v.unpublished, published && (!a.exists || !a.published));
        }
        // ABORTED only after an abort (not as a stand-in for a lost error).
        if v.reason == Some("ABORTED") {
            prop_assert!(abort_at.is_some() || fails.contains(&Some(ErrorCode::Aborted)));
        }
        // A reading only right after a change whose outcome was unknown.
        for (at, _) in &run.verified {
            let before = (at.checked_sub(1)).map(|i| (run.sent[i], fails[i]));
            let unknown = |c: Option<ErrorCode>| matches!(c, Some(ErrorCode::NetworkError | ErrorCode::Timeout | ErrorCode::ServerError));
            prop_assert!(before.is_some_and(|(s, c)| s.changes_state() && unknown(c)), "a reading after {:?}", before);
        }
        let backup_failed = run.sent.iter().zip(&run.failed).any(|(s, f)| *s == Step::Backup && *f);
        prop_assert!(!(backup_failed && run.sent.contains(&Step::Delete)), "deleted after a failed backup");
        if dry_run {
            prop_assert!(run.sent.iter().all(|s| !s.changes_state()));
        }
        for (i, step) in run.sent.iter().enumerate() {
            prop_assert!(!step.changes_state() || abort_at.is_none_or(|k| i < k), "a change after the abort");
        }
        // Read, backup, three call counts, unpublish, delete, restore, a reading after each change.
        prop_assert!(run.sent.len() <= 11);
    }
}
