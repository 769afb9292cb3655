//! The request machine: a table of every branch, and properties over any sequence of attempt
//! outcomes.

use super::*;
use crate::proto::endpoint;
use proptest::prelude::*;

const SECRET: &str = "talq_secret_1";

fn err(code: ErrorCode, status: Option<u16>) -> ApiError {
    let mut e = ApiError::new(code, "boom");
    e.status = status;
    e
}

fn ok(message: &str) -> Result<Success, ApiError> {
    Ok(Success {
        message: Some(message.into()),
        request_id: Some("req".into()),
    })
}

/// Runs the machine over `outcomes` (one per attempt, jitter 0) and returns every step.
fn run(
    spec: &RequestSpec,
    max_retries: u32,
    outcomes: Vec<Result<Success, ApiError>>,
) -> Vec<Step> {
    let mut machine = Request::new(spec, RetryPolicy { max_retries }, &token());
    let mut steps = vec![machine.start()];
    for outcome in outcomes {
        let step = machine.on_outcome(outcome, 0.0);
        let done = matches!(step, Step::Done(_));
        steps.push(step);
        if done {
            break;
        }
    }
    steps
}

fn token() -> Token {
    Token::parse(SECRET).unwrap()
}

fn delete() -> RequestSpec {
    endpoint::delete_agent("a").unwrap()
}

#[test]
fn a_success_finishes_at_once() {
    let steps = run(&delete(), 2, vec![ok("Agent deleted successfully")]);
    let Step::Done(Ok(done)) = &steps[1] else {
        panic!("{steps:?}")
    };
    assert_eq!(done.message.as_deref(), Some("Agent deleted successfully"));
    assert!(!done.already_deleted);
}

#[test]
fn transient_failures_wait_then_send_until_retries_run_out() {
    use ErrorCode::*;
    let steps = run(
        &delete(),
        2,
        vec![
            Err(err(ServerError, Some(500))),
            Err(err(NetworkError, None)),
            Err(err(Timeout, None)),
        ],
    );
    assert_eq!(steps[1], Step::Wait(500));
    assert_eq!(steps[2], Step::Wait(1000));
    assert!(matches!(&steps[3], Step::Done(Err(e)) if e.code == Timeout));
}

#[test]
fn a_gone_answer_after_an_unknown_outcome_is_already_deleted() {
    use ErrorCode::*;
    let mut gone = err(AgentNotFound, Some(404));
    gone.request_id = Some(format!("id-{SECRET}"));
    let steps = run(
        &delete(),
        2,
        vec![Err(err(ServerError, Some(503))), Err(gone)],
    );
    let Step::Done(Ok(done)) = &steps[2] else {
        panic!("{steps:?}")
    };
    assert!(done.already_deleted);
    assert_eq!(done.request_id.as_deref(), Some("id-[redacted]"));
}

#[test]
fn a_gone_answer_after_a_known_refusal_stays_an_error() {
    use ErrorCode::*;
    let mut limited = err(RateLimited, Some(429));
    limited.retry_after_ms = Some(1000);
    let steps = run(
        &delete(),
        2,
        vec![Err(limited), Err(err(AgentNotFound, Some(404)))],
    );
    assert_eq!(steps[1], Step::Wait(1000));
    assert!(matches!(&steps[2], Step::Done(Err(e)) if e.code == AgentNotFound));
}

#[test]
fn a_gone_code_on_another_status_is_not_already_deleted() {
    use ErrorCode::*;
    for status in [500, 503, 409, 429] {
        let steps = run(
            &delete(),
            1,
            vec![
                Err(err(Timeout, None)),
                Err(err(AgentNotFound, Some(status))),
            ],
        );
        assert!(
            matches!(&steps[2], Step::Done(Err(e)) if e.code == AgentNotFound && e.status == Some(status)),
            "{status}: {steps:?}"
        );
    }
}

#[test]
fn final_errors_are_redacted_and_aborts_are_never_retried() {
    use ErrorCode::*;
    let mut e = err(ServerError, Some(500));
    e.message = format!("bad {SECRET}");
    let steps = run(&delete(), 0, vec![Err(e)]);
    assert!(matches!(&steps[1], Step::Done(Err(e)) if e.message == "bad [redacted]"));
    let steps = run(&delete(), 5, vec![Err(ApiError::aborted())]);
    assert!(matches!(&steps[1], Step::Done(Err(e)) if e.code == Aborted));
    let mut machine = Request::new(&delete(), RetryPolicy::default(), &token());
    assert!(matches!(machine.on_abort(), Step::Done(Err(e)) if e.code == Aborted));
}

#[test]
fn a_long_retry_after_ends_the_retries() {
    let mut e = err(ErrorCode::RateLimited, Some(429));
    e.retry_after_ms = Some(61_000);
    let steps = run(&delete(), 2, vec![Err(e)]);
    assert!(matches!(&steps[1], Step::Done(Err(e)) if e.retry_after_ms == Some(61_000)));
}

fn any_outcome() -> impl Strategy<Value = Result<Success, ApiError>> {
    let codes = [
        (ErrorCode::AgentNotFound, Some(404)),
        (ErrorCode::AgentNotFound, Some(500)),
        (ErrorCode::NotFound, Some(404)),
        (ErrorCode::Unauthorized, Some(403)),
        (ErrorCode::InvalidToken, Some(401)),
        (ErrorCode::AgentIsPublished, Some(409)),
        (ErrorCode::ValidationError, Some(422)),
        (ErrorCode::RateLimited, Some(429)),
        (ErrorCode::HttpError, Some(408)),
        (ErrorCode::ServerError, Some(500)),
        (ErrorCode::ServerError, Some(503)),
        (ErrorCode::NetworkError, None),
        (ErrorCode::Timeout, None),
        (ErrorCode::Aborted, None),
        (ErrorCode::InvalidResponse, Some(200)),
    ];
    prop_oneof![
        1 => Just(ok("done")),
        6 => (0..codes.len(), proptest::option::of(0u64..200_000)).prop_map(move |(i, after)| {
            let (code, status) = codes[i];
            let mut e = err(code, status);
            e.retry_after_ms = after;
            Err(e)
        }),
    ]
}

proptest! {
    #[test]
    fn any_sequence_of_outcomes_keeps_the_rules(
        max_retries in 0u32..5,
        outcomes in proptest::collection::vec(any_outcome(), 12),
        jitter in 0.0f64..1.0,
    ) {
        let mut machine = Request::new(&delete(), RetryPolicy { max_retries }, &token());
        let (mut waited, mut unknown_seen, mut last) = (0u64, false, None);
        for outcome in outcomes {
            let a_404 = outcome.as_ref().err().is_some_and(|e| e.status == Some(404));
            let retryable = outcome.as_ref().err().map(|e| e.is_transient() && e.code != ErrorCode::Aborted);
            let unknown = outcome.as_ref().err().is_some_and(ApiError::outcome_unknown);
            let step = machine.on_outcome(outcome, jitter);
            match &step {
                Step::Wait(ms) => {
                    prop_assert_eq!(retryable, Some(true), "retried something final");
                    waited += ms;
                }
                Step::Done(Ok(done)) if done.already_deleted => prop_assert!(unknown_seen && a_404),
                _ => {}
            }
            if let Step::Done(Err(e)) = &step {
                // The final error says whether any attempt's outcome was unknown.
                prop_assert_eq!(e.after_unknown, unknown_seen);
                prop_assert_eq!(e.outcome_unknown(), unknown_seen || unknown);
            }
            unknown_seen |= unknown;
            prop_assert!(machine.attempts() <= max_retries + 1);
            if matches!(step, Step::Done(_)) {
                last = Some(step);
                break;
            }
        }
        prop_assert!(waited <= u64::from(max_retries) * 60_000);
        if let Some(Step::Done(Err(e))) = last {
            prop_assert!(!e.message.contains(SECRET));
        }
    }
}
