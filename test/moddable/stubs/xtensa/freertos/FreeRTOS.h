/* Stub (see ../../README.md) of ESP-IDF v5's Xtensa portmacro.h: the critical section is a function. */
#include <stdint.h>
typedef struct { uint32_t owner; uint32_t count; } portMUX_TYPE;
void vPortEnterCriticalSafe(portMUX_TYPE *mux);
void vPortExitCriticalSafe(portMUX_TYPE *mux);
