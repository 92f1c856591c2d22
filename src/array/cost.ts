/**
 * What a step of the controller costs (the sim's virtual time). The controller asks these
 * functions for each bounded step's duration; the sim runtime builds them from the
 * scenario's bandwidths (src/runtime/cost-model.ts) and the live runtime ignores them,
 * letting the wall clock decide. Times are in ms.
 */
export interface CostModel {
  /** Reading `bytes` from a volume in `ios` separate I/Os (contiguous runs). */
  diskRead(bytes: number, ios: number): number;
  diskWrite(bytes: number, ios: number): number;
  /** Writing `bytes` to tape as `blocks` tape blocks. */
  tape(bytes: number, blocks: number): number;
  /** Moving `bytes` through cache memory (write into a slot, read from one). */
  cache(bytes: number): number;
  /** One command handled by a processor. */
  cmd(): number;
  /** One message between servers over the LAN. */
  lan(): number;
  poll(): number;
}
