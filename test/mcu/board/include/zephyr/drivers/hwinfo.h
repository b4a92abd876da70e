/* No unique id on the board: the port then names the device without one. */
#ifndef MCU_ZEPHYR_HWINFO_H
#define MCU_ZEPHYR_HWINFO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

ssize_t hwinfo_get_device_id(uint8_t *buffer, size_t length);

#endif
