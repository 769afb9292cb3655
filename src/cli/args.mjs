// The arguments of `talkover`: each command's flags (node:util parseArgs), number of
// positionals and --help text, the top-level usage, and `parseCommand`, which reads one
// command's arguments and refuses a bad flag or argument count with a UsageError.
import { parseArgs } from 'node:util';
import { UsageError } from './exit.mjs';

const COMMON = {
  'base-url': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};
const FILTERS = {
  status: { type: 'string' },
  sandbox: { type: 'boolean' },
  search: { type: 'string' },
  'older-than': { type: 'string' },
};

const COMMANDS = {
  agents: {
    options: { ...COMMON, ...FILTERS },
    positionals: [0, 0],
    usage: `talkover agents [--status draft|published] [--sandbox] [--search TEXT] [--older-than 30d] [--json]

Lists every agent (all pages) matching the filters: name, id, status, sandbox, trainings, created.
  --status S        draft or published
  --sandbox         only sandbox agents
  --search TEXT     name or label contains TEXT (as the API matches it)
  --older-than AGE  created more than AGE ago: 30d, 12h, 2w (a bare number is days)
  --json            one JSON document: the agents as the API returns them`,
  },
  cleanup: {
    options: {
      ...COMMON,
      ...FILTERS,
      unpublish: { type: 'boolean' },
      'no-backup': { type: 'boolean' },
      concurrency: { type: 'string' },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      'backup-file': { type: 'string' },
      'report-file': { type: 'string' },
      resume: { type: 'string' },
    },
    positionals: [0, Infinity],
    usage: `talkover cleanup [IDS...] [--status S] [--sandbox] [--search TEXT] [--older-than AGE]
                 [--unpublish] [--no-backup] [--concurrency N] [--dry-run] [--yes]
                 [--backup-file PATH] [--report-file PATH] [--resume REPORT] [--json]

Deletes the agents given by id, or else those the filters select (every agent without either),
safely: shows the plan (a dry run against the API), asks for confirmation, then runs.
  --unpublish          unpublish published agents (after checking they have no active calls)
                       instead of skipping them
  --no-backup          do not read the trainings before deleting (no backup file)
  --concurrency N      agents at once, 1..64 (default 4)
  --dry-run            show the plan only; nothing is changed
  --yes, -y            do not ask; without it a delete asks on a terminal and is refused
                       (exit 2) when stdin is not one
  --backup-file PATH   NDJSON, one { agent, trainings } per agent, each line written and flushed
                       before that agent is changed (default: talkover-backup-<time>.ndjson)
  --report-file PATH   NDJSON, one result per agent (error reduced to { code, message, status })
  --resume REPORT      skip the agents REPORT says were deleted; retry the others
  --json               one JSON document (the report) on stdout
Progress goes to stderr: a bar on a terminal, one line per agent otherwise. Ctrl-C stops between
steps (what was sent finishes), completes the report and backup, and exits 130.`,
  },
  'delete-agent': {
    options: { ...COMMON, yes: { type: 'boolean', short: 'y' } },
    positionals: [1, 1],
    usage: `talkover delete-agent ID [--yes] [--json]

Deletes one agent (DELETE /agents/ID). Asks on a terminal unless --yes.`,
  },
  'delete-training': {
    options: { ...COMMON, yes: { type: 'boolean', short: 'y' }, republish: { type: 'boolean' } },
    positionals: [2, 2],
    usage: `talkover delete-training AGENT_ID TRAINING_ID [--republish] [--yes] [--json]

Deletes one training. The API sends a published agent back to draft; --republish publishes it
again afterwards. Asks on a terminal unless --yes.`,
  },
};

export const MAIN_USAGE = `talkover: the Talkover voice-agent API from a terminal

  talkover agents          list agents
  talkover cleanup         delete agents safely: plan, confirm, backup, report
  talkover delete-agent    delete one agent
  talkover delete-training delete one training

Run talkover COMMAND --help for a command's flags. The token is read from TALKOVER_TOKEN only;
the API from TALKOVER_BASE_URL or --base-url (default https://app.talkover.ai).
Exit codes: 0 done, 1 some agents failed, 2 usage or configuration error, 130 interrupted.`;

/**
 * The values and positionals of command `name` given `rest`; with --help nothing more is checked
 * (the caller prints `usage`).
 */
export function parseCommand(name, rest) {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command '${name}' (try talkover --help)`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${name}: ${e.message.split('\n')[0].split('. ')[0].replace(/\.$/, '')} (try talkover ${name} --help)`);
  }
  const { values, positionals } = parsed;
  const [min, max] = command.positionals;
  if (!values.help && (positionals.length < min || positionals.length > max)) {
    throw new UsageError(`${name}: expected ${min === max ? min : `${min} or more`} argument${max === 1 ? '' : 's'}, got ${positionals.length} (try talkover ${name} --help)`);
  }
  return { values, positionals, usage: command.usage };
}
