/** Types of harness.mjs (plain JavaScript so that XS runs the very same file). */
export type Pointer = number | object;
export interface Adapter {
  alloc(n: number): Pointer;
  free(p: Pointer): void;
  realloc(p: Pointer, n: number): Pointer;
  reset(): void;
}
export interface MemPoolLike {
  malloc(n: number): number;
  free(p: number): boolean;
  realloc(p: number, n: number): number;
  freeAll(): void;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly top: number;
  readonly end: number;
}
export function replay(A: Adapter, code: Int32Array, ptrs: Pointer[]): number;
export function mcallocAdapter(heap: {
  allocate(n: number): number;
  free(p: number): void;
  reallocate(p: number, n: number): number;
  reset(): void;
}): Adapter;
export function thingAdapter(MemPool: new (opts: object) => MemPoolLike, size: number, compact: boolean): Adapter;
export function nativeAdapter<T extends object>(make: (n: number) => T, copy: (from: T, to: T) => T): Adapter;
export function noopAdapter(): Adapter;
export function makeHoles(A: Adapter, n: number, holeSizes: readonly number[]): Pointer[];
export function pairs(A: Adapter, count: number, sizes: readonly number[]): number;
