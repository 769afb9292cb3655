// Output of `talkover`: every string is cleaned of the token before it goes anywhere (stdout,
// stderr, the report and backup files), and what goes to a terminal of control characters. The
// pattern is made once, when the token is read.

import { secretPattern } from '../js/secret.js';

let secret = null;
/**
 * `text` without the token, in every form the client redacts (src/js/secret.js: as it is,
 * percent-encoded, and JSON-escaped where it holds `"` or `\`).
 */
export const clean = (text) => (secret ? text.replace(secret, '[redacted]') : text);
/** From now on `clean` (hence `out`, `err` and the files) removes `token`. */
export const hideToken = (token) => {
  secret = secretPattern(token);
};
/**
 * `text` without control characters but tabs and newlines: no text from a server (an agent's
 * name, an error message) can move the cursor, set the title or the clipboard (OSC 52). What
 * is left of an escape sequence shows as plain text, where the terminal would have hidden it
 * (inside a token too), and a token cut by a lone control character is whole again for `clean`.
 */
export const printable = (text) => text.replace(/[\0-\x08\x0b-\x1f\x7f-\x9f]/g, '');
export const out = (line = '') => process.stdout.write(clean(printable(`${line}\n`)));
export const err = (line = '') => process.stderr.write(clean(printable(`${line}\n`)));
