/*
 * The static pool: C memory reserved by the linker, sized at build time by the manifest's
 * defines.mcalloc.pool_size (MODDEF_MCALLOC_POOL_SIZE), and handed to JavaScript as a host buffer.
 * It lives outside the XS heap: the app's creation.chunk need not hold it, the collector neither scans
 * nor moves it, and a pool too large for the device's RAM fails at link time, not at run time.
 *
 * Every VM of the app (the main VM and its Workers) that asks gets the same memory: one VM formats it
 * (initAllocator with the atomics lock), the others attach to it. XS's typed arrays and Atomics work on
 * host buffers (xsDataView.c, xsAtomics.c: XS_HOST_KIND).
 */
#include "xsmc.h"
#include "mc.xs.h"
#include "mc.defines.h"
#include <stdint.h>

/* The app's key table has it when any of its modules reads byteLength (the bundle does). */
#ifndef xsID_byteLength
	#define xsID_byteLength (xsID("byteLength"))
#endif

#ifndef MODDEF_MCALLOC_POOL_SIZE
	#error "mcalloc: defines.mcalloc.pool_size is missing from the manifest"
#endif
#if (MODDEF_MCALLOC_POOL_SIZE < 256) || (MODDEF_MCALLOC_POOL_SIZE % 8)
	#error "mcalloc: defines.mcalloc.pool_size must be a multiple of 8, at least 256"
#endif

/* 8-aligned: pointers are 8-aligned offsets, and the pool is read through an Int32Array. */
static uint8_t gPool[MODDEF_MCALLOC_POOL_SIZE] __attribute__((aligned(8)));

void xs_mcalloc_static_pool(xsMachine *the)
{
	xsmcVars(1);
	xsResult = xsNewHostObject(NULL);
	/* Not petrified: in XS that makes the buffer read-only. A host buffer cannot be detached or resized
	   from JavaScript either way. */
	xsmcSetHostBuffer(xsResult, gPool, sizeof(gPool));
	xsmcSetInteger(xsVar(0), sizeof(gPool));
	xsmcDefine(xsResult, xsID_byteLength, xsVar(0), xsDontDelete | xsDontSet);
}
