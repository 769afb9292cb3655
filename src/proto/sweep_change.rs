//! What a change's answer does to one agent's cleanup: it took effect, it failed, or its
//! outcome is unknown (every attempt's answer lost: a network error, a timeout, a 5xx), and then
//! the agent is read back ([`Need::Verify`]) and the reading decides.

use super::{published, AgentCleanup, Need, State};
use crate::proto::cleanup::{Outcome, Step};
use crate::proto::{endpoint, ApiError, ErrorCode, JsonView};

impl AgentCleanup {
    /// A request failed with `error`: a change answered 2xx took effect (its body could not be
    /// read); one whose outcome is unknown is read back first.
    pub(super) fn after_error(&mut self, error: ApiError, aborted: bool) -> Need {
        let changing = matches!(
            self.state,
            State::Unpublishing | State::Deleting | State::Restoring
        );
        if changing && matches!(error.status, Some(200..=299)) {
            return self.changed(aborted);
        }
        if changing && error.outcome_unknown() {
            if self.state != State::Restoring {
                self.failure = Some(error);
            }
            self.verifying = true;
            return match endpoint::get_agent(&self.id) {
                Ok(spec) => Need::Verify(spec),
                Err(error) => self.fail(error),
            };
        }
        self.not_changed(error, aborted)
    }

    /// The change of `state` took effect.
    pub(super) fn changed(&mut self, aborted: bool) -> Need {
        match self.state {
            State::Unpublishing => {
                self.unpublished = true;
                self.change(State::Deleting, Step::Delete, aborted)
            }
            State::Restoring => {
                self.unpublished = false;
                self.fail_with_saved()
            }
            _ => self.finish(Outcome::Deleted, None, None),
        }
    }

    /// The change of `state` failed (or may have; the agent's reading did not say it took effect).
    fn not_changed(&mut self, error: ApiError, aborted: bool) -> Need {
        let gone = error.code == ErrorCode::AgentNotFound;
        match self.state {
            State::Deleting if self.unpublished && !aborted => {
                self.failure = Some(error);
                self.send(State::Restoring, Some(Step::Restore), Step::Restore)
            }
            // Restoring after a delete whose outcome stayed unknown: the delete took effect.
            State::Restoring if gone && self.delete_unknown => {
                self.finish(Outcome::Deleted, None, None)
            }
            State::Restoring => self.fail_with_saved(),
            _ => self.fail(error),
        }
    }

    /// The agent as read after the change of `state`, whose outcome was unknown: it took effect
    /// when the agent is gone after a delete, or unpublished or published as the change made it.
    pub(super) fn after_verify<V: JsonView>(
        &mut self,
        answer: Option<Result<V, ApiError>>,
        aborted: bool,
    ) -> Need {
        let gone = matches!(&answer, Some(Err(e)) if e.code == ErrorCode::AgentNotFound);
        let published = match &answer {
            Some(Ok(agent)) => Some(published(agent)),
            _ => None,
        };
        let took_effect = match self.state {
            State::Unpublishing => published == Some(false),
            State::Restoring => published == Some(true),
            _ => gone,
        };
        match self.state {
            _ if took_effect => self.changed(aborted),
            // A restore fails with the delete's error (kept), unless the delete took effect.
            State::Restoring if gone => self.finish(Outcome::Deleted, None, None),
            State::Restoring => self.fail_with_saved(),
            _ => {
                self.delete_unknown = self.state == State::Deleting && published.is_none();
                let error = self.failure.take().unwrap_or_else(ApiError::aborted);
                self.not_changed(error, aborted)
            }
        }
    }
}
