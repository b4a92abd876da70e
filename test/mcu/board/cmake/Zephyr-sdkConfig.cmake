# The SDK's fragment asks for the Zephyr SDK (its toolchains) first: the board's toolchain file has chosen one.
set(Zephyr-sdk_FOUND TRUE)
