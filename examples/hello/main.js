/*
 * mcalloc hello: a pool, a few buffers, stats through trace(). Build and run: see examples/hello/README.md.
 * The pool is made here, at run time: initAllocator() with no poolSize uses the target's (64 KiB on esp32).
 */
import { initAllocator, allocateMemory, freeMemory, destroyAllocator } from "mcalloc";

/** @param {string} when @param {import("mcalloc/bundle").Allocator} heap */
function report(when, heap) {
	const s = heap.stats();
	trace(`mcalloc ${when}: ${s.usedBlocks} blocks, ${s.usedBytes} of ${s.heapSize} bytes used, ${s.freeBlocks} free blocks, largest request possible ${s.largestFreeBlock} bytes\n`);
}

const heap = initAllocator();
const bytes = new Uint8Array(heap.buffer);
trace(`mcalloc: ${heap.strategy} strategy, ${heap.lock} lock, ${heap.poolSize}-byte pool\n`);

const greeting = allocateMemory(32);
const frame = allocateMemory(2048);
const table = heap.allocate(256, 64); // 64-byte aligned
if (!greeting || !frame || !table) throw new Error("out of memory");
const text = "hello, mcalloc";
for (let i = 0; i < text.length; i++) bytes[greeting + i] = text.charCodeAt(i);
bytes.fill(0x55, frame, frame + 2048);
report("after 3 allocations", heap);

freeMemory(frame);
const longer = heap.reallocate(greeting, 512); // grows into the space frame left, or moves
if (!longer) throw new Error("out of memory");
trace(`mcalloc: "${String.fromCharCode(...bytes.subarray(longer, longer + text.length))}" now at ${longer}\n`);
report("after free and reallocate", heap);

freeMemory(longer);
freeMemory(table);
heap.check();
report("after freeing everything", heap);
destroyAllocator();
