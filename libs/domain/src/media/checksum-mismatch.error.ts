/** The downloaded bytes do not hash to the SHA-256 Meta announced (a truncated or corrupted transfer): retried. */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
}
