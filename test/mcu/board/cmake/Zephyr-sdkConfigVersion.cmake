include(${CMAKE_CURRENT_LIST_DIR}/ZephyrConfigVersion.cmake)
