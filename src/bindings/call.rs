//! A call in progress, as the JavaScript driver (`src/js/driver.js`) runs it: `next()` says what
//! to do (send, wait, report a step, or nothing: done), `onAttempt` / `onWait` report back, and
//! `result()` gives the value (or hands the `TalkoverError` to JavaScript, which throws it).
//! Synchronous: no future, no promise and no closure in the wasm, so a call crosses the
//! boundary a few dozen times at most.

use super::refused;
use super::results::{cleanup_result, delete_result, single};
use super::values::{data_of, inherited, to_js_error};
use super::work::{ActiveCalls, AgentWork, Republish, Work};
use crate::proto::cleanup::{Step, ACTIVE_CALL_STATUSES};
use crate::proto::sweep::{published, Need};
use crate::proto::text::redact;
use crate::proto::{endpoint, ApiError, JsonView, RequestSpec};
use crate::transport::{Exchange, Failure, Reply, Transport};
use js_sys::{Array, JsString};
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

/// At most this many pages of one call status are read by `activeCalls`.
const MAX_CALL_PAGES: u32 = 1000;

/// A call in progress.
#[wasm_bindgen]
pub struct Call {
    transport: Transport,
    signal: Option<AbortSignal>,
    work: Option<Work>,
    exchange: Option<Exchange>,
    announce: Option<Step>,
    recheck: bool,
    /// A cleanup agent waits for the caller's `onBackup`.
    saving: bool,
    result: Option<Result<JsValue, JsValue>>,
}

#[wasm_bindgen]
impl Call {
    /// The next instruction (see `crate::transport`), `P` + a step name to report, `B` to await
    /// the caller's `onBackup` with `result()` (then `[agent, trainings]`) and answer through
    /// `onAttempt('', failure)` (see [`Call::on_backup`]), or `""`.
    #[wasm_bindgen(js_name = next)]
    pub fn next_instruction(&mut self) -> JsString {
        self.instruction().into()
    }

    /// What an attempt reported (`head`, and the parsed body or `null`); returns the next
    /// instruction (saving a crossing per step). After `B` it answers `onBackup` instead.
    #[wasm_bindgen(js_name = onAttempt)]
    pub fn on_attempt(&mut self, head: &str, body: JsValue) -> JsString {
        if std::mem::take(&mut self.saving) {
            return self.on_backup(body).into();
        }
        if let Some(exchange) = &mut self.exchange {
            exchange.on_attempt(head, body, self.transport.timeout_ms);
        }
        self.instruction().into()
    }

    /// A wait ended: `true` when it elapsed, `false` when the caller's signal aborted it;
    /// returns the next instruction.
    #[wasm_bindgen(js_name = onWait)]
    pub fn on_wait(&mut self, elapsed: bool) -> JsString {
        if let Some(exchange) = &mut self.exchange {
            exchange.on_wait(elapsed);
        }
        self.instruction().into()
    }

    /// The caller's signal, or `undefined`.
    pub fn signal(&self) -> JsValue {
        self.signal
            .as_ref()
            .map_or(JsValue::UNDEFINED, |s| s.into())
    }

    /// The result, or `undefined` and the `TalkoverError` goes to JavaScript (see
    /// [`refused`]), which the driver throws.
    pub fn result(&mut self) -> JsValue {
        let unfinished =
            || to_js_error(ApiError::invalid_argument("The call has not finished.").into());
        let result = self.result.take().unwrap_or_else(|| Err(unfinished()));
        refused(result).unwrap_or(JsValue::UNDEFINED)
    }
}

impl Call {
    /// After `B` (see [`Call::next_instruction`]), through `onAttempt`: the caller's `onBackup`
    /// resolved (`failure` is `undefined`) or threw or rejected (`failure` is the message of the
    /// `INVALID_ARGUMENT` to fail the agent with). The answer reaches the agent's machine like a
    /// reply: none when it resolved, an error when it failed. (Not an export of its own: each
    /// costs the wasm about 200 B gzip.)
    fn on_backup(&mut self, failure: JsValue) -> String {
        let reply = failure.as_string().map(|mut message| {
            redact(&mut message, self.transport.token.secret());
            Err(ApiError::invalid_argument(message).into())
        });
        self.advance(reply);
        self.instruction()
    }

    /// The next instruction as Rust text: see [`Call::next_instruction`].
    fn instruction(&mut self) -> String {
        loop {
            if let Some(step) = self.announce.take() {
                let mut out = String::from("P");
                out.push_str(step.as_str());
                return out;
            }
            if self.saving {
                return "B".to_owned();
            }
            // A change announced to onProgress is not sent if the callback aborted.
            let cancel = std::mem::take(&mut self.recheck) && self.aborted();
            let reply = match &mut self.exchange {
                Some(_) if cancel => Some(Err(ApiError::aborted().into())),
                Some(exchange) => match exchange.instruction(&self.transport) {
                    Some(instruction) => return instruction,
                    None => exchange.result(),
                },
                None if self.result.is_some() => return String::new(),
                None if self.work.is_none() => return String::new(),
                None => None,
            };
            self.exchange = None;
            self.advance(reply);
        }
    }

    pub(crate) fn new(transport: Transport, signal: Option<AbortSignal>, work: Work) -> Self {
        Self {
            transport,
            signal,
            work: Some(work),
            exchange: None,
            announce: None,
            recheck: false,
            saving: false,
            result: None,
        }
    }

    /// Whether the caller's signal has aborted (read so that a throwing getter means no).
    fn aborted(&self) -> bool {
        let aborted = |s: &AbortSignal| inherited(s, "aborted").as_bool() == Some(true);
        self.signal.as_ref().is_some_and(aborted)
    }

    fn send(&mut self, spec: Result<RequestSpec, ApiError>, within_signal: bool) {
        match spec {
            Ok(spec) => self.exchange = Some(Exchange::new(spec, &self.transport, within_signal)),
            Err(error) => self.fail(error.into()),
        }
    }

    fn fail(&mut self, failure: Failure) {
        self.result = Some(Err(to_js_error(failure)));
    }

    /// Moves the work on with the reply of the last exchange (`None` at the start).
    fn advance(&mut self, reply: Option<Result<Reply, Failure>>) {
        let work = match self.work.take() {
            Some(work) => work,
            None => return self.fail(ApiError::invalid_argument("The call has finished.").into()),
        };
        self.work = Some(match (work, reply) {
            (Work::Single(shape, spec), None) => {
                self.send(Ok(spec.clone()), true);
                Work::Single(shape, spec)
            }
            (Work::Single(shape, spec), Some(reply)) => {
                self.result = Some(reply.map(|r| single(shape, r)).map_err(to_js_error));
                Work::Single(shape, spec)
            }
            (Work::Republish(work), reply) => Work::Republish(self.republish(work, reply)),
            (Work::ActiveCalls(work), reply) => Work::ActiveCalls(self.active_calls(work, reply)),
            (Work::Agent(work), reply) => Work::Agent(self.agent(work, reply)),
        });
    }

    fn republish(
        &mut self,
        mut w: Box<Republish>,
        reply: Option<Result<Reply, Failure>>,
    ) -> Box<Republish> {
        let reply = match reply {
            None => {
                self.send(endpoint::get_agent(&w.agent), true);
                return w;
            }
            Some(Err(failure)) if w.deleted.is_none() => {
                self.fail(failure);
                return w;
            }
            Some(reply) => reply,
        };
        match (w.was_published, w.deleted.take(), reply) {
            (None, _, Ok(agent)) => {
                w.was_published = Some(published(&agent.body));
                self.send(Ok(w.delete.clone()), true);
            }
            (Some(published), None, Ok(reply)) => {
                let deleted = delete_result(reply, "Agent training deleted successfully");
                match published {
                    true => self.send(endpoint::set_published(&w.agent, true), true),
                    false => self.result = Some(Ok(deleted.to_js(Some(false), &JsValue::NULL))),
                }
                w.deleted = Some(deleted);
            }
            (_, Some(deleted), publish) => {
                let republished = Some(publish.is_ok());
                let error = publish.err().map_or(JsValue::NULL, to_js_error);
                self.result = Some(Ok(deleted.to_js(republished, &error)));
            }
            _ => self.fail(ApiError::invalid_argument("The call has finished.").into()),
        }
        w
    }

    fn active_calls(
        &mut self,
        mut w: Box<ActiveCalls>,
        reply: Option<Result<Reply, Failure>>,
    ) -> Box<ActiveCalls> {
        match reply {
            None => {}
            Some(Err(failure)) => {
                self.fail(failure);
                return w;
            }
            Some(Ok(reply)) => {
                w.calls = w.calls.concat(&data_of(&reply.body).into());
                let last = reply
                    .body
                    .get("pagination")
                    .and_then(|p| p.get("last_page"));
                let last = last
                    .and_then(|l| l.number())
                    .unwrap_or(1.0)
                    .min(f64::from(MAX_CALL_PAGES));
                match f64::from(w.page) < last {
                    true => w.page += 1,
                    false => (w.status, w.page) = (w.status + 1, 1),
                }
            }
        }
        match ACTIVE_CALL_STATUSES.get(w.status) {
            Some(status) => self.send(endpoint::calls_page(&w.agent, status, w.page), true),
            None => self.result = Some(Ok(w.calls.clone().into())),
        }
        w
    }

    fn agent(
        &mut self,
        mut w: Box<AgentWork>,
        reply: Option<Result<Reply, Failure>>,
    ) -> Box<AgentWork> {
        // A verifying read's answer is for the machine only: the result keeps the backup's
        // agent and the change's details.
        let verifying = w.machine.verifying();
        let answer = reply.map(|reply| match reply {
            Ok(reply) => {
                match w.step {
                    _ if verifying => {}
                    Step::Read => w.agent = data_of(&reply.body),
                    Step::Backup => w.trainings = data_of(&reply.body),
                    _ => {}
                }
                Ok(reply.body)
            }
            Err(failure) => {
                // A failed restore reports the delete's error, so it keeps the delete's details.
                if w.step != Step::Restore && !verifying {
                    w.details = failure.details;
                }
                Err(failure.error)
            }
        });
        match w.machine.next(answer, self.aborted()) {
            Need::Send(announce, step, spec) => {
                self.announce = announce;
                self.recheck = step.changes_state();
                w.step = step;
                self.send(Ok(spec), !step.changes_state());
            }
            Need::Verify(spec) => self.send(Ok(spec), false),
            Need::Backup => {
                self.saving = true;
                self.result = Some(Ok(Array::of2(&w.agent, &w.trainings).into()));
            }
            Need::Finish(verdict) => self.result = Some(Ok(cleanup_result(&w, verdict))),
        }
        w
    }
}
