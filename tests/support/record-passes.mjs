// A node:test reporter that writes one JSON line { file, name } per passed test, so the
// README's support table can be checked against what actually ran (scripts/support-table.mjs).
import { basename } from 'node:path';

export default async function* recordPasses(source) {
  for await (const event of source) {
    if (event.type === 'test:pass' && !event.data.details?.type) {
      yield `${JSON.stringify({ file: basename(event.data.file ?? ''), name: event.data.name })}\n`;
    }
  }
}
