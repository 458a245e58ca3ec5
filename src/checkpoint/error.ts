/**
 * The error a checkpoint that cannot be loaded raises: a corrupt or truncated file, a file that
 * breaks the safetensors rules, or one whose contents do not fit the live parameters, optimizer
 * or schedule. When it is thrown, nothing live has been changed.
 */
export class CheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`checkpoint: ${message}`, options);
    this.name = 'CheckpointError';
  }
}
