/**
 * An expected failure the user should hear about. `code` is also the locale key
 * (`errors.<code>`), `params` fill its placeholders.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
