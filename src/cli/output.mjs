// Output of `talkover`: every string is cleaned of the token before it goes anywhere (stdout,
// stderr, the report and backup files). The patterns are made once, when the token is read.

import { secretPattern } from '../js/secret.js';

let secrets = [];
/**
 * `text` without the token: in every form the client redacts (src/js/secret.js), and as JSON
 * writes it (a token may hold `"` or `\`).
 */
export const clean = (text) => secrets.reduce((t, secret) => t.replace(secret, '[redacted]'), text);
/** From now on `clean` (hence `out`, `err` and the files) removes `token`. */
export const hideToken = (token) => {
  const json = JSON.stringify(token).slice(1, -1);
  secrets = [...new Set([token, json])].map((form) => secretPattern(form));
};
export const out = (line = '') => process.stdout.write(clean(`${line}\n`));
export const err = (line = '') => process.stderr.write(clean(`${line}\n`));
