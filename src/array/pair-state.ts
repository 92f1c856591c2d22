/**
 * Pair states and the pair command rules (docs/patent.md#pair-states, §0018–0024). 516 is the
 * state seen from the P-VOL, 517 from the S-VOL; after a quick split 516 says split while 517
 * stays split-pending until 514 is empty. Codes match the wire (src/scsi/pair-cdb.ts).
 */
export const PAIR_STATES = ['simplex', 'duplex-pending', 'duplex', 'split-pending', 'split', 'suspended'] as const;
export type PairState = (typeof PAIR_STATES)[number];
export const PS = {
  SIMPLEX: 0, DUPLEX_PENDING: 1, DUPLEX: 2, SPLIT_PENDING: 3, SPLIT: 4, SUSPENDED: 5,
} as const;

export type PairOp = 'create' | 'split' | 'resync' | 'delete';

export type PairResult = { ok: true; p516: PairState; s517: PairState } | { ok: false; reason: string };

/**
 * Why `op` is refused in state 516 = p, or null if it is allowed. `backupActive`: a backup
 * is reading the S-VOL, so nothing may change the S-VOL image under it.
 */
export function refusal(op: PairOp, p: number, backupActive: boolean): string | null {
  const name = PAIR_STATES[p];
  switch (op) {
    case 'create':
      return p === PS.SIMPLEX ? null : `create refused: a pair already exists (state ${name})`;
    case 'split':
      if (p === PS.DUPLEX || p === PS.DUPLEX_PENDING) return null;
      if (p === PS.SIMPLEX) return 'split refused: no pair (state simplex)';
      if (p === PS.SPLIT) return 'split refused: the pair is already split';
      return `split refused: the pair is ${name}; resync it first`;
    case 'resync':
      if (backupActive) return 'resync refused: a backup is reading the S-VOL';
      if (p === PS.SPLIT || p === PS.SUSPENDED) return null;
      if (p === PS.SIMPLEX) return 'resync refused: no pair (state simplex)';
      return `resync refused: the pair is not split (state ${name})`;
    case 'delete':
      if (backupActive) return 'delete refused: a backup is reading the S-VOL';
      return p === PS.SIMPLEX ? 'delete refused: no pair (state simplex)' : null;
  }
}

/** Whether client writes must go to the post-split bitmap (the S-VOL is frozen). */
export function isSplitSide(p: number): boolean {
  return p === PS.SPLIT || p === PS.SUSPENDED;
}

/**
 * Why 508 suspended the pair (PSUE, docs/patent.md#pair-states), word W.SUSPEND_CAUSE: a
 * copy could not read the P-VOL side or write the S-VOL, or a destage could not write the
 * P-VOL. A suspended pair keeps taking client writes (in the post-split bitmap) and its
 * S-VOL is no image of any instant; only a resync, which copies everything, recovers it.
 */
export const SUSPEND_CAUSES = ['', 'P-VOL read error', 'P-VOL write error', 'S-VOL read error', 'S-VOL write error'] as const;

/** The cause code of an I/O that failed on a volume. */
export function suspendCause(volume: 'pvol' | 'svol', op: string): number {
  return SUSPEND_CAUSES.indexOf(`${volume === 'pvol' ? 'P' : 'S'}-VOL ${op === 'write' ? 'write' : 'read'} error`);
}

/** The reason a suspended pair shows, e.g. "S-VOL write error at LBA 18"; '' when none. */
export function suspendReason(cause: number, lba: number): string {
  const c = SUSPEND_CAUSES[cause];
  return c ? `${c} at LBA ${lba}` : '';
}
