/** Types of mcalloc-pool.js (a host function in mcalloc_pool.c). */
declare module 'mcalloc/pool' {
  /** The static pool's memory as a host buffer (the same memory on every call, in every VM). */
  export function staticPool(): ArrayBuffer;
}
