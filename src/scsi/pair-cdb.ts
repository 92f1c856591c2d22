/**
 * The vendor-specific PAIR OPERATION CDB, accepted only by the pair operation volume 603
 * (docs/patent.md#parts; §0047: a command device). SCSI has no standard command for pair
 * operations, so, like real arrays' command devices, we take an opcode from the vendor
 * range C0h–FFh (SPC-4 4.3.5.1). Bytes are documented in docs/scsi.md "PAIR OPERATION".
 *
 * | byte  | field                                                                 |
 * |-------|-----------------------------------------------------------------------|
 * | 0     | C1h                                                                   |
 * | 1     | bits 3–0 ACTION: 1 create, 2 split, 3 resync, 4 delete, 5 query       |
 * | 2     | PAIR NUMBER (the 512/513 pair; this array has pair 0 only)            |
 * | 3–9   | reserved (must be zero)                                               |
 * | 10–13 | ALLOCATION LENGTH (query only; else must be zero)                     |
 * | 14    | reserved                                                              |
 * | 15    | CONTROL                                                               |
 *
 * Query data-in (8 bytes): 0 pair number; 1 pair state 516 (P-VOL); 2 pair state 517
 * (S-VOL); 3 reserved; 4–7 pending differential blocks in 514.
 */
import { get32, put32 } from './bytes.ts';
import { SENSE, fail } from './sense.ts';

export const PAIR_OPCODE = 0xc1;
export const PAIR_CDB_LENGTH = 16;
export const PAIR_QUERY_LENGTH = 8;

export type PairAction = 'create' | 'split' | 'resync' | 'delete' | 'query';
const ACTIONS: readonly (PairAction | undefined)[] =
  [undefined, 'create', 'split', 'resync', 'delete', 'query'];

/** Pair state codes on the wire (docs/patent.md#pair-states, plus PSUE for suspended). */
export const PAIR_STATE_CODES = {
  simplex: 0, 'duplex-pending': 1, duplex: 2, 'split-pending': 3, split: 4, suspended: 5,
} as const;
export type PairStateName = keyof typeof PAIR_STATE_CODES;

export interface PairCdb {
  readonly op: 'PAIR OPERATION';
  readonly action: PairAction;
  readonly pair: number;
  readonly allocationLength: number;
}

export function encodePairCdb(action: PairAction, pair = 0, allocationLength = 0): Uint8Array {
  const b = new Uint8Array(PAIR_CDB_LENGTH);
  b[0] = PAIR_OPCODE;
  b[1] = ACTIONS.indexOf(action);
  b[2] = pair;
  put32(b, 10, action === 'query' ? (allocationLength || PAIR_QUERY_LENGTH) : 0);
  return b;
}

/** Validates every field: 05/24/00 with the field pointer (docs/scsi.md#sense-codes). */
export function decodePairCdb(cdb: Uint8Array): PairCdb {
  if ((cdb[1]! & 0xf0) !== 0) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 1, bit: 7 });
  const action = ACTIONS[cdb[1]! & 0x0f];
  if (action === undefined) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 1, bit: 3 });
  for (let i = 3; i <= 9; i++) if (cdb[i] !== 0) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: i });
  const allocationLength = get32(cdb, 10);
  if (action !== 'query' && allocationLength !== 0) {
    fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 10 });
  }
  if (cdb[14] !== 0) fail(SENSE.INVALID_FIELD_IN_CDB, { cdb: true, byte: 14 });
  return { op: 'PAIR OPERATION', action, pair: cdb[2]!, allocationLength };
}

export interface PairQuery {
  pair: number;
  pvolState: PairStateName;
  svolState: PairStateName;
  pendingBlocks: number;
}

export function encodePairQuery(q: PairQuery): Uint8Array {
  const b = new Uint8Array(PAIR_QUERY_LENGTH);
  b[0] = q.pair;
  b[1] = PAIR_STATE_CODES[q.pvolState];
  b[2] = PAIR_STATE_CODES[q.svolState];
  put32(b, 4, q.pendingBlocks);
  return b;
}

const NAMES = Object.keys(PAIR_STATE_CODES) as PairStateName[];
export function decodePairQuery(b: Uint8Array): PairQuery {
  const name = (c: number): PairStateName => NAMES[c] ?? 'suspended';
  return { pair: b[0] ?? 0, pvolState: name(b[1] ?? 0), svolState: name(b[2] ?? 0),
    pendingBlocks: get32(b, 4) };
}
