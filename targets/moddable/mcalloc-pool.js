/*
 * The static pool (mcalloc_pool.c): C memory of defines.mcalloc.pool_size bytes, outside the XS heap,
 * as a host buffer that typed arrays view in place. Each call returns a new host object over the same
 * memory. XS host-function syntax, compiled by xsc only (mcalloc-pool.d.ts gives its type).
 */

/** The static pool's memory as a host buffer (the same memory on every call, in every VM). */
export function staticPool() @ "xs_mcalloc_static_pool";
