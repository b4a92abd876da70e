/* Stub (see ../README.md) of the Arduino core for ESP8266: interrupts() unmasks unconditionally. */
#include <stdint.h>
uint32_t xt_rsil(uint32_t level);
#define noInterrupts() xt_rsil(15)
#define interrupts() xt_rsil(0)
