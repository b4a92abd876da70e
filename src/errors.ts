/** Every way a call can be refused. Out-of-memory is not here: allocate returns 0 for that. */
export type AllocatorErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_SIZE'
  | 'INVALID_ALIGNMENT'
  | 'INVALID_POINTER'
  | 'DOUBLE_FREE'
  | 'HEAP_CORRUPTED'
  | 'DESTROYED'
  | 'NOT_INITIALIZED'
  | 'ALREADY_INITIALIZED'
  | 'LOCK_TIMEOUT';

export class AllocatorError extends Error {
  readonly code: AllocatorErrorCode;
  /** The offending pointer or block offset, when there is one. */
  readonly offset: number | undefined;
  /** `message` is false in release device bundles, which carry codes only (see BUILD_MESSAGES). */
  constructor(code: AllocatorErrorCode, message: string | false, offset?: number) {
    super(message ? `${code}: ${message}` : code);
    this.name = 'AllocatorError';
    this.code = code;
    this.offset = offset;
  }
}
