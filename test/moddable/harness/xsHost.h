/*
 * Stand-in for the SDK's xsHost.h in irq-harness.c: the ESP8266's critical section, the one that does
 * not nest (interrupts() unmasks whatever the depth), recorded so the harness can see the mask.
 */
extern int gMasked, gBegins, gNested;
#define modCriticalSectionDeclare
#define modCriticalSectionBegin() (gNested += gMasked, gMasked = 1, gBegins += 1)
#define modCriticalSectionEnd() (gMasked = 0)
