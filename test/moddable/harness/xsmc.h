/*
 * Stand-in for XS's xsmc.h in irq-harness.c: just enough of the machine for mcalloc_irq.c to run
 * outside the SDK. A host function's throw is a longjmp, as in XS, so code after it never runs.
 */
#ifndef MCALLOC_HARNESS_XSMC_H
#define MCALLOC_HARNESS_XSMC_H
#include <setjmp.h>
#include <stddef.h>

enum { xsUndefinedType, xsIntegerType, xsNumberType, xsStringType };
typedef struct { int type; double number; } xsSlot;
typedef struct {
	jmp_buf *catcher;
	const char *error;
	int argc;
	xsSlot args[1];
	xsSlot result;
} xsMachine;

#define xsResult (the->result)
#define xsArg(i) (the->args[i])
#define xsmcArgc (the->argc)
#define xsmcTypeOf(slot) ((slot).type)
#define xsmcToNumber(slot) ((slot).number)
#define xsmcToInteger(slot) ((int)(slot).number)
#define xsmcSetInteger(slot, v) ((slot).type = xsIntegerType, (slot).number = (v))
#define xsUnknownError(message) (the->error = (message), longjmp(*the->catcher, 1))
#endif
