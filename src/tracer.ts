/**
 * The `trace` option: one line per operation, `a ID SIZE`, `r ID SIZE`, `f ID`, the format the
 * simulator records and the tuner replays. IDs stay fixed while reallocate moves a block, so the
 * tracer maps pointers to IDs: the only per-block JS state in mcalloc, and only while tracing.
 */
export interface Tracer {
  op(kind: 'a' | 'r' | 'f', ptr: number, moved: number, size: number): void;
}

export function makeTracer(emit: (line: string) => void): Tracer {
  const ids = new Map<number, number>();
  let next = 1;
  return {
    op(kind, ptr, moved, size) {
      let id = ids.get(ptr);
      if (kind === 'a' || id === undefined) id = next++;
      ids.delete(ptr);
      if (kind !== 'f') ids.set(moved, id);
      emit(kind === 'f' ? `f ${id}` : `${kind} ${id} ${size}`);
    },
  };
}
