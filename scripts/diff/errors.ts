/** An error the user can act on: the CLI prints its message without a stack trace. */
export class DiffError extends Error {
  override name = 'DiffError';
}
