// The body of POST /jobs, checked before anything is started: own properties only, known fields
// only, every type checked, exactly one of `filter` and `agentIds`. Messages name the rule that
// was broken and never echo what was sent. (A search or an id holding a secret is refused where
// the record is written: JobRecord.exactJson.)
import { idsProblem } from '../request.js';

/** The most ids one job takes. */
const MAX_JOB_IDS = 10_000;
const JOB_FIELDS = new Set(['filter', 'agentIds', 'unpublish', 'dryRun']);
const FILTER_FIELDS = new Set(['status', 'sandbox', 'olderThanDays', 'search']);
const STATUSES = new Set(['draft', 'published']);
const MAX_DAYS = 36_500;
const MAX_SEARCH = 256;

/** `{ filter, agentIds, unpublish, dryRun }` (one of filter/agentIds null), or `{ problem }`. */
export function jobRequest(body) {
  const fields = fieldsProblem(body, JOB_FIELDS, 'the fields are filter, agentIds, unpublish and dryRun');
  if (fields) return { problem: fields };
  const own = (key, fallback) => (Object.hasOwn(body, key) ? body[key] : fallback);
  const filter = own('filter', undefined);
  const agentIds = own('agentIds', undefined);
  if ((filter === undefined) === (agentIds === undefined)) return { problem: 'Send exactly one of filter and agentIds.' };
  const unpublish = own('unpublish', false);
  const dryRun = own('dryRun', true);
  if (typeof unpublish !== 'boolean' || typeof dryRun !== 'boolean') return { problem: 'unpublish and dryRun must be booleans.' };
  if (filter !== undefined) {
    const checked = filterOf(filter);
    return checked.problem ? checked : { filter: checked.filter, agentIds: null, unpublish, dryRun };
  }
  const problem = idsProblem(agentIds, MAX_JOB_IDS, 'job');
  if (problem) return { problem };
  return { filter: null, agentIds: [...new Set(agentIds)], unpublish, dryRun };
}

function fieldsProblem(value, allowed, which) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `Expected a JSON object; ${which}.`;
  if (Object.keys(value).some((k) => !allowed.has(k))) return `Unknown field; ${which}.`;
  return null;
}

/** A filter with at least one criterion, each of the right type and range. */
function filterOf(raw) {
  const problem = fieldsProblem(raw, FILTER_FIELDS, 'filter fields are status, sandbox, olderThanDays and search');
  if (problem) return { problem: `filter: ${problem}` };
  const filter = {};
  for (const key of Object.keys(raw)) filter[key] = raw[key];
  if (Object.keys(filter).length === 0) return { problem: 'filter needs at least one of status, sandbox, olderThanDays and search.' };
  if (filter.status !== undefined && !STATUSES.has(filter.status)) return { problem: 'filter.status must be "draft" or "published".' };
  if (filter.sandbox !== undefined && typeof filter.sandbox !== 'boolean') return { problem: 'filter.sandbox must be a boolean.' };
  const days = filter.olderThanDays;
  if (days !== undefined && !(typeof days === 'number' && Number.isFinite(days) && days >= 0 && days <= MAX_DAYS)) {
    return { problem: `filter.olderThanDays must be a number of days from 0 to ${MAX_DAYS}.` };
  }
  const search = filter.search;
  if (search !== undefined && !(typeof search === 'string' && search.length > 0 && search.length <= MAX_SEARCH && search.isWellFormed())) {
    return { problem: `filter.search must be a non-empty, well-formed string of at most ${MAX_SEARCH} characters.` };
  }
  return { filter };
}
