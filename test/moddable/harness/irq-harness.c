/*
 * Runs mcalloc_irq.c (the file named by -DIRQ_FILE, mcu/ or host/) against the stand-ins in this
 * folder and prints one TAP line per check. With the mcu file the mask is the recorded ESP8266 one
 * (xsHost.h here); with the host file (-DIRQ_HOST) it is the spinlock, and a VM that could not take it
 * again would spin for ever, which the caller's timeout turns into a failure.
 */
#include <stdio.h>
#include <string.h>
#include "xsmc.h"

int gMasked = 0, gBegins = 0, gNested = 0;
#include IRQ_FILE

#ifdef IRQ_HOST
	// The host file's spinlock is its mask; entering it twice would spin, not count.
	#define masked() (gSection != 0)
	#define entered(n) ((void)(n), 1)
#else
	#define masked() gMasked
	#define entered(n) (gBegins == (n))
#endif

static int gCheck = 0, gFailed = 0;
static void check(int ok, const char *what)
{
	gCheck += 1;
	gFailed += !ok;
	printf("%s %d %s\n", ok ? "ok" : "not ok", gCheck, what);
}

/* Calls disable() on a VM; returns the depth it gave back, or -1 if it threw. */
static int disable(xsMachine *the)
{
	jmp_buf catcher;
	the->catcher = &catcher;
	the->error = NULL;
	if (setjmp(catcher))
		return -1;
	xs_mcalloc_irq_disable(the);
	return (int)the->result.number;
}

/* Calls restore() with argc arguments of the given type; returns 1 if it threw (message in the->error). */
static int restore(xsMachine *the, int argc, int type, double state)
{
	jmp_buf catcher;
	the->catcher = &catcher;
	the->error = NULL;
	the->argc = argc;
	the->args[0].type = type;
	the->args[0].number = state;
	if (setjmp(catcher))
		return 1;
	xs_mcalloc_irq_restore(the);
	return 0;
}

#define number(v) 1, xsIntegerType, (v)

int main(void)
{
	xsMachine a = { 0 }, b = { 0 };

	check(disable(&a) == 0 && masked() == 1, "disable returns depth 0 and masks");
	check(disable(&a) == 1 && entered(1) && gNested == 0, "a nested disable returns 1 and does not mask again");
	check(!restore(&a, number(1)) && masked() == 1, "restoring the inner depth keeps the mask");
	check(!restore(&a, number(0)) && masked() == 0, "restoring depth 0 unmasks");

	disable(&a);
	disable(&a);
	check(restore(&a, number(0)) && masked() == 0, "out of order (outer depth first): throws, after unmasking");
	check(restore(&a, number(0)) && strstr(a.error, "did not disable") && masked() == 0, "the outer restore that follows is reported too");

	const double wrong[] = { -1, 5, 0.5 };
	for (int i = 0; i < 3; i++) {
		disable(&a);
		check(restore(&a, number(wrong[i])) && masked() == 0, "negative, beyond the depth or fractional: throws, after unmasking");
	}
	disable(&a);
	check(restore(&a, 0, xsUndefinedType, 0) && masked() == 0, "no argument: throws, after unmasking");
	disable(&a);
	check(restore(&a, 1, xsStringType, 0) && masked() == 0, "a string (not converted, could throw): throws, after unmasking");

	int begins = gBegins;
	check(restore(&a, number(0)) && masked() == 0 && entered(begins), "restore without disable: throws, mask untouched");

	check(disable(&a) == 0, "VM a disables");
	check(restore(&b, number(0)) && masked() == 1, "VM b cannot restore a's mask: throws, a's mask stays");
	check(!restore(&a, number(0)) && masked() == 0, "a restores its own");
	check(disable(&b) == 0 && !restore(&b, number(0)) && masked() == 0, "then b has a depth of its own, from 0");
	check(gNested == 0, "the critical section was never entered twice");

	printf("1..%d\n", gCheck);
	return gFailed != 0;
}
