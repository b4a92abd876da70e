/* Zephyr declares this in kernel.h's company: so does the stand-in. */
#include <zephyr/kernel.h>
