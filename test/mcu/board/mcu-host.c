/*
 * The host functions of mcu-host.js. The instruction count is QEMU's virtual time under -icount
 * shift=0 (1 ns per instruction), read from SysTick: exact to one SysTick count, 40 instructions.
 */
#include "xsAll.h"
#include "mc.xs.h"

#include "board.h"

#include <string.h>

void xs_mcu_gc(xsMachine *the)
{
	xsCollectGarbage();
}

/* Slots in use (counted up as they are made, set to the live count by each collection). */
void xs_mcu_slots(xsMachine *the)
{
	xsResult = xsNumber((double)the->currentHeapCount);
}

/* Chunk bytes in use (the same accounting for chunks). */
void xs_mcu_chunks(xsMachine *the)
{
	xsResult = xsNumber((double)the->currentChunksSize);
}

void xs_mcu_instructions(xsMachine *the)
{
	xsResult = xsNumber((double)board_ns());
}

void xs_mcu_slot_size(xsMachine *the)
{
	xsResult = xsInteger(sizeof(txSlot));
}

void xs_mcu_pointer_size(xsMachine *the)
{
	xsResult = xsInteger(sizeof(void *));
}

/* runMcu's args: what follows the program name in the semihosting command line */
void xs_mcu_args(xsMachine *the)
{
	char line[256];
	int length = board_command_line(line, sizeof(line));
	char *space = length > 0 ? strchr(line, ' ') : NULL;
	xsResult = xsString(space ? space + 1 : "");
}

void xs_mcu_exit(xsMachine *the)
{
	board_exit(xsToInteger(xsArg(0)));
}
