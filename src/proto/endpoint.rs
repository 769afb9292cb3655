//! One [`RequestSpec`] per API operation: method, percent-encoded path and query, and what the
//! response must look like. Ids are always encoded as a single path segment, so no id can reach
//! another route.

use super::error::{ApiError, ErrorCode};
use super::input::{check_id, MAX_TEXT_BYTES, TOO_LONG};
use super::options::refuse;
use super::text::push_component;

/// The HTTP methods the client uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Reads.
    Get,
    /// Publish and unpublish.
    Post,
    /// Deletes.
    Delete,
}

impl Method {
    /// The method name as `fetch` wants it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// What a successful body must contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `{ success: true, message }` (deletes).
    Message,
    /// `{ success: true, data: <object> }`.
    DataObject,
    /// `{ success: true, data: [...] }`.
    DataArray,
}

/// A request the transport can run: relative path (with query) under the API root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestSpec {
    /// HTTP method.
    pub method: Method,
    /// Path and query under the API root, e.g. `/agents/a%2Fb`.
    pub path: String,
    /// The body shape a 2xx must have.
    pub expect: Expect,
    /// For deletes: the 404 code that means "already gone" on a retry.
    pub gone_code: Option<ErrorCode>,
}

impl RequestSpec {
    /// Whether repeating the request is safe (every operation the client offers is).
    pub fn idempotent(&self) -> bool {
        true
    }

    /// The full URL under `api_root`.
    pub fn url(&self, api_root: &str) -> String {
        let mut url = String::with_capacity(api_root.len() + self.path.len());
        url.push_str(api_root);
        url.push_str(&self.path);
        url
    }
}

fn agent_path(agent_id: &str, tail: &str) -> Result<String, ApiError> {
    let id = check_id("agentId", agent_id)?;
    let mut path = String::from("/agents/");
    push_component(&mut path, id);
    path.push_str(tail);
    Ok(path)
}

fn spec(method: Method, path: String, expect: Expect) -> RequestSpec {
    RequestSpec {
        method,
        path,
        expect,
        gone_code: None,
    }
}

/// `DELETE /agents/{agent_id}`.
pub fn delete_agent(agent_id: &str) -> Result<RequestSpec, ApiError> {
    let mut s = spec(Method::Delete, agent_path(agent_id, "")?, Expect::Message);
    s.gone_code = Some(ErrorCode::AgentNotFound);
    Ok(s)
}

/// `DELETE /agents/{agent_id}/trainings/{training_id}`.
pub fn delete_training(agent_id: &str, training_id: &str) -> Result<RequestSpec, ApiError> {
    let mut path = agent_path(agent_id, "/trainings/")?;
    push_component(&mut path, check_id("trainingId", training_id)?);
    let mut s = spec(Method::Delete, path, Expect::Message);
    s.gone_code = Some(ErrorCode::TrainingNotFound);
    Ok(s)
}

/// `GET /agents/{agent_id}`.
pub fn get_agent(agent_id: &str) -> Result<RequestSpec, ApiError> {
    Ok(spec(
        Method::Get,
        agent_path(agent_id, "")?,
        Expect::DataObject,
    ))
}

/// `GET /agents/{agent_id}/trainings`.
pub fn list_trainings(agent_id: &str) -> Result<RequestSpec, ApiError> {
    Ok(spec(
        Method::Get,
        agent_path(agent_id, "/trainings")?,
        Expect::DataArray,
    ))
}

/// `POST /agents/{agent_id}/publish` or `/unpublish`.
pub fn set_published(agent_id: &str, publish: bool) -> Result<RequestSpec, ApiError> {
    let tail = if publish { "/publish" } else { "/unpublish" };
    Ok(spec(
        Method::Post,
        agent_path(agent_id, tail)?,
        Expect::DataObject,
    ))
}

/// `GET /agents/{agent_id}/calls?status=..&per_page=1`: one page is enough to read `total`.
pub fn count_calls(agent_id: &str, status: &str) -> Result<RequestSpec, ApiError> {
    let mut path = agent_path(agent_id, "/calls?per_page=1&status=")?;
    push_component(&mut path, status);
    Ok(spec(Method::Get, path, Expect::DataArray))
}

/// `GET /agents/{id}/calls?status=...&per_page=100&page=N`: one page of the agent's calls in
/// one status (`activeCalls` reads every page of each active status).
pub fn calls_page(agent_id: &str, status: &str, page: u32) -> Result<RequestSpec, ApiError> {
    let mut path = agent_path(agent_id, "/calls?per_page=100&status=")?;
    push_component(&mut path, status);
    path.push_str("&page=");
    super::text::push_number(&mut path, u64::from(page));
    Ok(spec(Method::Get, path, Expect::DataArray))
}

/// The query of `listAgents`, already checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentQuery {
    /// `page` (1-based).
    pub page: Option<u32>,
    /// `per_page`, 1..=100.
    pub per_page: Option<u32>,
    /// `draft` or `published`.
    pub status: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    /// Matches name or label.
    pub search: Option<String>,
}

impl AgentQuery {
    /// Checks the values the API documents, so a bad query never leaves the client.
    pub fn check(self) -> Result<Self, ApiError> {
        if self.page == Some(0) {
            return Err(ApiError::invalid_argument(
                "page must be an integer of at least 1.",
            ));
        }
        if matches!(self.per_page, Some(n) if !(1..=100).contains(&n)) {
            return Err(ApiError::invalid_argument(
                "perPage must be an integer from 1 to 100.",
            ));
        }
        if matches!(self.status.as_deref(), Some(s) if s != "draft" && s != "published") {
            return Err(ApiError::invalid_argument(
                "status must be \"draft\" or \"published\".",
            ));
        }
        if matches!(self.direction.as_deref(), Some(d) if d != "inbound" && d != "outbound") {
            return Err(ApiError::invalid_argument(
                "direction must be \"inbound\" or \"outbound\".",
            ));
        }
        if self
            .search
            .as_ref()
            .is_some_and(|s| s.len() > MAX_TEXT_BYTES)
        {
            return Err(refuse("search", TOO_LONG));
        }
        Ok(self)
    }
}

/// `GET /agents` with the query's parameters, encoded.
pub fn list_agents(query: &AgentQuery) -> RequestSpec {
    let mut path = String::from("/agents");
    let mut sep = "?";
    let mut add = |name: &str, value: &str| {
        path.push_str(sep);
        sep = "&";
        path.push_str(name);
        path.push_str("=");
        push_component(&mut path, value);
    };
    let mut number = String::new();
    for (name, n) in [("page", query.page), ("per_page", query.per_page)] {
        if let Some(n) = n {
            number.clear();
            super::text::push_number(&mut number, u64::from(n));
            add(name, &number);
        }
    }
    for (name, v) in [
        ("status", &query.status),
        ("direction", &query.direction),
        ("search", &query.search),
    ] {
        if let Some(v) = v {
            add(name, v);
        }
    }
    spec(Method::Get, path, Expect::DataArray)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ids_are_one_encoded_segment() {
        let cases = [
            (
                "550e8400-e29b-41d4-a716-446655440000",
                "/agents/550e8400-e29b-41d4-a716-446655440000",
            ),
            ("a/b", "/agents/a%2Fb"),
            ("../admin", "/agents/..%2Fadmin"),
            ("x?y#z", "/agents/x%3Fy%23z"),
            ("100%", "/agents/100%25"),
            ("a b+c", "/agents/a%20b%2Bc"),
            ("é", "/agents/%C3%A9"),
            ("...", "/agents/..."),
        ];
        for (id, path) in cases {
            assert_eq!(delete_agent(id).unwrap().path, path);
        }
    }

    #[test]
    fn training_delete_encodes_both_ids() {
        let s = delete_training("agent/1", "t?1").unwrap();
        assert_eq!(
            (s.method, s.path.as_str()),
            (Method::Delete, "/agents/agent%2F1/trainings/t%3F1")
        );
        assert_eq!(s.gone_code, Some(ErrorCode::TrainingNotFound));
        assert_eq!(
            s.url("http://127.0.0.1:1/api/v1"),
            "http://127.0.0.1:1/api/v1/agents/agent%2F1/trainings/t%3F1"
        );
        assert_eq!(
            delete_training("a", "..").unwrap_err().message,
            "trainingId must not be \".\" or \"..\"."
        );
        assert_eq!(
            delete_training("", "t").unwrap_err().message,
            "agentId must not be empty."
        );
    }

    #[test]
    fn other_endpoints() {
        assert_eq!(get_agent("a").unwrap().path, "/agents/a");
        assert_eq!(list_trainings("a").unwrap().path, "/agents/a/trainings");
        assert_eq!(set_published("a", true).unwrap().path, "/agents/a/publish");
        assert_eq!(set_published("a", false).unwrap().method, Method::Post);
        assert_eq!(
            count_calls("a", "no-answer").unwrap().path,
            "/agents/a/calls?per_page=1&status=no-answer"
        );
        assert_eq!(
            calls_page("a/b", "ringing", 3).unwrap().path,
            "/agents/a%2Fb/calls?per_page=100&status=ringing&page=3"
        );
    }

    #[test]
    fn list_query_is_encoded_and_checked() {
        let q = AgentQuery {
            page: Some(2),
            per_page: Some(100),
            status: Some("draft".into()),
            direction: None,
            search: Some("a&b=c d".into()),
        };
        assert_eq!(
            list_agents(&q.check().unwrap()).path,
            "/agents?page=2&per_page=100&status=draft&search=a%26b%3Dc%20d"
        );
        assert_eq!(list_agents(&AgentQuery::default()).path, "/agents");
        let bad = [
            AgentQuery {
                page: Some(0),
                ..Default::default()
            },
            AgentQuery {
                per_page: Some(101),
                ..Default::default()
            },
            AgentQuery {
                per_page: Some(0),
                ..Default::default()
            },
            AgentQuery {
                status: Some("live".into()),
                ..Default::default()
            },
            AgentQuery {
                direction: Some("up".into()),
                ..Default::default()
            },
            AgentQuery {
                search: Some("a".repeat(1025)),
                ..Default::default()
            },
        ];
        for q in bad {
            assert_eq!(q.check().unwrap_err().code, ErrorCode::InvalidArgument);
        }
    }

    mod props {
        use super::*;
        use percent_encoding::percent_decode_str;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_ids_become_exactly_their_own_segments(agent in ".{1,24}", training in ".{1,24}") {
                prop_assume!(![".", ".."].contains(&agent.as_str()) && ![".", ".."].contains(&training.as_str()));
                let spec = delete_training(&agent, &training).unwrap();
                let parts: Vec<&str> = spec.path.split('/').collect();
                prop_assert_eq!(parts.len(), 5);
                prop_assert!(spec.path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)));
                prop_assert_eq!(percent_decode_str(parts[2]).decode_utf8().unwrap(), agent.as_str());
                prop_assert_eq!(percent_decode_str(parts[4]).decode_utf8().unwrap(), training.as_str());
                prop_assert!(parts[2] != "." && parts[2] != ".." && parts[4] != "." && parts[4] != "..");
            }

            #[test]
            fn any_query_text_stays_one_parameter(search in ".{0,40}") {
                let q = AgentQuery { search: Some(search.clone()), ..Default::default() };
                let path = list_agents(&q).path;
                let value = path.strip_prefix("/agents?search=").unwrap();
                prop_assert!(!value.contains('&') && !value.contains('#') && !value.contains('?'));
                prop_assert_eq!(percent_decode_str(value).decode_utf8().unwrap(), search.as_str());
            }
        }
    }
}
