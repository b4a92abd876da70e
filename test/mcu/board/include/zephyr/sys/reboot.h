/* Every reboot of the port is a failure (fxAbort, c_exit, c_abort): the board ends the run with exit code 1. */
#ifndef MCU_ZEPHYR_REBOOT_H
#define MCU_ZEPHYR_REBOOT_H

#define SYS_REBOOT_WARM 0
#define SYS_REBOOT_COLD 1

void sys_reboot(int type) __attribute__((noreturn));

#endif
