/*
 * The board's measurements for an app's JS (mcu-host.c): the XS heap as test:moddable's desktop app
 * reads it (a full collection, then the slots and chunk bytes in use), the instructions executed so
 * far (40 at a time), the engine's slot and pointer sizes, the arguments of the run (runMcu's args,
 * joined by spaces) and the end of the run with an exit code.
 */
function gc() @ "xs_mcu_gc";
function slots() @ "xs_mcu_slots";
function chunks() @ "xs_mcu_chunks";
function instructions() @ "xs_mcu_instructions";
function slotSize() @ "xs_mcu_slot_size";
function pointerSize() @ "xs_mcu_pointer_size";
function args() @ "xs_mcu_args";
function exit(code) @ "xs_mcu_exit";

export { gc, slots, chunks, instructions, slotSize, pointerSize, args, exit };
