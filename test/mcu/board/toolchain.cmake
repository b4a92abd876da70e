# Cortex-M3, bare metal, newlib-nano: the GNU Arm Embedded toolchain that Debian packages.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# no host-style test executable can link without the board's startup and linker script
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# -fshort-enums everywhere, as the SDK's fragment compiles XS with it: the board's C shares XS's enums.
set(CMAKE_C_FLAGS_INIT "-mcpu=cortex-m3 -mthumb -Os -g -ffunction-sections -fdata-sections -fshort-enums")
set(CMAKE_ASM_FLAGS_INIT "-mcpu=cortex-m3 -mthumb")
# newlib is built with 4-byte enums: nothing passes enums to it, so the size mismatch is not a concern
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mcpu=cortex-m3 -mthumb --specs=nano.specs -nostartfiles -Wl,--gc-sections -Wl,--no-enum-size-warning")

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
