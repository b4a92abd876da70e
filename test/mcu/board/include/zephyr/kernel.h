/*
 * The part of Zephyr's kernel API that the SDK's Zephyr port of XS calls, for one bare-metal thread:
 * the mutexes have nobody to exclude, a message queue is a ring that only the machine's own thread
 * (and interrupts, with K_NO_WAIT) fills, and a wait is the processor asleep until the 1 ms tick
 * that ends it. Implemented in the board's kernel.c.
 */
#ifndef MCU_ZEPHYR_KERNEL_H
#define MCU_ZEPHYR_KERNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>
#include <zephyr/sys/clock.h>

typedef struct {
	int32_t ms; /* < 0: forever */
} k_timeout_t;

#define Z_TIMEOUT_MS(t) ((k_timeout_t){ .ms = (int32_t)(t) })
#define K_MSEC(t) Z_TIMEOUT_MS(t)
#define K_NO_WAIT Z_TIMEOUT_MS(0)
#define K_FOREVER Z_TIMEOUT_MS(-1)

struct k_mutex {
	int unused;
};
#define k_mutex_init(m) ((void)(m), 0)
#define k_mutex_lock(m, timeout) ((void)(m), 0)
#define k_mutex_unlock(m) ((void)(m), 0)

struct k_msgq {
	uint8_t *buffer;
	size_t msg_size;
	uint32_t max_msgs;
	uint32_t used;
	uint32_t head;
};
int k_msgq_alloc_init(struct k_msgq *q, size_t msg_size, uint32_t max_msgs);
int k_msgq_cleanup(struct k_msgq *q);
int k_msgq_put(struct k_msgq *q, const void *data, k_timeout_t timeout);
int k_msgq_get(struct k_msgq *q, void *data, k_timeout_t timeout);
uint32_t k_msgq_num_used_get(struct k_msgq *q);

struct k_thread;
struct k_thread *k_current_get(void);
#define k_yield() ((void)0)
/* interrupts never touch what these sections guard (the timer list) */
#define k_sched_lock() ((void)0)
#define k_sched_unlock() ((void)0)

int64_t k_uptime_get(void);
int32_t k_msleep(int32_t ms);
int32_t k_usleep(int32_t us);

#define k_malloc malloc
#define k_calloc calloc
#define k_realloc realloc
#define k_free free

#define printk printf

#endif
