/* Stub (see ../README.md): only what xsHost.h names. */
#include <stdint.h>
typedef struct { uint32_t size; } esp_partition_t;
