/* Heap statistics are not asked for on this board: the stand-in only lets the port include it. */
#include <zephyr/kernel.h>
