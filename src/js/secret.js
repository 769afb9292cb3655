// The token as a server may echo it, for redaction: each character as it is (in any letter
// case: the token is ASCII) or percent-encoded, so every encoder's output matches, strict or
// not. src/proto/text.rs's redact matches the same way; io.js scrubs response bodies with this,
// the command line (src/cli/output.mjs) its output.

const literal = (s) => s.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&');
const eachWay = (c) => (c > '\x7f' ? literal(c) : `(?:${literal(c)}|%${c.charCodeAt(0).toString(16).padStart(2, '0')})`);

const NONE = [];
let last = { token: null, more: NONE, pattern: null };

/** One global, case-insensitive pattern of `token`, and of the `more` forms given (tried first). */
export function secretPattern(token, more = NONE) {
  // The last one again, as a rule: every response of a client's calls asks for its token's.
  if (token !== last.token || more !== last.more) {
    last = { token, more, pattern: new RegExp([...more.map(literal), [...token].map(eachWay).join('')].join('|'), 'gi') };
  }
  return last.pattern;
}
