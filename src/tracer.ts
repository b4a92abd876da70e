/**
 * The `trace` option: one line per operation, `a ID SIZE`, `r ID SIZE`, `f ID`, the format the
 * simulator records and the tuner replays. IDs stay fixed while reallocate moves a block, so the
 * tracer maps pointers to IDs: the only per-block JS state in mcalloc, and only while tracing.
 *
 * op() runs under the lock (a handler that runs when it is released may reuse the offsets) and only
 * queues the line; flush() emits it after the lock is released: on a device the emitter is trace(),
 * a printf, which must never run inside a critical section. Lines queued by a handler that ran in
 * between come out after the ones queued before it, in the order the operations happened.
 */
export interface Tracer {
  op(kind: 'a' | 'r' | 'f', ptr: number, moved: number, size: number): void;
  flush(): void;
}

export function makeTracer(emit: (line: string) => void): Tracer {
  const ids = new Map<number, number>();
  const queued: string[] = [];
  let next = 1;
  return {
    op(kind, ptr, moved, size) {
      let id = ids.get(ptr);
      if (kind === 'a' || id === undefined) id = next++;
      ids.delete(ptr);
      if (kind !== 'f') ids.set(moved, id);
      queued.push(kind === 'f' ? `f ${id}` : `${kind} ${id} ${size}`);
    },
    flush() {
      // Tracing never changes what an operation does: an exception from the callback (the call's
      // result must still reach the caller) is dropped with its line.
      while (queued.length > 0) {
        try {
          emit(queued.shift()!);
        } catch {
          // the line is lost, the operation is not
        }
      }
    },
  };
}
