/*
 * The nesting of mcalloc's interrupt mask, shared by mcu/mcalloc_irq.c (the device's critical section)
 * and host/mcalloc_irq.c (a spinlock standing in for it). The includer defines mcallocSectionBegin()
 * and mcallocSectionEnd(), which need not nest: they are called once per outermost disable/restore.
 *
 * Per VM: the depth belongs to the VM that holds the section, named by gOwner. Both are written only
 * while the section is held, and gOwner is cleared before it is left, so a VM that reads gOwner
 * without the section sees another VM or NULL, never itself unless it is the holder: the test
 * `gOwner != the` cannot race, and gDepth is only read by the holder. A second VM (a Worker, possibly
 * on the other core) waits in mcallocSectionBegin() until the first one leaves.
 *
 * Why interrupts cannot stay masked:
 *  - the allocator enters its lock right before a `try` and leaves it in the `finally`
 *    (src/allocator.ts, src/locks/interrupt.ts), so a JavaScript exception inside a masked call still
 *    reaches restore();
 *  - restore() never throws with the section held: xsUnknownError longjmps, so a restore that does not
 *    match (no argument, not a number, not the depth the matching disable() returned) first unmasks
 *    completely, as before the outermost disable(), and then throws;
 *  - nothing here can throw between mcallocSectionBegin() and the return of disable(): setting an
 *    integer result allocates nothing.
 * What remains is a call that never returns (an endless loop in the allocator): see the includer.
 */
#ifndef MCALLOC_IRQ_NEST_H
#define MCALLOC_IRQ_NEST_H

static xsMachine *volatile gOwner = NULL;
static int gDepth = 0;

void xs_mcalloc_irq_disable(xsMachine *the)
{
	if (gOwner != the) {
		mcallocSectionBegin();
		gOwner = the;
		gDepth = 0;
	}
	xsmcSetInteger(xsResult, gDepth);
	gDepth += 1;
}

void xs_mcalloc_irq_restore(xsMachine *the)
{
	int matches = 0;
	if (gOwner != the)
		xsUnknownError("mcalloc: interrupt mask restored by a VM that did not disable it");
	if (xsmcArgc > 0) {
		int type = xsmcTypeOf(xsArg(0));
		// Converting a number cannot throw; anything else might, so it is not converted.
		if ((type == xsIntegerType) || (type == xsNumberType))
			matches = xsmcToNumber(xsArg(0)) == (double)(gDepth - 1);
	}
	if (!matches) {
		gDepth = 0;
		gOwner = NULL;
		mcallocSectionEnd();
		xsUnknownError("mcalloc: interrupt mask restored out of order (interrupts unmasked)");
	}
	gDepth -= 1;
	if (gDepth == 0) {
		gOwner = NULL;
		mcallocSectionEnd();
	}
}

#endif
