/* The wall clock of the port: the board has no real-time clock, so it starts at 0 (1970) at reset. */
#ifndef MCU_ZEPHYR_CLOCK_H
#define MCU_ZEPHYR_CLOCK_H

#include <time.h>

#define SYS_CLOCK_REALTIME 1

int sys_clock_gettime(int clock_id, struct timespec *ts);
int sys_clock_settime(int clock_id, const struct timespec *ts);

#endif
