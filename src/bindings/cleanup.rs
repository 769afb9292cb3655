//! Runs the cleanup workflow: a few workers share the list of agents, each agent goes through
//! the steps [`crate::proto::cleanup`] decides, and every agent ends with exactly one result.

use super::values::{
    bool_option, data_of, function_option, int_option, invalid, object, text_of, to_js_error,
};
use super::Call;
use crate::proto::cleanup::{self as rules, CleanupOptions, Outcome, Plan, Step};
use crate::proto::{endpoint, ApiError, ErrorCode, JsonView};
use crate::sys::{call_quietly, own_at};
use crate::transport::Failure;
use js_sys::{Array, Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::AbortSignal;

/// The shared state of one run.
struct Run {
    call: Call,
    options: CleanupOptions,
    on_progress: Option<Function>,
    ids: Vec<String>,
    next: Cell<usize>,
    done: Cell<usize>,
    results: RefCell<Vec<JsValue>>,
}

/// Runs the workflow over `agent_ids` and resolves to the report.
pub async fn run(call: Call, agent_ids: &JsValue) -> Result<JsValue, JsValue> {
    let ids = read_ids(agent_ids).map_err(invalid)?;
    let o = &call.options;
    let options = CleanupOptions {
        unpublish: bool_option(o, "unpublish", false).map_err(invalid)?,
        backup: bool_option(o, "backup", true).map_err(invalid)?,
        dry_run: bool_option(o, "dryRun", false).map_err(invalid)?,
        concurrency: int_option(o, "concurrency", 4, 1, rules::MAX_CONCURRENCY).map_err(invalid)?,
    };
    let on_progress = function_option(o, "onProgress").map_err(invalid)?;
    let results = RefCell::new(vec![JsValue::NULL; ids.len()]);
    let workers = (options.concurrency as usize).min(ids.len());
    let run = Rc::new(Run {
        call,
        options,
        on_progress,
        ids,
        next: Cell::new(0),
        done: Cell::new(0),
        results,
    });
    let all: Array = (0..workers)
        .map(|_| future_to_promise(work(Rc::clone(&run))))
        .collect();
    JsFuture::from(Promise::all(&all)).await?;
    let results = run.results.borrow();
    Ok(report(&results))
}

fn read_ids(value: &JsValue) -> Result<Vec<String>, ApiError> {
    let list = match value.dyn_ref::<Array>() {
        Some(list) => list,
        None => {
            return Err(ApiError::invalid_argument(
                "agentIds must be an array of strings.",
            ))
        }
    };
    let mut ids = Vec::with_capacity(list.length() as usize);
    for index in 0..list.length() {
        let id = text_of("each agent id", &own_at(list, index))?
            .ok_or_else(|| ApiError::invalid_argument("agentIds must contain only strings."))?;
        crate::proto::input::check_id("each agent id", &id)?;
        ids.push(id);
    }
    Ok(rules::distinct_ids(&ids)
        .into_iter()
        .map(str::to_owned)
        .collect())
}

/// One worker: takes the next agent until none is left.
async fn work(run: Rc<Run>) -> Result<JsValue, JsValue> {
    loop {
        let index = run.next.get();
        let Some(id) = run.ids.get(index) else {
            return Ok(JsValue::UNDEFINED);
        };
        run.next.set(index + 1);
        let result = match run.call.signal.as_ref().is_some_and(|s| s.aborted()) {
            true => AgentResult::new().stop(
                Outcome::Skipped,
                ErrorCode::Aborted.as_str(),
                JsValue::NULL,
            ),
            false => clean_one(&run, id).await,
        };
        if let Some(slot) = run.results.borrow_mut().get_mut(index) {
            *slot = result.to_js(id);
        }
        run.done.set(run.done.get() + 1);
        run.progress(id, Step::Done);
    }
}

impl Run {
    fn progress(&self, id: &str, step: Step) {
        if let Some(callback) = &self.on_progress {
            let event = object(&[
                ("agentId", id.into()),
                ("step", step.as_str().into()),
                ("done", (self.done.get() as u32).into()),
                ("total", (self.ids.len() as u32).into()),
            ]);
            // A throwing callback, or one whose promise rejects, changes nothing.
            call_quietly(callback, &event);
        }
    }

    async fn step(
        &self,
        id: &str,
        step: Step,
        spec: Result<crate::proto::RequestSpec, ApiError>,
    ) -> Result<JsValue, Failure> {
        self.progress(id, step);
        // A change, once sent, runs to its end so the result can say what happened: the
        // caller's signal stops the work between steps, and cancels only reads.
        let signal = match step.changes_state() {
            true if aborted_by_caller(self) => return Err(ApiError::aborted().into()),
            true => JsValue::UNDEFINED,
            false => self.call.signal_value(),
        };
        let reply = self.call.transport.send(&spec?, &signal).await?;
        Ok(data_of(&reply.body))
    }
}

/// What happened to one agent.
struct AgentResult {
    outcome: Outcome,
    reason: JsValue,
    unpublished: bool,
    backup: JsValue,
    error: JsValue,
}

impl AgentResult {
    fn new() -> Self {
        let null = JsValue::NULL;
        Self {
            outcome: Outcome::Planned,
            reason: null.clone(),
            unpublished: false,
            backup: null.clone(),
            error: null,
        }
    }

    fn stop(mut self, outcome: Outcome, reason: &str, error: JsValue) -> Self {
        self.outcome = outcome;
        self.reason = reason.into();
        self.error = error;
        self
    }

    fn failed(self, failure: Failure) -> Self {
        let code = failure.error.code;
        self.stop(
            rules::outcome_of_error(code),
            code.as_str(),
            to_js_error(failure),
        )
    }

    /// Skipped because the agent has active calls, with the same error a refused delete gives.
    fn busy(self) -> Self {
        let code = ErrorCode::AgentHasActiveCalls;
        let error = ApiError::new(code, "The agent has active calls.");
        self.stop(Outcome::Skipped, code.as_str(), to_js_error(error.into()))
    }

    fn to_js(&self, id: &str) -> JsValue {
        object(&[
            ("agentId", id.into()),
            ("outcome", self.outcome.as_str().into()),
            ("reason", self.reason.clone()),
            ("unpublished", self.unpublished.into()),
            ("backup", self.backup.clone()),
            ("error", self.error.clone()),
        ])
    }
}

async fn clean_one(run: &Run, id: &str) -> AgentResult {
    let r = AgentResult::new();
    let agent = match run.step(id, Step::Read, endpoint::get_agent(id)).await {
        Ok(agent) => agent,
        Err(failure) => return r.failed(failure),
    };
    let status = agent.get("current_status").and_then(|s| s.string());
    let unpublish_first = match rules::plan(status.as_deref(), &run.options) {
        Plan::Skip(code) => return r.stop(Outcome::Skipped, code.as_str(), JsValue::NULL),
        Plan::Delete { unpublish_first } => unpublish_first,
    };
    if run.options.dry_run {
        // Read-only, so a plan can be exact about active calls too.
        match has_active_calls(run, id).await {
            Ok(false) => {}
            Ok(true) => return r.busy(),
            Err(failure) => return r.failed(failure),
        }
        let reason = if unpublish_first {
            JsValue::from_str(rules::UNPUBLISH_FIRST)
        } else {
            JsValue::NULL
        };
        return AgentResult { reason, ..r };
    }
    delete_one(run, id, agent, unpublish_first, r).await
}

async fn delete_one(
    run: &Run,
    id: &str,
    agent: JsValue,
    unpublish_first: bool,
    mut r: AgentResult,
) -> AgentResult {
    if run.options.backup {
        match run
            .step(id, Step::Backup, endpoint::list_trainings(id))
            .await
        {
            Ok(trainings) => r.backup = object(&[("agent", agent), ("trainings", trainings)]),
            Err(failure) => return r.failed(failure),
        }
    }
    if unpublish_first {
        match has_active_calls(run, id).await {
            Ok(false) => {}
            Ok(true) => return r.busy(),
            Err(failure) => return r.failed(failure),
        }
        if let Err(failure) = run
            .step(id, Step::Unpublish, endpoint::set_published(id, false))
            .await
        {
            return r.failed(failure);
        }
        r.unpublished = true;
    }
    match run.step(id, Step::Delete, endpoint::delete_agent(id)).await {
        Ok(_) => AgentResult {
            outcome: Outcome::Deleted,
            ..r
        },
        Err(failure) => {
            let aborted = aborted_by_caller(run);
            if r.unpublished
                && !aborted
                && run
                    .step(id, Step::Restore, endpoint::set_published(id, true))
                    .await
                    .is_ok()
            {
                r.unpublished = false;
            }
            r.failed(failure)
        }
    }
}

fn aborted_by_caller(run: &Run) -> bool {
    run.call.signal.as_ref().is_some_and(AbortSignal::aborted)
}

/// Counts the agent's calls in each active status; any at all means it has active calls.
async fn has_active_calls(run: &Run, id: &str) -> Result<bool, Failure> {
    run.progress(id, Step::CheckCalls);
    for status in rules::ACTIVE_CALL_STATUSES {
        let reply = run.call.send(endpoint::count_calls(id, status)).await?;
        let total = reply
            .body
            .get("pagination")
            .and_then(|p| p.get("total"))
            .and_then(|t| t.as_f64());
        let listed = data_of(&reply.body)
            .dyn_ref::<Array>()
            .map_or(0, Array::length);
        if total.unwrap_or(0.0) > 0.0 || listed > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

fn report(results: &[JsValue]) -> JsValue {
    let mut counts = [0u32; 4];
    for r in results {
        let outcome = super::values::field(r, "outcome").as_string();
        let slot = [
            Outcome::Deleted,
            Outcome::Skipped,
            Outcome::Failed,
            Outcome::Planned,
        ]
        .iter()
        .position(|o| outcome.as_deref() == Some(o.as_str()));
        if let Some(slot) = slot {
            counts[slot] += 1;
        }
    }
    let list: Array = results.iter().collect();
    object(&[
        ("results", list.into()),
        ("deleted", counts[0].into()),
        ("skipped", counts[1].into()),
        ("failed", counts[2].into()),
        ("planned", counts[3].into()),
    ])
}
