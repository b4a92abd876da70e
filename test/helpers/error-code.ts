import { AllocatorError } from '../../src/index.js';

/** What a call did, as a word: its AllocatorError's code, `untyped <Name>` for any other throw, or 'no error'. */
export function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof AllocatorError ? e.code : `untyped ${(e as Error).name}`;
  }
  return 'no error';
}
