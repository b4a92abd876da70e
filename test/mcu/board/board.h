/*
 * What the board's C offers the rest of the app: a clock that counts the instructions executed
 * (QEMU's virtual time under -icount shift=0, 1 ns each), its 1 ms tick, a wait for the next
 * interrupt, and through semihosting the command line QEMU was given and the end of the run with an
 * exit code (QEMU exits with it).
 */
#ifndef MCU_BOARD_H
#define MCU_BOARD_H

#include <stdint.h>

/* SysTick counts at the processor clock: 25 MHz, so one count is 40 ns, i.e. 40 instructions */
#define BOARD_CLOCK_HZ 25000000u
#define BOARD_NS_PER_COUNT (1000000000u / BOARD_CLOCK_HZ)

uint64_t board_ns(void);
uint32_t board_ms(void);
void board_wait(void);
/* the length of the command line (NUL-terminated in buffer), or -1 */
int board_command_line(char *buffer, int size);
void board_exit(int code) __attribute__((noreturn));

#endif
