/**
 * Former home of the LU layout, kept only because web/ui/command-bytes.ts imports LUN and
 * DEFAULT_ARRAY_SERIAL from here: the layout now lives in lu-layout.ts, and the stand-in
 * array (memory volumes with a toy synchronous pair) is gone: every runtime answers from
 * the controller (sim-target.ts). Delete this file once that import points at lu-layout.ts.
 */
export { DEFAULT_ARRAY_SERIAL, LUN } from './lu-layout.ts';
