// The command's exit codes and the error that means "usage or configuration" (exit 2, one line
// on stderr), shared by every command of `talkover`.
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 };

export class UsageError extends Error {}
