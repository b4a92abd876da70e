/*
 * The MPS2 AN385 (Cortex-M3) as QEMU models it, bare metal: the vector table and reset (which copies
 * .data from its load address, zeroes .bss and starts SysTick), a 1 ms tick, the console on CMSDK
 * UART0, the newlib system calls the XS port reaches through printf and malloc, and the exit through
 * semihosting, which QEMU turns into its own exit code.
 */
#include "board.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#define REG(address) (*(volatile uint32_t *)(address))

#define UART0_DATA REG(0x40004000)
#define UART0_STATE REG(0x40004004)
#define UART0_CTRL REG(0x40004008)
#define UART0_BAUDDIV REG(0x40004010)
#define UART_STATE_TX_FULL 1u
#define UART_CTRL_TX_ENABLE 1u

#define SYST_CSR REG(0xE000E010)
#define SYST_RVR REG(0xE000E014)
#define SYST_CVR REG(0xE000E018)
#define SYST_CSR_ON 7u /* enable, interrupt, processor clock */
#define SCB_ICSR REG(0xE000ED04)
#define ICSR_PENDSTSET (1u << 26)

#define TICK_COUNTS (BOARD_CLOCK_HZ / 1000u)

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint8_t __heap_start[], __heap_end[];
extern uint32_t __stack_top[];
extern int main(void);

static volatile uint32_t ticks;

void systick_handler(void)
{
	ticks++;
}

uint32_t board_ms(void)
{
	return ticks;
}

/*
 * The count between ticks makes the clock finer than 1 ms. With interrupts off, a tick that fell due
 * after the counter reloaded shows as a pending SysTick instead, and is added here.
 */
uint64_t board_ns(void)
{
	uint32_t primask;
	__asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask));
	uint32_t t = ticks, v = SYST_CVR;
	if (SCB_ICSR & ICSR_PENDSTSET) {
		t++;
		v = SYST_CVR;
	}
	__asm volatile("msr primask, %0" : : "r"(primask));
	return (uint64_t)t * 1000000u + (uint64_t)(TICK_COUNTS - 1u - v) * BOARD_NS_PER_COUNT;
}

void board_wait(void)
{
	__asm volatile("wfi");
}

static void uart_putc(char c)
{
	while (UART0_STATE & UART_STATE_TX_FULL)
		;
	UART0_DATA = (uint8_t)c;
}

/* The XS port prints trace() through these (the SDK's Zephyr app has them write to its serial FIFO). */
void ESP_putc(int c)
{
	uart_putc((char)c);
}

int ESP_getc(void)
{
	return -1;
}

static int semihost(uint32_t operation, void *block)
{
	register uint32_t r0 __asm("r0") = operation;
	register void *r1 __asm("r1") = block;
	__asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return (int)r0;
}

/* SYS_GET_CMDLINE: the semihosting arguments QEMU was given (arg=...), joined by spaces */
int board_command_line(char *buffer, int size)
{
	uint32_t block[2] = { (uint32_t)buffer, (uint32_t)size };
	return semihost(0x15u, block) == 0 ? (int)block[1] : -1;
}

/* SYS_EXIT_EXTENDED: an "application exit" with its code, which QEMU exits with (SYS_EXIT alone cannot carry it on AArch32) */
void board_exit(int code)
{
	uint32_t block[2] = { 0x20026u /* ADP_Stopped_ApplicationExit */, (uint32_t)code };
	fflush(stdout);
	semihost(0x20u, block);
	for (;;)
		;
}

static void __attribute__((used)) fault_report(const uint32_t *frame)
{
	printf("\nmcu: fault %lu at pc 0x%08lx\n", (unsigned long)(SCB_ICSR & 0x1FFu), (unsigned long)frame[6]);
	board_exit(3);
}

/* naked: the frame the processor stacked is at MSP only before a C prologue pushes more */
static void __attribute__((naked)) fault_handler(void)
{
	__asm volatile("mrs r0, msp\n b fault_report");
}

static void unused_handler(void)
{
	printf("\nmcu: unexpected exception %lu\n", (unsigned long)(SCB_ICSR & 0x1FFu));
	board_exit(3);
}

void reset_handler(void)
{
	for (uint32_t *s = __data_load, *d = __data_start; d < __data_end;)
		*d++ = *s++;
	for (uint32_t *d = __bss_start; d < __bss_end;)
		*d++ = 0;
	UART0_BAUDDIV = 16;
	UART0_CTRL = UART_CTRL_TX_ENABLE;
	/* unbuffered: trace() writes the UART directly, printf must not hold its lines back */
	setvbuf(stdout, NULL, _IONBF, 0);
	SYST_RVR = TICK_COUNTS - 1u;
	SYST_CVR = 0;
	SYST_CSR = SYST_CSR_ON;
	board_exit(main());
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16 + 32])(void) = {
	(void (*)(void))__stack_top,
	reset_handler,
	unused_handler, /* NMI */
	fault_handler, /* HardFault */
	fault_handler, /* MemManage */
	fault_handler, /* BusFault */
	fault_handler, /* UsageFault */
	0, 0, 0, 0,
	unused_handler, /* SVCall */
	unused_handler, /* DebugMonitor */
	0,
	unused_handler, /* PendSV */
	systick_handler,
	[16 ... 16 + 31] = unused_handler,
};

/* newlib's system calls: the console is the only file, the heap is the RAM between .bss and the stack */

void *_sbrk(ptrdiff_t increment)
{
	static uint8_t *brk = __heap_start;
	if (increment > __heap_end - brk) {
		errno = ENOMEM;
		return (void *)-1;
	}
	uint8_t *previous = brk;
	brk += increment;
	return previous;
}

int _write(int fd, const char *buffer, int length)
{
	(void)fd;
	for (int i = 0; i < length; i++)
		uart_putc(buffer[i]);
	return length;
}

int _read(int fd, char *buffer, int length)
{
	(void)fd, (void)buffer, (void)length;
	return 0;
}

int _close(int fd)
{
	(void)fd;
	return -1;
}

int _fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	(void)fd;
	return 1;
}

int _lseek(int fd, int offset, int whence)
{
	(void)fd, (void)offset, (void)whence;
	return 0;
}

void _exit(int code)
{
	board_exit(code);
}

int _kill(int pid, int signal)
{
	(void)pid, (void)signal;
	board_exit(128 + signal);
}

int _getpid(void)
{
	return 1;
}
