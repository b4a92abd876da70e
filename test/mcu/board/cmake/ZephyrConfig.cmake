# Stands in for the Zephyr CMake package that the SDK's Zephyr build fragment (the CMakeLists mcconfig
# writes for -p zephyr) asks for: its zephyr_library_* calls collect the XS engine, the platform and
# the app's generated sources into one static library, `moddable`, that the board's executable links.
# Zephyr's own flags would come from zephyr_get_*: here the toolchain file has them all.
set(Zephyr_FOUND TRUE)

# Created in the generated CMakeLists' directory, so that its add_custom_command outputs (mc.xs.c,
# mc.devicetree.c, the .xsb modules) are built for the library's sources.
function(_mcu_library)
  if(NOT TARGET moddable)
    add_library(moddable STATIC)
  endif()
endfunction()

function(zephyr_library_sources)
  _mcu_library()
  target_sources(moddable PRIVATE ${ARGN})
endfunction()

function(zephyr_library_include_directories)
  _mcu_library()
  target_include_directories(moddable PUBLIC ${ARGN})
endfunction()

function(zephyr_library_compile_definitions)
  _mcu_library()
  # mcconfig writes them as "-DNAME=VALUE"; the library's users (the board's main) need them too
  foreach(definition ${ARGN})
    string(REGEX REPLACE "^-D" "" definition "${definition}")
    target_compile_definitions(moddable PUBLIC "${definition}")
  endforeach()
endfunction()

function(zephyr_library_compile_options)
  _mcu_library()
  target_compile_options(moddable PRIVATE ${ARGN})
endfunction()

function(zephyr_library_add_dependencies)
  _mcu_library()
  add_dependencies(moddable ${ARGN})
endfunction()

foreach(kind include_directories system_include_directories compile_definitions compile_options)
  cmake_language(EVAL CODE "function(zephyr_get_${kind}_for_lang_as_string lang out)
    set(\${out} \"\" PARENT_SCOPE)
  endfunction()")
endforeach()
