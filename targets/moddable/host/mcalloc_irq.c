/*
 * mcalloc's interrupt mask in the Moddable desktop simulator (lin, mac, win): there are no interrupts
 * to mask, but Workers are threads, so a spinlock stands in for the device's critical section and the
 * depth is kept and checked exactly as on the device (mcalloc_irq_nest.h): an unpaired or out-of-order
 * restore fails here first, and interrupts (here: the spinlock) are released before it throws.
 */
#include "xsmc.h"

#ifdef _MSC_VER
	#include <windows.h>
	static volatile LONG gSection = 0;
	#define mcallocSectionBegin() do { } while (InterlockedCompareExchange(&gSection, 1, 0) != 0)
	#define mcallocSectionEnd() InterlockedExchange(&gSection, 0)
#else
	static int gSection = 0;
	#define mcallocSectionBegin() do { } while (__atomic_exchange_n(&gSection, 1, __ATOMIC_ACQUIRE) != 0)
	#define mcallocSectionEnd() __atomic_store_n(&gSection, 0, __ATOMIC_RELEASE)
#endif

#include "../mcalloc_irq_nest.h"
