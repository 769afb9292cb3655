//! The decisions of the agent-cleanup workflow, apart from the requests that carry them out.
//!
//! Per agent: read it; a published agent is unpublished (when allowed) or skipped; the backup
//! is taken before anything changes and a failed backup stops that agent; active calls skip it;
//! an agent that is already gone is reported as such. The wasm side runs these steps with a
//! concurrency limit and reports progress after each.

use super::error::ErrorCode;

/// The most agents worked on at once.
pub const MAX_CONCURRENCY: u32 = 64;

/// `cleanupAgents` options, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CleanupOptions {
    /// Unpublish published agents instead of skipping them.
    pub unpublish: bool,
    /// Keep the agent and its trainings before deleting (default `true`).
    pub backup: bool,
    /// Send no mutating request; report what would happen.
    pub dry_run: bool,
    /// Agents worked on at once, 1..=64 (default 4).
    pub concurrency: u32,
    /// The caller gave an `onBackup`: with `backup`, it is awaited before the first change.
    pub on_backup: bool,
}

impl Default for CleanupOptions {
    fn default() -> Self {
        Self {
            unpublish: false,
            backup: true,
            dry_run: false,
            concurrency: 4,
            on_backup: false,
        }
    }
}

/// The final outcome of one agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It is gone.
    Deleted,
    /// Left alone on purpose (published, active calls, already gone, not reached).
    Skipped,
    /// Something went wrong; `error` says what.
    Failed,
    /// Dry run: it would be deleted.
    Planned,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 4] = [Self::Deleted, Self::Skipped, Self::Failed, Self::Planned];

    /// The name JavaScript sees.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Deleted => "deleted",
            Self::Skipped => "skipped",
            Self::Failed => "failed",
            Self::Planned => "planned",
        }
    }
}

/// The steps `onProgress` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `GET /agents/{id}`.
    Read,
    /// `GET /agents/{id}/trainings`.
    Backup,
    /// Counting the agent's active calls before unpublishing it.
    CheckCalls,
    /// `POST /agents/{id}/unpublish`.
    Unpublish,
    /// `DELETE /agents/{id}`.
    Delete,
    /// Publishing again an agent this run unpublished but could not delete.
    Restore,
    /// The agent's result is final.
    Done,
}

impl Step {
    /// Every step, in the order a run can report them.
    pub const ALL: [Step; 7] = [
        Self::Read,
        Self::Backup,
        Self::CheckCalls,
        Self::Unpublish,
        Self::Delete,
        Self::Restore,
        Self::Done,
    ];

    /// Whether the step changes the agent (and so, once sent, is let finish).
    pub const fn changes_state(self) -> bool {
        matches!(self, Self::Unpublish | Self::Delete | Self::Restore)
    }

    /// The name JavaScript sees.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Backup => "backup",
            Self::CheckCalls => "check-calls",
            Self::Unpublish => "unpublish",
            Self::Delete => "delete",
            Self::Restore => "restore",
            Self::Done => "done",
        }
    }
}

/// Call statuses that count as active (talkover-api.md, Get Active Call by Phone).
pub const ACTIVE_CALL_STATUSES: [&str; 3] = ["initiated", "ringing", "answered"];

/// The reason a planned agent carries when it would be unpublished first.
pub const UNPUBLISH_FIRST: &str = "UNPUBLISH_FIRST";

/// What to do with an agent once it has been read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plan {
    /// Leave it, for this reason.
    Skip(ErrorCode),
    /// Delete it, unpublishing it first when it is published.
    Delete {
        /// It is published and `unpublish` is set.
        unpublish_first: bool,
    },
}

/// The plan for an agent, published (its `current_status`) or not.
pub fn plan(published: bool, options: &CleanupOptions) -> Plan {
    match published {
        true if !options.unpublish => Plan::Skip(ErrorCode::AgentIsPublished),
        published => Plan::Delete {
            unpublish_first: published,
        },
    }
}

/// The outcome when a step fails with `code`: refusals the API explains, and work the caller
/// aborted, are skips; anything else is a failure.
pub fn outcome_of_error(code: ErrorCode) -> Outcome {
    match code {
        ErrorCode::AgentNotFound
        | ErrorCode::AgentHasActiveCalls
        | ErrorCode::AgentIsPublished
        | ErrorCode::Aborted => Outcome::Skipped,
        _ => Outcome::Failed,
    }
}

/// The distinct ids in input order (first occurrence wins), in linear time. A small open-
/// addressing set of positions (FNV-1a) rather than `HashSet`, whose SipHash and table code
/// would add kilobytes to the wasm.
pub fn distinct_ids<S: AsRef<str>>(ids: &[S]) -> Vec<&str> {
    const EMPTY: usize = usize::MAX;
    let mask = (ids.len() * 2).next_power_of_two().max(2) - 1;
    let mut slots = vec![EMPTY; mask + 1];
    let mut distinct = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        let id = id.as_ref();
        let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let mut slot = hash as usize & mask;
        loop {
            match slots.get(slot).copied() {
                Some(EMPTY) => {
                    slots[slot] = index;
                    distinct.push(id);
                    break;
                }
                Some(seen) if ids.get(seen).map(AsRef::as_ref) == Some(id) => break,
                _ => slot = (slot + 1) & mask,
            }
        }
    }
    distinct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_agents_are_skipped_unless_unpublish_is_set() {
        let mut o = CleanupOptions::default();
        assert_eq!(plan(true, &o), Plan::Skip(ErrorCode::AgentIsPublished));
        assert_eq!(
            plan(false, &o),
            Plan::Delete {
                unpublish_first: false
            }
        );
        o.unpublish = true;
        assert_eq!(
            plan(true, &o),
            Plan::Delete {
                unpublish_first: true
            }
        );
        assert_eq!(
            plan(false, &o),
            Plan::Delete {
                unpublish_first: false
            }
        );
    }

    #[test]
    fn explained_refusals_are_skips() {
        assert_eq!(
            outcome_of_error(ErrorCode::AgentHasActiveCalls),
            Outcome::Skipped
        );
        assert_eq!(outcome_of_error(ErrorCode::AgentNotFound), Outcome::Skipped);
        assert_eq!(
            outcome_of_error(ErrorCode::AgentIsPublished),
            Outcome::Skipped
        );
        assert_eq!(outcome_of_error(ErrorCode::Aborted), Outcome::Skipped);
        for code in [
            ErrorCode::ServerError,
            ErrorCode::Unauthorized,
            ErrorCode::InvalidResponse,
        ] {
            assert_eq!(outcome_of_error(code), Outcome::Failed);
        }
    }

    #[test]
    fn ids_are_deduplicated_in_input_order() {
        let ids = ["b", "a", "b", "c", "a"];
        assert_eq!(distinct_ids(&ids), ["b", "a", "c"]);
        let many: Vec<String> = (0..5000).map(|i| (i % 1234).to_string()).collect();
        let distinct = distinct_ids(&many);
        assert_eq!(distinct.len(), 1234);
        assert!(distinct
            .iter()
            .enumerate()
            .all(|(i, id)| *id == i.to_string()));
        assert!(distinct_ids::<&str>(&[]).is_empty());
    }
}
