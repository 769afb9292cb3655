// Type declarations of talkover-client (the public contract, design section 3).

/** Every code a `TalkoverError` can carry. */
export type ErrorCode =
  | 'AGENT_NOT_FOUND'
  | 'TRAINING_NOT_FOUND'
  | 'NOT_FOUND'
  | 'INVALID_TOKEN'
  | 'UNAUTHORIZED'
  | 'AGENT_HAS_ACTIVE_CALLS'
  | 'AGENT_IS_PUBLISHED'
  | 'CONFLICT'
  | 'VALIDATION_ERROR'
  | 'RATE_LIMITED'
  | 'SERVER_ERROR'
  | 'HTTP_ERROR'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_RESPONSE'
  | 'INVALID_ARGUMENT';

/** What every failed call rejects with. */
export declare class TalkoverError extends Error {
  readonly name: 'TalkoverError';
  /** One of the contract's codes. */
  readonly code: ErrorCode;
  /** The HTTP status, or `null` when no response came. */
  readonly status: number | null;
  /** Whether trying again later may succeed. */
  readonly retryable: boolean;
  /** `x-request-id` (else `request-id`, else `cf-ray`) of the response, else `null`. */
  readonly requestId: string | null;
  /** From `Retry-After` on 429/503, else `null`. */
  readonly retryAfterMs: number | null;
  /** The parsed error body (e.g. a 422's `errors`), else `null`. */
  readonly details: unknown;
}

/** `true` for errors thrown by this package. */
export declare function isTalkoverError(value: unknown): value is TalkoverError;

export interface TalkoverClientOptions {
  /** The environment token (`talq_...`). Sent only in the Authorization header. */
  token: string;
  /** Default `https://app.talkover.ai`; the client adds `/api/v1`. */
  baseUrl?: string;
  /** Per attempt, default 30 000. */
  timeoutMs?: number;
  /** Retries of transient failures, default 2 (0..10). */
  maxRetries?: number;
  /**
   * A `fetch` to use instead of the global one; called as `fetch(url, init)`, with
   * `redirect: 'manual'` and a `signal` in `init`. Without it, Node sends through the transport
   * under its own fetch (undici's global dispatcher, or `node:http` before undici is loaded),
   * and calls a global fetch that has been replaced; other runtimes call the global fetch.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Allow a browser page to send the token to a non-loopback `baseUrl` (default false). */
  allowBrowser?: boolean;
}

export interface RequestOptions {
  /** Aborting it rejects the call with `ABORTED`, whatever the reason. */
  signal?: AbortSignal;
}

export interface DeleteTrainingOptions extends RequestOptions {
  /** Publish the agent again when it was published before the delete. */
  republish?: boolean;
}

export interface DeleteResult {
  success: true;
  message: string;
  /** A retried delete found the thing already gone. */
  alreadyDeleted: boolean;
  requestId: string | null;
}

export interface DeleteTrainingResult extends DeleteResult {
  /** With `republish`: whether the agent was published again. */
  republished?: boolean;
  /** With `republish`: why publishing again failed, else `null`. */
  republishError?: TalkoverError | null;
}

export interface Training {
  id: string;
  subject: string;
  instructions: string;
  current_status: 'active' | 'inactive' | (string & {});
  created_at: string;
  updated_at: string;
  [field: string]: unknown;
}

export interface Agent {
  id: string;
  name: string;
  label: string;
  description?: string | null;
  language?: string;
  direction: 'inbound' | 'outbound' | (string & {});
  current_status: 'draft' | 'published' | (string & {});
  is_sandbox: boolean;
  is_ready_to_publish: boolean;
  created_at: string;
  updated_at: string;
  trainings?: Training[];
  [field: string]: unknown;
}

/** What publish and unpublish return. */
export interface AgentSummary {
  id: string;
  name: string;
  current_status: 'draft' | 'published' | (string & {});
  is_ready_to_publish: boolean;
  updated_at: string;
  [field: string]: unknown;
}

export interface AgentQuery extends RequestOptions {
  page?: number;
  /** 1..100 (API default 20). */
  perPage?: number;
  status?: 'draft' | 'published';
  direction?: 'inbound' | 'outbound';
  /** Matches name or label. */
  search?: string;
}

export interface AgentPage {
  data: Agent[];
  meta: { current_page: number; per_page: number; total: number; last_page: number };
}

/** A call of an agent, as `GET /agents/{id}/calls` lists it. */
export interface Call {
  id: string;
  to?: string;
  from?: string;
  direction?: 'inbound' | 'outbound' | (string & {});
  status: 'initiated' | 'ringing' | 'answered' | 'completed' | 'failed' | 'busy' | 'no-answer' | (string & {});
  created_at?: string;
  [field: string]: unknown;
}

export type CleanupStep = 'read' | 'backup' | 'check-calls' | 'unpublish' | 'delete' | 'restore' | 'done';

export interface CleanupProgress {
  agentId: string;
  step: CleanupStep;
  /** Agents finished so far. */
  done: number;
  total: number;
}

export interface CleanupOptions extends RequestOptions {
  /** Unpublish published agents instead of skipping them (default false). */
  unpublish?: boolean;
  /** Keep the agent and its trainings before deleting; never delete without it (default true). */
  backup?: boolean;
  /** Agents worked on at once, 1..64 (default 4). */
  concurrency?: number;
  /** Send no mutating request; read each agent and its active calls and report what would happen (default false). */
  dryRun?: boolean;
  /** Called after every step; what it throws or rejects with is ignored. */
  onProgress?: (progress: CleanupProgress) => void;
  /**
   * Awaited with an agent's backup once it is read and right before the first change to that
   * agent (unpublish or delete), so it can be stored first (a file, R2). Only with `backup` on
   * (the default), never in a dry run, and not for an agent skipped before any change (e.g.
   * active calls). If it throws or rejects, that agent is `failed` with an `INVALID_ARGUMENT`
   * error (and reason) whose message is `onBackup failed: ` + what was thrown (token redacted),
   * and nothing of it is changed.
   */
  onBackup?: (backup: CleanupBackup) => void | Promise<void>;
}

/** What `onBackup` receives. */
export interface CleanupBackup {
  agentId: string;
  agent: Agent;
  trainings: Training[];
}

export interface CleanupResult {
  agentId: string;
  outcome: 'deleted' | 'skipped' | 'failed' | 'planned';
  /** An error code, `'UNPUBLISH_FIRST'` for a planned agent that is published, or `null`. */
  reason: ErrorCode | 'UNPUBLISH_FIRST' | (string & {}) | null;
  /** Whether this run left the agent unpublished. */
  unpublished: boolean;
  backup: { agent: Agent; trainings: Training[] } | null;
  error: TalkoverError | null;
}

export interface CleanupReport {
  /** One per distinct id, in input order. */
  results: CleanupResult[];
  deleted: number;
  skipped: number;
  failed: number;
  planned: number;
}

export declare class TalkoverClient {
  /** Throws a `TalkoverError` (`INVALID_ARGUMENT`) for bad options. */
  constructor(options: TalkoverClientOptions);
  deleteAgent(agentId: string, options?: RequestOptions): Promise<DeleteResult>;
  deleteTraining(agentId: string, trainingId: string, options?: DeleteTrainingOptions): Promise<DeleteTrainingResult>;
  listAgents(query?: AgentQuery): Promise<AgentPage>;
  /** Every agent matching `query`, across all pages. */
  agents(query?: AgentQuery): AsyncGenerator<Agent, void, undefined>;
  getAgent(agentId: string, options?: RequestOptions): Promise<Agent>;
  listTrainings(agentId: string, options?: RequestOptions): Promise<Training[]>;
  unpublishAgent(agentId: string, options?: RequestOptions): Promise<AgentSummary>;
  publishAgent(agentId: string, options?: RequestOptions): Promise<AgentSummary>;
  /** The agent's calls in progress (initiated, ringing, answered), every page. */
  activeCalls(agentId: string, options?: RequestOptions): Promise<Call[]>;
  cleanupAgents(agentIds: readonly string[], options?: CleanupOptions): Promise<CleanupReport>;
  toJSON(): { apiRoot: string };
}
