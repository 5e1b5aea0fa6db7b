import type en from '../../assets/locales/en.json';

/** The failures the locale files have a message for: `errors.<code>`. A code without one fails the type check. */
export type ErrorCode = keyof typeof en extends infer K ? (K extends `errors.${infer C}` ? C : never) : never;

/**
 * An expected failure the user should hear about. `code` is also the locale key
 * (`errors.<code>`), `params` fill its placeholders.
 */
export class UserError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = 'UserError';
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
