/* Stub (see ../../README.md): xsHost.h includes it; the declarations it uses are in FreeRTOS.h. */
