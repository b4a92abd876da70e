/*
 * mcalloc's interrupt mask in the Moddable desktop simulator (lin, mac, win): there are no interrupts
 * to mask, but the depth is kept and checked exactly as on the device (mcu/mcalloc_irq.c), so an
 * unpaired or out-of-order restore fails here first.
 */
#include "xsmc.h"

static int gDepth = 0;

void xs_mcalloc_irq_disable(xsMachine *the)
{
	xsmcSetInteger(xsResult, gDepth);
	gDepth += 1;
}

void xs_mcalloc_irq_restore(xsMachine *the)
{
	int state = xsmcToInteger(xsArg(0));
	if ((state < 0) || (state >= gDepth))
		xsUnknownError("mcalloc: interrupt mask restored out of order");
	gDepth = state;
}
