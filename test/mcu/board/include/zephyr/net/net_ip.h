/* The port's htonl and ntohl: the Cortex-M3 here is little-endian. */
#ifndef MCU_ZEPHYR_NET_IP_H
#define MCU_ZEPHYR_NET_IP_H

#define htonl(x) __builtin_bswap32(x)
#define ntohl(x) __builtin_bswap32(x)
#define htons(x) __builtin_bswap16(x)
#define ntohs(x) __builtin_bswap16(x)

#endif
