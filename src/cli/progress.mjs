// The cleanup's progress on stderr (`progressView`), written through `clean` like every other
// output. A few lines over `isTTY` rather than a progress-bar package: the package ships to
// browsers and Workers too, and a runtime dependency (cli-progress pulls string-width and
// emoji-regex) would be installed by every user for these ASCII-only lines.
import { clean, err, printable } from './output.mjs';
import { describeError, describeResult } from './results.mjs';

/**
 * On a terminal, one bar redrawn in place (done/total, deleted, skipped, failed, rate, ETA);
 * otherwise one plain line per agent.
 */
export function progressView(total) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const c = { done: 0, deleted: 0, skipped: 0, failed: 0 };
  let drawn = false;
  const draw = () => {
    const width = 24;
    const filled = Math.round((c.done / total) * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? c.done / seconds : 0;
    const eta = rate > 0 ? Math.ceil((total - c.done) / rate) : null;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${c.done}/${total}  deleted ${c.deleted}  skipped ${c.skipped}  failed ${c.failed}  ${rate.toFixed(1)}/s  ETA ${eta === null ? '?' : `${eta}s`}`;
    process.stderr.write(`\r\x1b[2K${clean(printable(line))}`);
    drawn = true;
  };
  if (tty) draw();
  return {
    done(r) {
      c.done += 1;
      if (r.outcome in c) c[r.outcome] += 1;
      if (tty) {
        if (r.outcome === 'failed') {
          process.stderr.write('\r\x1b[2K');
          err(`failed ${r.agentId}: ${describeError(r.error ?? { code: r.reason, message: '' })}`);
        }
        draw();
      } else err(`[${c.done}/${total}] ${r.agentId} ${describeResult(r)}`);
    },
    finish() {
      if (tty && drawn) process.stderr.write('\n');
    },
  };
}
