// The token as a server may echo it, for redaction: each character as it is (in any letter
// case: the token is ASCII) or percent-encoded, so every encoder's output matches, strict or
// not. src/proto/text.rs's redact matches the same way; io.js scrubs response bodies with this,
// the command line (src/cli/output.mjs) its output.

const literal = (s) => s.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&');
const eachWay = (c) => (c > '\x7f' ? literal(c) : `(?:${literal(c)}|%${c.charCodeAt(0).toString(16).padStart(2, '0')})`);

let last = { key: null, pattern: null };

/** One global, case-insensitive pattern of `token`, and of the `more` forms given (tried first). */
export function secretPattern(token, more = []) {
  const key = [token, ...more].join('\n');
  if (last.key !== key) last = { key, pattern: new RegExp([...more.map(literal), [...token].map(eachWay).join('')].join('|'), 'gi') };
  return last.pattern;
}
