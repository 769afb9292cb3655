// How `talkover` writes an error or a cleanup result: one line for people (`describeError`,
// `describeResult`) and the report file's form, the error reduced to `{ code, message, status }`.

const reduceError = (e) => (e ? { code: e.code ?? null, message: String(e.message ?? ''), status: e.status ?? null } : null);
/** A cleanup result with its error reduced to `{ code, message, status }`. */
export const reduced = (r) => ({ ...r, error: reduceError(r.error) });
export const reportLine = (r) => JSON.stringify(reduced(r));
export const describeError = (e) => `${e.code}: ${e.message}${e.status ? ` (HTTP ${e.status})` : ''}`;

export function describeResult(r) {
  if (r.outcome === 'deleted') return r.unpublished ? 'unpublished and deleted' : 'deleted';
  const why = r.error ? describeError(r.error) : r.reason ?? '';
  return `${r.outcome}${why ? ` (${why})` : ''}`;
}
