/*
 * The app's one thread, as the SDK's Zephyr app runs it (build/devices/zephyr/app/src/main.c), less
 * the debugger and the reboot into a new machine: the machine's setup imports the main module, then
 * timers and messages (promise jobs among them) are served until none is left. The run then ends
 * with exit code 0; a JS exception nobody catches ends it in fxAbort, with 1, and so does a promise
 * rejected with no handler, when the run is over.
 */
#include "xsAll.h"
#include "mc.xs.h"
#include "xsHosts.h"

#include "board.h"

/* modTimersNext's answer when no timer is scheduled (a timer an hour away or more counts as none) */
#define NO_TIMER (60 * 60 * 1000)

xsMachine *gThe = NULL;

/* xsHost.h declares it only where xs.h came before xsAll.h, which cannot both be included then */
void modMessageService(xsMachine *the, int maxDelayMS);

int main(void)
{
	gThe = modCloneMachine(NULL, NULL);
	if (!gThe) {
		printf("mcu: no XS machine (not enough memory for its creation)\n");
		return 2;
	}
	modRunMachineSetup(gThe);
	for (;;) {
		modTimersExecute();
		int next = modTimersNext();
		if (next >= NO_TIMER && !k_msgq_num_used_get(&gThe->msgQueue))
			break;
		modMessageService(gThe, next);
	}
	/* as xst does at exit: a promise rejected with no handler is a failure too (fxAbort) */
	xsBeginHost(gThe);
	fxCheckUnhandledRejections(gThe, 1);
	xsEndHost(gThe);
	return 0;
}
