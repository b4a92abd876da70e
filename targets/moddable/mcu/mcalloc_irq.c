/*
 * mcalloc's interrupt mask on the ESP32 family, the ESP8266 and Zephyr boards: Moddable's critical
 * section from the platform's xsHost.h (SDK 8.2.3; xs/platforms/esp for the ESP chips), which differs:
 *  - ESP32, -S2, -S3 (Xtensa): vPortEnterCriticalSafe(&gCriticalMux). From a task, ESP-IDF raises this
 *    core's interrupt level to XCHAL_EXCM_LEVEL (level-1..3 interrupts masked; high-level ones and the
 *    NMI still run) and takes the spinlock gCriticalMux, spinning with no timeout while the other core
 *    holds it.
 *  - ESP32-C3, -C6, -H2 (RISC-V, one core): portENTER_CRITICAL_SAFE(&gCriticalMux), which on a
 *    single-core build ignores the mux and raises the interrupt threshold.
 *  - ESP8266: noInterrupts() (every level masked) and interrupts(), which unmasks unconditionally: it
 *    does not nest, which is why mcalloc_irq_nest.h calls Begin/End only at the outermost level.
 *  - Zephyr (xs/platforms/zephyr/xsHost.h; test:mcu builds for a Cortex-M3 this way): k_sched_lock(),
 *    which keeps other threads (Workers' VMs) off the CPU but masks no interrupt; enough for Moddable,
 *    whose interrupt handlers never run JavaScript.
 * modCriticalSectionDeclare is empty on all of them (checked below), so Begin and End may sit in two
 * host functions. Inside, nothing may block or print (no trace(), printf, UART or mutex).
 *
 * A call that never returns while masked is not recovered: the SDK's sdkconfig.defaults for esp32,
 * esp32c3 and esp32s3 leave both CONFIG_ESP_INT_WDT and CONFIG_ESP_TASK_WDT_EN unset, so no watchdog
 * resets the chip; that core hangs silently, and on a two-core chip the other core hangs too as soon as
 * it enters a critical section on gCriticalMux. (Some boards' own sdkconfig enable the task watchdog;
 * what it does then has not been tried.) Keep masked calls short: TLSF is bounded, a list strategy
 * walks the free list, a reallocate may copy the block.
 */
#include "xsmc.h"
#include "xsHost.h"

#define mcallocSectionBegin() modCriticalSectionBegin()
#define mcallocSectionEnd() modCriticalSectionEnd()

// A non-empty Declare would be a local of one function, which Begin and End in two functions cannot share.
#define mcallocString(...) #__VA_ARGS__
#define mcallocEmpty(...) (sizeof(mcallocString(__VA_ARGS__)) == 1)
_Static_assert(mcallocEmpty(modCriticalSectionDeclare), "modCriticalSectionDeclare is not empty");

#include "../mcalloc_irq_nest.h"
