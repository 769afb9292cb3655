//! The cleanup of one agent as a state machine, sans I/O: read, backup, active calls, unpublish,
//! delete, restore. The driver sends what [`AgentCleanup::next`] asks for, through the request
//! machine (retries included), and reports each step's body or error back, with whether the
//! caller's signal has aborted; the machine decides every skip, stop and restore.
//!
//! Reads are cancelled by the signal like any request. A change (unpublish, delete, restore) is
//! never started after an abort, and once started runs to its end, so the result always says
//! what happened to the agent. A change whose outcome is unknown (every attempt's answer lost:
//! a network error, a timeout, a 5xx) is followed by one read of the agent, abort or not
//! ([`Need::Verify`]), and that read says whether it took effect.
//!
//! With a backup and a caller's `onBackup`, the machine asks for it ([`Need::Backup`]) right
//! before the agent's first change, once the backup is read and the agent is known to be
//! changed (not skipped); a failed `onBackup` ends the agent `failed` with nothing changed.

use super::cleanup::{outcome_of_error, plan, CleanupOptions, Outcome, Plan, Step};
use super::cleanup::{ACTIVE_CALL_STATUSES, UNPUBLISH_FIRST};
use super::{endpoint, ApiError, ErrorCode, JsonView, RequestSpec};

/// What the driver does next for this agent.
#[derive(Debug)]
pub enum Need {
    /// Report `step` to `onProgress` (when it is `Some`), then send `spec` and call
    /// [`AgentCleanup::next`] with its answer.
    Send(Option<Step>, Step, RequestSpec),
    /// Hand the backup to the caller's `onBackup`, await it, and call [`AgentCleanup::next`]
    /// with how it went: no answer (or any `Ok`) when it resolved, an `Err` (an
    /// `INVALID_ARGUMENT` saying what it threw) when it threw or rejected. Nothing of the agent
    /// has changed yet.
    Backup,
    /// Read the agent with this spec, outside the caller's signal and reporting no step, and
    /// call [`AgentCleanup::next`] with the answer: the last change's outcome is unknown.
    Verify(RequestSpec),
    /// The agent's result.
    Finish(Verdict),
}

/// The result of one agent, apart from the values the driver keeps (the backup's agent and
/// trainings, which it attaches when `backed_up`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// `deleted`, `skipped`, `failed` or `planned`.
    pub outcome: Outcome,
    /// An error code, `UNPUBLISH_FIRST`, or none.
    pub reason: Option<&'static str>,
    /// The agent was left unpublished by this run.
    pub unpublished: bool,
    /// The backup was taken (a dry run takes none).
    pub backed_up: bool,
    /// The error behind a skip or a failure, if a request gave one.
    pub error: Option<ApiError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    Reading,
    BackingUp,
    Counting(usize),
    Saving,
    Unpublishing,
    Deleting,
    Restoring,
    Done,
}

/// One agent's cleanup.
#[derive(Debug)]
pub struct AgentCleanup {
    id: String,
    options: CleanupOptions,
    state: State,
    unpublish_first: bool,
    unpublished: bool,
    backed_up: bool,
    /// The backup is read and the caller's `onBackup` has not had it yet.
    unsaved: bool,
    /// The change of `state` had an unknown outcome, and the agent is being read.
    verifying: bool,
    /// The delete's outcome stayed unknown: its answer and the reading after it were both lost.
    delete_unknown: bool,
    failure: Option<ApiError>,
}

impl AgentCleanup {
    /// The cleanup of agent `id` (already checked) under `options`.
    pub fn new(id: &str, options: CleanupOptions) -> Self {
        Self {
            id: id.to_owned(),
            options,
            state: State::Start,
            unpublish_first: false,
            unpublished: false,
            backed_up: false,
            unsaved: false,
            verifying: false,
            delete_unknown: false,
            failure: None,
        }
    }

    /// Whether the request in flight is the reading after a change whose outcome was unknown
    /// ([`Need::Verify`]): its answer is for this machine only.
    pub fn verifying(&self) -> bool {
        self.verifying
    }

    /// The next need, given the answer to the last request (`None` at the start) and whether
    /// the caller's signal has aborted.
    pub fn next<V: JsonView>(
        &mut self,
        answer: Option<Result<V, ApiError>>,
        aborted: bool,
    ) -> Need {
        if std::mem::take(&mut self.verifying) {
            return self.after_verify(answer, aborted);
        }
        let answer = match answer {
            Some(Err(error)) => return self.after_error(error, aborted),
            Some(Ok(body)) => Some(body),
            None => None,
        };
        match (self.state, answer) {
            (State::Start, _) if aborted => {
                self.finish(Outcome::Skipped, Some(aborted_code()), None)
            }
            (State::Start, _) => self.send(State::Reading, Some(Step::Read), Step::Read),
            (State::Reading, Some(agent)) => self.after_read(&agent, aborted),
            (State::BackingUp, Some(_)) => {
                (self.backed_up, self.unsaved) = (true, self.options.on_backup);
                self.after_backup(aborted)
            }
            (State::Counting(i), Some(page)) => self.after_count(i, &page, aborted),
            (State::Saving, _) => {
                self.unsaved = false;
                match self.unpublish_first {
                    true => self.change(State::Unpublishing, Step::Unpublish, aborted),
                    false => self.change(State::Deleting, Step::Delete, aborted),
                }
            }
            (State::Unpublishing | State::Deleting | State::Restoring, Some(_)) => {
                self.changed(aborted)
            }
            _ => self.finish(
                Outcome::Failed,
                Some(ErrorCode::InvalidResponse.as_str()),
                None,
            ),
        }
    }

    fn after_read<V: JsonView>(&mut self, body: &V, aborted: bool) -> Need {
        match plan(published(body), &self.options) {
            Plan::Skip(code) => self.finish(Outcome::Skipped, Some(code.as_str()), None),
            Plan::Delete { unpublish_first } => {
                self.unpublish_first = unpublish_first;
                if self.options.dry_run {
                    self.count(0)
                } else if self.options.backup {
                    self.send(State::BackingUp, Some(Step::Backup), Step::Backup)
                } else {
                    self.after_backup(aborted)
                }
            }
        }
    }

    fn after_backup(&mut self, aborted: bool) -> Need {
        match self.unpublish_first {
            true => self.count(0),
            false => self.change(State::Deleting, Step::Delete, aborted),
        }
    }

    fn after_count<V: JsonView>(&mut self, index: usize, page: &V, aborted: bool) -> Need {
        let total = page.get("pagination").and_then(|p| p.get("total"));
        let listed = page.get("data").map_or(0, |d| d.array_len());
        if total.and_then(|t| t.number()).unwrap_or(0.0) > 0.0 || listed > 0 {
            let busy = ApiError::new(
                ErrorCode::AgentHasActiveCalls,
                "The agent has active calls.",
            );
            return self.finish(Outcome::Skipped, Some(busy.code.as_str()), Some(busy));
        }
        match (index + 1 < ACTIVE_CALL_STATUSES.len(), self.options.dry_run) {
            (true, _) => self.count(index + 1),
            (false, true) => {
                let reason = self.unpublish_first.then_some(UNPUBLISH_FIRST);
                self.finish(Outcome::Planned, reason, None)
            }
            (false, false) => self.change(State::Unpublishing, Step::Unpublish, aborted),
        }
    }

    fn count(&mut self, index: usize) -> Need {
        let progress = (index == 0).then_some(Step::CheckCalls);
        self.send(State::Counting(index), progress, Step::CheckCalls)
    }

    /// A step that changes the agent: never started once the caller has aborted, and the first
    /// one only after the caller's `onBackup` (when there is one) has the backup.
    fn change(&mut self, state: State, step: Step, aborted: bool) -> Need {
        match aborted {
            true => self.fail(ApiError::aborted()),
            false if self.unsaved => {
                self.state = State::Saving;
                Need::Backup
            }
            false => self.send(state, Some(step), step),
        }
    }

    fn send(&mut self, state: State, progress: Option<Step>, step: Step) -> Need {
        let id = self.id.as_str();
        let spec = match state {
            State::Reading => endpoint::get_agent(id),
            State::BackingUp => endpoint::list_trainings(id),
            State::Counting(i) => {
                let status = ACTIVE_CALL_STATUSES.get(i).copied().unwrap_or("answered");
                endpoint::count_calls(id, status)
            }
            State::Unpublishing => endpoint::set_published(id, false),
            State::Restoring => endpoint::set_published(id, true),
            _ => endpoint::delete_agent(id),
        };
        match spec {
            Ok(spec) => {
                self.state = state;
                Need::Send(progress, step, spec)
            }
            Err(error) => self.fail(error),
        }
    }

    fn fail_with_saved(&mut self) -> Need {
        let error = self.failure.take().unwrap_or_else(ApiError::aborted);
        self.fail(error)
    }

    fn fail(&mut self, error: ApiError) -> Need {
        let outcome = outcome_of_error(error.code);
        self.finish(outcome, Some(error.code.as_str()), Some(error))
    }

    fn finish(
        &mut self,
        outcome: Outcome,
        reason: Option<&'static str>,
        error: Option<ApiError>,
    ) -> Need {
        self.state = State::Done;
        Need::Finish(Verdict {
            outcome,
            reason,
            unpublished: self.unpublished,
            backed_up: self.backed_up,
            error,
        })
    }
}

/// Whether a read's body says the agent is published (its `current_status`).
pub fn published<V: JsonView>(body: &V) -> bool {
    let status = body.get("data").and_then(|d| d.get("current_status"));
    status.and_then(|s| s.string()).as_deref() == Some("published")
}

fn aborted_code() -> &'static str {
    ErrorCode::Aborted.as_str()
}

#[path = "sweep_change.rs"]
mod change;

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "sweep_tests.rs"]
mod tests;
