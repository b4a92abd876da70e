/*
 * The native half of the interrupt lock: host functions implemented in mcalloc_irq.c (mcu/ on esp32
 * and esp, host/ on lin, mac and win). `@ "name"` is XS's host-function syntax, compiled by xsc only;
 * Node and tsc never read this file (mcalloc-irq.d.ts gives its types). Defining host functions is
 * allowed in a preloaded module; calling them is not, and nothing here calls them at load time.
 */

/** Masks interrupts; returns the previous nesting depth (0: they were enabled). */
export function irqDisable() @ "xs_mcalloc_irq_disable";

/** Puts back the depth irqDisable() returned; interrupts come back on at depth 0. */
export function irqRestore(state) @ "xs_mcalloc_irq_restore";
