/*
 * Stub (see ../../README.md) of ESP-IDF v5's RISC-V portmacro.h on a single core: the SAFE macros are
 * statement expressions that ignore the mux; there is no vPortEnterCriticalSafe.
 */
#include <stdint.h>
typedef struct { uint32_t owner; uint32_t count; } portMUX_TYPE;
int xPortInIsrContext(void);
void vPortEnterCritical(void);
void vPortExitCritical(void);
#define portENTER_CRITICAL(mux) {(void)mux; vPortEnterCritical();}
#define portEXIT_CRITICAL(mux) {(void)mux; vPortExitCritical();}
#define portENTER_CRITICAL_SAFE(mux) ({ if (xPortInIsrContext()) { portENTER_CRITICAL(mux); } else { portENTER_CRITICAL(mux); } })
#define portEXIT_CRITICAL_SAFE(mux) ({ if (xPortInIsrContext()) { portEXIT_CRITICAL(mux); } else { portEXIT_CRITICAL(mux); } })
