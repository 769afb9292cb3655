//! The one error type of the client, [`ApiError`], and the [`ErrorCode`] table of the contract.
//!
//! Every failure (a refused input, a failed connection, an error response) becomes an
//! [`ApiError`]; the bindings turn it into a JavaScript `TalkoverError` with the same fields.

use super::text::{push_number, redact};

/// The machine-readable codes of `TalkoverError.code` (design section 3, "Errors").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// 404 about the agent.
    AgentNotFound,
    /// 404 about the training.
    TrainingNotFound,
    /// Any other 404.
    NotFound,
    /// 401, whatever its message.
    InvalidToken,
    /// 403.
    Unauthorized,
    /// 409 about active calls.
    AgentHasActiveCalls,
    /// 409 about a published agent.
    AgentIsPublished,
    /// Any other 409.
    Conflict,
    /// 422.
    ValidationError,
    /// 429.
    RateLimited,
    /// 5xx.
    ServerError,
    /// Any other non-2xx status.
    HttpError,
    /// The request could not be sent or the connection failed.
    NetworkError,
    /// An attempt passed `timeoutMs`.
    Timeout,
    /// The caller's signal aborted the call.
    Aborted,
    /// A 2xx whose body is not the documented JSON.
    InvalidResponse,
    /// Rejected before anything was sent.
    InvalidArgument,
}

impl ErrorCode {
    /// Every code, in the order of the contract's table.
    pub const ALL: [ErrorCode; 17] = [
        Self::AgentNotFound,
        Self::TrainingNotFound,
        Self::NotFound,
        Self::InvalidToken,
        Self::Unauthorized,
        Self::AgentHasActiveCalls,
        Self::AgentIsPublished,
        Self::Conflict,
        Self::ValidationError,
        Self::RateLimited,
        Self::ServerError,
        Self::HttpError,
        Self::NetworkError,
        Self::Timeout,
        Self::Aborted,
        Self::InvalidResponse,
        Self::InvalidArgument,
    ];

    /// The code as JavaScript sees it, e.g. `"AGENT_NOT_FOUND"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AgentNotFound => "AGENT_NOT_FOUND",
            Self::TrainingNotFound => "TRAINING_NOT_FOUND",
            Self::NotFound => "NOT_FOUND",
            Self::InvalidToken => "INVALID_TOKEN",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::AgentHasActiveCalls => "AGENT_HAS_ACTIVE_CALLS",
            Self::AgentIsPublished => "AGENT_IS_PUBLISHED",
            Self::Conflict => "CONFLICT",
            Self::ValidationError => "VALIDATION_ERROR",
            Self::RateLimited => "RATE_LIMITED",
            Self::ServerError => "SERVER_ERROR",
            Self::HttpError => "HTTP_ERROR",
            Self::NetworkError => "NETWORK_ERROR",
            Self::Timeout => "TIMEOUT",
            Self::Aborted => "ABORTED",
            Self::InvalidResponse => "INVALID_RESPONSE",
            Self::InvalidArgument => "INVALID_ARGUMENT",
        }
    }

    /// Reads a code a server put in an error body. Besides our own names it knows the aliases
    /// the API's docs show (`INVALID_API_KEY`, `RATE_LIMIT_EXCEEDED`).
    pub fn from_body_code(code: &str) -> Option<Self> {
        match code {
            "INVALID_API_KEY" => return Some(Self::InvalidToken),
            "RATE_LIMIT_EXCEEDED" => return Some(Self::RateLimited),
            _ => {}
        }
        // Client-side codes never come from a server.
        let client_side = [
            Self::NetworkError,
            Self::Timeout,
            Self::Aborted,
            Self::InvalidArgument,
            Self::InvalidResponse,
        ];
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == code && !client_side.contains(c))
    }

    /// Whether trying the same call again later may succeed.
    pub const fn retryable(self) -> bool {
        matches!(
            self,
            Self::NetworkError
                | Self::Timeout
                | Self::RateLimited
                | Self::ServerError
                | Self::AgentHasActiveCalls
        )
    }
}

/// A failed call: the fields of a JavaScript `TalkoverError` except `details`, which the
/// bindings attach from the parsed body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The contract's code.
    pub code: ErrorCode,
    /// The HTTP status, or `None` when no response came.
    pub status: Option<u16>,
    /// The server's message, or a clear client-side description.
    pub message: String,
    /// The response's request id header, if any.
    pub request_id: Option<String>,
    /// From `Retry-After` on 429/503.
    pub retry_after_ms: Option<u64>,
    /// An earlier attempt of the call had an unknown outcome (not a field of `TalkoverError`:
    /// see [`ApiError::outcome_unknown`]).
    pub after_unknown: bool,
}

impl ApiError {
    /// An error with no response behind it.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            status: None,
            message: message.into(),
            request_id: None,
            retry_after_ms: None,
            after_unknown: false,
        }
    }

    /// `INVALID_ARGUMENT`: a refused input, before anything was sent.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    /// `ABORTED`: the caller's signal fired.
    pub fn aborted() -> Self {
        Self::new(
            ErrorCode::Aborted,
            "The request was aborted by the caller's signal.",
        )
    }

    /// `TIMEOUT`: one attempt took longer than `timeout_ms`.
    pub fn timeout(timeout_ms: u32) -> Self {
        let mut message = String::from("The request timed out after ");
        push_number(&mut message, u64::from(timeout_ms));
        message.push_str(" ms.");
        Self::new(ErrorCode::Timeout, message)
    }

    /// `NETWORK_ERROR`, with the runtime's own description when it gave one.
    pub fn network(detail: Option<&str>) -> Self {
        let mut message = String::from("The request could not be completed (network error)");
        if let Some(detail) = detail.filter(|d| !d.is_empty()) {
            message.push_str(": ");
            message.push_str(detail);
        }
        Self::new(ErrorCode::NetworkError, message)
    }

    /// Whether the client's retry loop may try again after this error.
    pub fn is_transient(&self) -> bool {
        match self.code {
            ErrorCode::NetworkError | ErrorCode::Timeout => true,
            _ => matches!(self.status, Some(408 | 429 | 500..=599)),
        }
    }

    /// Whether the server may have carried out the request although it failed: the outcome is
    /// unknown after a network error, a timeout or a 5xx, this attempt's or an earlier one's.
    pub fn outcome_unknown(&self) -> bool {
        self.after_unknown
            || matches!(self.code, ErrorCode::NetworkError | ErrorCode::Timeout)
            || matches!(self.status, Some(500..=599))
    }

    /// Removes every occurrence of `secret` from the message and the request id (a server
    /// could echo it back in either).
    pub fn redact(&mut self, secret: &str) {
        redact(&mut self.message, secret);
        if let Some(id) = &mut self.request_id {
            redact(id, secret);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_client_codes_never_come_from_bodies() {
        for code in ErrorCode::ALL {
            let parsed = ErrorCode::from_body_code(code.as_str());
            let client_side = matches!(
                code,
                ErrorCode::NetworkError
                    | ErrorCode::Timeout
                    | ErrorCode::Aborted
                    | ErrorCode::InvalidArgument
                    | ErrorCode::InvalidResponse
            );
            assert_eq!(parsed, (!client_side).then_some(code));
        }
        assert_eq!(
            ErrorCode::from_body_code("INVALID_API_KEY"),
            Some(ErrorCode::InvalidToken)
        );
        assert_eq!(ErrorCode::from_body_code("CALL_NOT_ACTIVE"), None);
    }

    #[test]
    fn redaction_removes_every_copy_of_the_secret() {
        let mut e = ApiError::new(ErrorCode::HttpError, "bad talq_x and talq_x again talq_");
        e.request_id = Some("req-talq_x".into());
        e.redact("talq_x");
        assert_eq!(e.request_id.as_deref(), Some("req-[redacted]"));
        assert_eq!(e.message, "bad [redacted] and [redacted] again talq_");
        e.redact("");
        assert_eq!(e.message, "bad [redacted] and [redacted] again talq_");
    }
}
