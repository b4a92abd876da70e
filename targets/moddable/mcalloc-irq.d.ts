/** Types of mcalloc-irq.js (host functions in mcalloc_irq.c). */
declare module 'mcalloc/irq' {
  /** Masks interrupts; returns the previous nesting depth (0: they were enabled). */
  export function irqDisable(): number;
  /** Puts back the depth irqDisable() returned; interrupts come back on at depth 0. */
  export function irqRestore(state: number): void;
}
