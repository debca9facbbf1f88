/** A command line that does not parse: exit 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Something that failed (the server said no, or never answered): exit 1. */
export class Failure extends Error {
  override readonly name = 'Failure';
  constructor(
    message: string,
    readonly status = 0,
  ) {
    super(message);
  }
}
