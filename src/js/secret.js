// The token as a server may echo it, for redaction: each character as it is (in any letter
// case: the token is ASCII), percent-encoded or, for `"` and `\`, JSON-escaped, so every
// encoder's output matches, strict or not. src/proto/text.rs's redact matches the same way;
// io.js scrubs response bodies with this, the command line (src/cli/output.mjs) its output.

const literal = (s) => s.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&');
// The token one way: each character as it is or percent-encoded; `"` and `\` JSON-escaped
// (`json`, a string holding JSON that holds the token) or not; `%` as `%25` (`sign`) or not.
// One way for the whole token leaves no character two readings, so no match can backtrack
// exponentially (src/proto/text.rs reads the same four ways).
const oneWay = (token, json, sign) => [...token].map((c) =>
  json && (c === '"' || c === '\\') ? `\\\\${literal(c)}` : c === '%' ? (sign ? '%25' : '%') : `(?:${literal(c)}|%${c.charCodeAt(0).toString(16).padStart(2, '0')})`).join('');

let last = { token: null, pattern: null };

/**
 * Whether `text` may hold `token` in a form the pattern matches: without a '%' (or a '\', which
 * io.js checks first) only the token itself, in any letter case, can be there. A first match of
 * the pattern costs 1-2 ms of regex compilation (measured in Node), a cold start's worth; this
 * test costs microseconds.
 */
export function mayHoldSecret(text, token) {
  return text.includes('%') || text.toLowerCase().includes(token.toLowerCase());
}

/** One global, case-insensitive pattern of `token` (the last one again: every response asks). */
export function secretPattern(token) {
  if (token !== last.token) {
    const ways = new Set([0, 1, 2, 3].map((m) => oneWay(token, m & 1, m & 2)));
    last = { token, pattern: new RegExp([...ways].join('|'), 'gi') };
  }
  return last.pattern;
}
