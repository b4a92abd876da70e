/*
 * mcalloc hello, in TypeScript: a sensor loop on a Moddable timer. Every tick takes a frame buffer from
 * the pool and keeps the last four; a frame that does not fit is dropped (allocate returns 0, nothing
 * throws, the VM does not abort). Timer callbacks run from the event loop, one at a time, so the pool
 * needs no lock (the esp32 target's 'none').
 *
 * Types: "mcalloc" from targets/moddable/mcalloc-device.d.ts; "timer" and trace() from @moddable/typings
 * (tsconfig.json here) or the SDK's copy of them (mcconfig).
 */
import Timer from "timer";
import { AllocatorError, initAllocator, type Allocator, type AllocatorStats } from "mcalloc";

const FRAME_BYTES = 1536;
const KEEP = 4;
const TICKS = 12;

const heap: Allocator = initAllocator();
const frames: number[] = [];
let dropped = 0;
let tick = 0;

function line(s: AllocatorStats): string {
	return `${s.usedBlocks} blocks, ${s.usedBytes} of ${s.heapSize} bytes used, largest request possible ${s.largestFreeBlock}`;
}

function sample(n: number): void {
	const frame = heap.allocate(FRAME_BYTES + (n % 3) * 512);
	if (frame === 0) {
		dropped++;
		return;
	}
	heap.bytes(frame).fill(n & 0xff);
	frames.push(frame);
	if (frames.length > KEEP) heap.free(frames.shift()!);
}

trace(`mcalloc hello-ts: ${heap.strategy} strategy, ${heap.lock} lock, ${heap.poolSize}-byte pool\n`);
Timer.repeat((timer) => {
	sample(tick++);
	if (tick < TICKS) return;
	Timer.clear(timer);
	trace(`mcalloc hello-ts after ${TICKS} frames (${dropped} dropped): ${line(heap.stats())}\n`);
	for (const frame of frames.splice(0)) heap.free(frame);
	try {
		heap.free(frames.length); // 0: free(0) does nothing, as in C
		heap.free(8); // not a pointer the pool gave out
	} catch (e) {
		// Only the allocator's refusal is expected here; anything else is a bug and must surface.
		if (!(e instanceof AllocatorError)) throw e;
		trace(`mcalloc hello-ts: refused with ${e.code}\n`);
	}
	heap.check();
	trace(`mcalloc hello-ts at the end: ${line(heap.stats())}\n`);
}, 10);
