/*
 * mcalloc's interrupt mask on ESP32 and ESP8266: the Moddable critical section of xsHost.h
 * (portENTER_CRITICAL on the ESP32's global spinlock mux, noInterrupts() on the ESP8266). On both chips
 * modCriticalSectionDeclare is empty, so Begin and End may sit in two host functions.
 *
 * The allocator calls disable() then restore(state) in pairs, in last-in first-out order (its lock wraps
 * each call in try/finally). ESP8266's noInterrupts()/interrupts() do not nest, so the depth is counted
 * here and the section is entered at depth 0 -> 1 and left at 1 -> 0 only. Only the XS task calls these.
 *
 * Keep the masked time short: an allocator call is microseconds (TLSF) to a list walk or a reallocate
 * copy; the ESP32 interrupt watchdog fires after about 300 ms.
 */
#include "xsmc.h"
#include "xsHost.h"

static int gDepth = 0;

void xs_mcalloc_irq_disable(xsMachine *the)
{
	if (gDepth == 0)
		modCriticalSectionBegin();
	xsmcSetInteger(xsResult, gDepth);
	gDepth += 1;
}

void xs_mcalloc_irq_restore(xsMachine *the)
{
	int state = xsmcToInteger(xsArg(0));
	if ((state < 0) || (state >= gDepth))
		xsUnknownError("mcalloc: interrupt mask restored out of order");
	gDepth = state;
	if (gDepth == 0)
		modCriticalSectionEnd();
}
