#!/usr/bin/env node
// `talkover`: agent cleanup from a terminal (design.md section 7), Node >= 20 only. The entry:
// main() reads the command and its arguments (args.mjs), connects and runs the command; errors
// end as one line on stderr and an exit code. Bundled into its own file (dist/cli.mjs, the
// package's `bin`), built on the public client: it adds nothing to the browser or Worker
// entries. The token comes only from TALKOVER_TOKEN (never a flag: it stays out of shell
// history and `ps`), and every line this command writes, to a terminal or a file, is cleaned of
// it (output.mjs).
import { TalkoverClient, isTalkoverError } from 'talkover-client';
import { MAIN_USAGE, parseCommand } from './args.mjs';
import { cleanupCommand } from './cleanup.mjs';
import { deleteCommand } from './delete.mjs';
import { EXIT, UsageError } from './exit.mjs';
import { err, hideToken, out } from './output.mjs';
import { describeError } from './results.mjs';
import { listCommand } from './select.mjs';

async function main(argv) {
  // Before anything is parsed: a usage error may quote an argument that holds the token.
  if (process.env.TALKOVER_TOKEN) hideToken(process.env.TALKOVER_TOKEN);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(MAIN_USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const { values, positionals, usage } = parseCommand(name, rest);
  if (values.help) {
    out(usage);
    return EXIT.ok;
  }
  const client = connect(values);
  switch (name) {
    case 'agents':
      return listCommand(client, values);
    case 'cleanup':
      return cleanupCommand(client, values, positionals);
    case 'delete-agent':
      return deleteCommand(values, `Delete agent ${positionals[0]}?`, () => client.deleteAgent(positionals[0]));
    default:
      return deleteCommand(values, `Delete training ${positionals[1]} of agent ${positionals[0]}?`, () =>
        client.deleteTraining(positionals[0], positionals[1], { republish: values.republish ?? false }));
  }
}

function connect(values) {
  const token = process.env.TALKOVER_TOKEN;
  if (!token) throw new UsageError('TALKOVER_TOKEN is not set (the token is read from the environment only)');
  const baseUrl = values['base-url'] ?? process.env.TALKOVER_BASE_URL;
  try {
    return new TalkoverClient({ token, ...(baseUrl ? { baseUrl } : {}) });
  } catch (e) {
    throw new UsageError(isTalkoverError(e) ? e.message : 'the client could not be configured');
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    if (e instanceof UsageError) {
      err(`talkover: ${e.message}`);
      process.exitCode = EXIT.usage;
    } else if (isTalkoverError(e)) {
      err(`talkover: ${describeError(e)}`);
      process.exitCode = e.code === 'INVALID_ARGUMENT' || e.code === 'INVALID_TOKEN' ? EXIT.usage : EXIT.failed;
    } else {
      err(`talkover: ${e?.message ?? String(e)}`);
      process.exitCode = EXIT.failed;
    }
  },
);

