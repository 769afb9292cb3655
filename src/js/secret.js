// The token as a server may echo it, for redaction: each character as it is (in any letter
// case: the token is ASCII), percent-encoded or, for `"` and `\`, JSON-escaped, so every
// encoder's output matches, strict or not. src/proto/text.rs's redact matches the same way;
// io.js scrubs response bodies with this, the command line (src/cli/output.mjs) its output.

const literal = (s) => s.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&');
// `"` and `\` also JSON-escaped (a string holding JSON that holds the token).
const eachWay = (c) => `(?:${literal(c)}|%${c.charCodeAt(0).toString(16).padStart(2, '0')}${c === '"' || c === '\\' ? `|\\\\${literal(c)}` : ''})`;

let last = { token: null, pattern: null };

/**
 * Whether `text` may hold `token` in a form the pattern matches: without a '%' only the token
 * itself, in any letter case, can be there. A first match of the pattern costs 1-2 ms of regex
 * compilation (measured in Node), a cold start's worth; this test costs microseconds.
 */
export function mayHoldSecret(text, token) {
  return text.includes('%') || text.toLowerCase().includes(token.toLowerCase());
}

/** One global, case-insensitive pattern of `token` (the last one again: every response asks). */
export function secretPattern(token) {
  if (token !== last.token) last = { token, pattern: new RegExp([...token].map(eachWay).join(''), 'gi') };
  return last.pattern;
}
