/*
 * The Zephyr kernel services of include/zephyr/kernel.h for the one thread that runs the XS machine.
 * A put to a full queue cannot wait for a reader (there is no other thread): it fails at once, as
 * Zephyr's does with K_NO_WAIT.
 */
#include <zephyr/kernel.h>
#include <zephyr/drivers/hwinfo.h>
#include <zephyr/sys/reboot.h>
#include <string.h>

#include "board.h"

int k_msgq_alloc_init(struct k_msgq *q, size_t msg_size, uint32_t max_msgs)
{
	q->buffer = malloc(msg_size * max_msgs);
	if (!q->buffer)
		return -ENOMEM;
	q->msg_size = msg_size;
	q->max_msgs = max_msgs;
	q->used = q->head = 0;
	return 0;
}

int k_msgq_cleanup(struct k_msgq *q)
{
	free(q->buffer);
	q->buffer = NULL;
	return 0;
}

static void irq_off(uint32_t *primask)
{
	__asm volatile("mrs %0, primask\n cpsid i" : "=r"(*primask));
}

static void irq_restore(uint32_t primask)
{
	__asm volatile("msr primask, %0" : : "r"(primask));
}

int k_msgq_put(struct k_msgq *q, const void *data, k_timeout_t timeout)
{
	uint32_t primask;
	int result = -ENOMSG;
	(void)timeout;
	irq_off(&primask);
	if (q->used < q->max_msgs) {
		uint32_t tail = (q->head + q->used) % q->max_msgs;
		memcpy(q->buffer + tail * q->msg_size, data, q->msg_size);
		q->used++;
		result = 0;
	}
	irq_restore(primask);
	return result;
}

/* Waits (asleep between interrupts) for a message as long as the timeout says. */
int k_msgq_get(struct k_msgq *q, void *data, k_timeout_t timeout)
{
	uint32_t start = board_ms();
	for (;;) {
		uint32_t primask;
		irq_off(&primask);
		if (q->used) {
			memcpy(data, q->buffer + q->head * q->msg_size, q->msg_size);
			q->head = (q->head + 1) % q->max_msgs;
			q->used--;
			irq_restore(primask);
			return 0;
		}
		if (timeout.ms >= 0 && board_ms() - start >= (uint32_t)timeout.ms) {
			irq_restore(primask);
			return timeout.ms ? -EAGAIN : -ENOMSG;
		}
		/* wfi with interrupts masked still wakes on one: no tick is lost between the test and the sleep */
		board_wait();
		irq_restore(primask);
	}
}

uint32_t k_msgq_num_used_get(struct k_msgq *q)
{
	return q->used;
}

struct k_thread *k_current_get(void)
{
	static int the_thread;
	return (struct k_thread *)&the_thread;
}

int64_t k_uptime_get(void)
{
	return board_ms();
}

int32_t k_msleep(int32_t ms)
{
	uint32_t start = board_ms();
	while (board_ms() - start < (uint32_t)ms)
		board_wait();
	return 0;
}

int32_t k_usleep(int32_t us)
{
	uint64_t end = board_ns() + (uint64_t)us * 1000u;
	while (board_ns() < end)
		;
	return 0;
}

int sys_clock_gettime(int clock_id, struct timespec *ts)
{
	uint64_t now = board_ns();
	(void)clock_id;
	ts->tv_sec = (time_t)(now / 1000000000u);
	ts->tv_nsec = (long)(now % 1000000000u);
	return 0;
}

int sys_clock_settime(int clock_id, const struct timespec *ts)
{
	(void)clock_id, (void)ts;
	return -ENOSYS;
}

ssize_t hwinfo_get_device_id(uint8_t *buffer, size_t length)
{
	(void)buffer, (void)length;
	return -ENOSYS;
}

void sys_reboot(int type)
{
	(void)type;
	printf("\n"); /* fxAbort's line has no end */
	board_exit(1);
}
