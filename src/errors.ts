import { BUILD_MESSAGES } from './build.js';

/** Every way a call can be refused. Out-of-memory is not here: allocate returns 0 for that. */
export type AllocatorErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_SIZE'
  | 'INVALID_ALIGNMENT'
  | 'INVALID_POINTER'
  | 'DOUBLE_FREE'
  | 'HEAP_CORRUPTED'
  | 'DESTROYED'
  | 'BUFFER_DETACHED'
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
    this.code = code;
    this.offset = offset;
  }
}

// `name` is defined on the prototype, never assigned: xsl freezes the built-ins of a Moddable app, and
// assigning a property that frozen Error.prototype holds throws a TypeError (the override mistake).
Object.defineProperty(AllocatorError.prototype, 'name', { value: 'AllocatorError', writable: true, configurable: true });

/**
 * What `typeof` says of a number, as a module constant for the calls' argument checks: on XS a string
 * literal evaluated in a preloaded module makes a new string each time (a 24-byte chunk of garbage per
 * call, measured by test:moddable); a constant is made once, at preload.
 */
export const NUMBER = 'number' as const;

/**
 * The calls that check their arguments, by number, and their names for messages: a name passed as a
 * string literal on every call would be garbage on XS (see NUMBER); numbers are free.
 */
export const ALLOCATE = 0;
export const FREE = 1;
export const REALLOCATE = 2;
export const USABLE_SIZE = 3;
export const ALLOCATE_ZEROED = 4;
export const BYTES = 5;
export const CALL_NAMES: readonly string[] = /*#__PURE__*/ Object.freeze(['allocate', 'free', 'reallocate', 'usableSize', 'allocateZeroed', 'bytes']);

/** `size` if it is a non-negative integer no larger than `limit`, else INVALID_SIZE saying why. */
export function checkSize(size: unknown, limit: number, call: number): number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
    throw new AllocatorError('INVALID_SIZE', BUILD_MESSAGES && `${CALL_NAMES[call]}: size must be a non-negative integer (got ${typeof size === 'number' ? size : typeof size})`);
  }
  if (size > limit) throw new AllocatorError('INVALID_SIZE', BUILD_MESSAGES && `${CALL_NAMES[call]}: ${size} bytes is larger than the ${limit}-byte pool`);
  return size;
}

export const MAX_ALIGNMENT = 1 << 24;

export function isPowerOfTwo(n: unknown): n is number {
  return typeof n === NUMBER && Number.isInteger(n) && (n as number) > 0 && ((n as number) & ((n as number) - 1)) === 0;
}

/** An allocate() alignment argument: a power of two up to MAX_ALIGNMENT, else INVALID_ALIGNMENT. */
export function checkAlignment(alignment: unknown, call: number): number {
  if (!isPowerOfTwo(alignment) || alignment > MAX_ALIGNMENT) {
    throw new AllocatorError('INVALID_ALIGNMENT', BUILD_MESSAGES && `${CALL_NAMES[call]}: alignment must be a power of two up to ${MAX_ALIGNMENT} (got ${String(alignment)})`);
  }
  return alignment;
}

/** Every call on a destroyed allocator. */
export function destroyedError(): never {
  throw new AllocatorError('DESTROYED', BUILD_MESSAGES && 'this allocator was destroyed');
}

/**
 * Every call on a pool whose buffer was transferred (detached) or shrunk under it: every view of the
 * buffer then reads as empty, so the calls check `m.length` before reading a word.
 */
export function detachedError(): never {
  throw new AllocatorError('BUFFER_DETACHED', BUILD_MESSAGES && "the pool's buffer was detached (transferred) or shrunk: the pool is gone, destroy() this allocator");
}
