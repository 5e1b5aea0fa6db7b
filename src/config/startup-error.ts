/**
 * A start-up failure the operator can fix: a bad path, a damaged or read-only database, a broken deck.
 * main.ts prints its message as one or two plain lines (naming the file and what to do) and exits 1;
 * the stack and cause are logged only at LOG_LEVEL=debug.
 */
export class StartupError extends Error {
  constructor(
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export function isStartupError(e: unknown): e is StartupError {
  return e instanceof StartupError;
}
