// `talkover delete-agent` and `talkover delete-training`: confirm, run the one delete, print its
// result (or the JSON document); a failed republish exits 1.
import { confirm } from './confirm.mjs';
import { EXIT } from './exit.mjs';
import { err, out } from './output.mjs';
import { describeError } from './results.mjs';

export async function deleteCommand(values, question, run) {
  if (!(await confirm(values, question))) {
    err('Nothing deleted.');
    return EXIT.interrupted;
  }
  const result = await run();
  if (values.json) out(JSON.stringify(result));
  else {
    const extra = result.republished === undefined ? '' : result.republished ? ' (published again)' : ' (not published again)';
    out(`${result.message}${extra}${result.requestId ? ` [request ${result.requestId}]` : ''}`);
  }
  if (result.republishError) {
    err(`talkover: republish failed: ${describeError(result.republishError)}`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
