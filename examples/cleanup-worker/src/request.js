// Reading and checking what callers send: the JSON body of POST /cleanup (bounded in size, own
// properties only, known fields only, every type checked) and the ids in it. Error messages
// describe the rule that was broken and never echo what was sent.
import { errorResponse } from './http.js';

/** The largest body POST /cleanup reads (10,000 ids of 100 characters fit). */
export const MAX_BODY_BYTES = 1 << 20;
/** The longest agent id accepted. */
export const MAX_ID_LENGTH = 256;
const CLEANUP_FIELDS = new Set(['agentIds', 'unpublish', 'dryRun', 'concurrency']);

const bad = (message) => errorResponse(400, 'INVALID_ARGUMENT', message);

/** The JSON object body, or an error Response saying what is wrong with it. */
export async function readJson(request) {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    return errorResponse(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  }
  const bytes = await readCapped(request, MAX_BODY_BYTES);
  if (bytes === null) return errorResponse(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${MAX_BODY_BYTES} bytes.`);
  let body;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return bad('The body is not valid UTF-8 JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return bad('The body must be a JSON object.');
  return body;
}

/** The body's bytes, or null past `cap` (read no further than that). */
async function readCapped(request, cap) {
  if (Number(request.headers.get('content-length')) > cap) return null;
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  chunks.reduce((at, c) => (out.set(c, at), at + c.byteLength), 0);
  return out;
}

/** POST /cleanup's options from its body, or an error Response. Only own properties count. */
export function cleanupRequest(body, maxIds) {
  if (Object.keys(body).some((k) => !CLEANUP_FIELDS.has(k))) {
    return bad('Unknown field in the body; the fields are agentIds, unpublish, dryRun and concurrency.');
  }
  const own = (key, fallback) => (Object.hasOwn(body, key) ? body[key] : fallback);
  const agentIds = own('agentIds', undefined);
  const problem = idsProblem(agentIds, maxIds);
  if (problem) return bad(problem);
  const unpublish = own('unpublish', false);
  const dryRun = own('dryRun', false);
  if (typeof unpublish !== 'boolean' || typeof dryRun !== 'boolean') return bad('unpublish and dryRun must be booleans.');
  const concurrency = own('concurrency', 4);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    return bad('concurrency must be an integer from 1 to 64.');
  }
  return { agentIds, options: { unpublish, dryRun, concurrency } };
}

/** Why `ids` (a parsed body's `agentIds`) is not at most `maxIds` agent ids, or null. */
export function idsProblem(ids, maxIds, per = 'request (CLEANUP_MAX_IDS)') {
  if (!Array.isArray(ids) || ids.length === 0) return 'agentIds must be a non-empty array of strings.';
  // Each agent costs several subrequests; keep one invocation within the Workers limits.
  if (ids.length > maxIds) return `At most ${maxIds} agentIds per ${per}.`;
  for (const id of ids) {
    const problem = idProblem(id);
    if (problem) return `Every agent id must be ${problem}`;
  }
  return null;
}

/** Why `id` is not an agent id the Worker sends on, or null. */
export function idProblem(id) {
  if (typeof id !== 'string' || id === '') return 'a non-empty string.';
  if (id.length > MAX_ID_LENGTH) return `at most ${MAX_ID_LENGTH} characters.`;
  if (id === '.' || id === '..') return 'something other than "." or "..".';
  // A lone surrogate would be sent as U+FFFD: another agent's id, and two ids merged into one.
  if (!id.isWellFormed()) return 'well-formed Unicode (no lone surrogates).';
  return null;
}
