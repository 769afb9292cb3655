// Output of `talkover`: every string is cleaned of the token before it goes anywhere (stdout,
// stderr, the report and backup files). The pattern is set once, when the token is read.

let secret = null;
/**
 * `text` without the token: as is, as JSON writes it (a token may hold `"` or `\`) or
 * percent-encoded, in any letter case (the client's own redaction does the same).
 */
export const clean = (text) => (secret ? text.replace(secret, '[redacted]') : text);
const literal = (s) => s.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&');
/** The pattern `clean` removes, for `token`. */
const secretPattern = (token) => {
  const forms = [...new Set([encodeURIComponent(token), JSON.stringify(token).slice(1, -1), token])];
  return new RegExp(forms.map(literal).join('|'), 'gi');
};
/** From now on `clean` (hence `out`, `err` and the files) removes `token`. */
export const hideToken = (token) => {
  secret = secretPattern(token);
};
export const out = (line = '') => process.stdout.write(clean(`${line}\n`));
export const err = (line = '') => process.stderr.write(clean(`${line}\n`));
