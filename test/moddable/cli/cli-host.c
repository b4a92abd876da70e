/*
 * The native side of test:moddable's headless app (x-cli-lin): the process entry point and fxAbort that
 * a Moddable x-cli app supplies itself (as the SDK's own tools do, tools/tool.c), one line of output per
 * call, a monotonic clock for the masked-time measurement, and the engine's own slot and chunk counts
 * (with a full collection) for the RAM an allocator takes. Built by mcconfig from a temp directory.
 */
#include "xsAll.h"
#include "mc.xs.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void fxAbort(xsMachine *the, int status)
{
	(void)the;
	fprintf(stderr, "mcalloc-cli: XS aborted: %s\n", fxAbortString(status));
	exit(status ? status : 1);
}

void xs_cli_print(xsMachine *the)
{
	printf("%s\n", xsToString(xsArg(0)));
	fflush(stdout);
}

void xs_cli_now_ns(xsMachine *the)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	xsResult = xsNumber((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

/* A full collection, then the slots and chunk bytes in use: what the allocator itself costs in RAM. */
void xs_cli_gc(xsMachine *the)
{
	xsCollectGarbage();
}

/* Slots in use (counted up as they are made, set to the live count by each collection). */
void xs_cli_slots(xsMachine *the)
{
	xsResult = xsNumber((double)the->currentHeapCount);
}

/* Chunk bytes in use (the same accounting for chunks). */
void xs_cli_chunks(xsMachine *the)
{
	xsResult = xsNumber((double)the->currentChunksSize);
}

int main(int argc, char *argv[])
{
	int error = 0;
	xsMachine *machine = fxPrepareMachine(NULL, xsPreparation(), "mcalloc-cli", NULL, NULL);
	(void)argc;
	(void)argv;
	xsBeginHost(machine);
	{
		xsTry {
			xsAwaitImport("main", XS_IMPORT_NAMESPACE);
		}
		xsCatch {
			fprintf(stderr, "mcalloc-cli: %s\n", xsToString(xsException));
			error = 1;
		}
	}
	xsEndHost(machine);
	xsDeleteMachine(machine);
	return error;
}
