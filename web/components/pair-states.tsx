/**
 * The pair's two state words (docs/patent.md#pair-states): 516 as the P-VOL side sees it,
 * 517 as the S-VOL side does. After a quick split they differ (split / split-pending) until
 * the S-VOL has every pre-split update; the boxes then turn orange and say why.
 */
export function PairStates({ p516, s517 }: { p516: string; s517: string }) {
  const diverged = p516 !== s517 && p516 !== '…';
  return (
    <div class="pair-states-wrap">
      <div class="pair-states" data-testid="pair-states" data-diverged={String(diverged)}>
        <div class="pair-state" data-diverged={String(diverged)}>
          Pair state, P-VOL side <span class="ref">516</span> <b data-testid="state-516">{p516}</b>
        </div>
        <div class="pair-state" data-diverged={String(diverged)}>
          Pair state, S-VOL side <span class="ref">517</span> <b data-testid="state-517">{s517}</b>
        </div>
      </div>
      <p class="pair-note" data-testid="pair-note" data-diverged={String(diverged)}>
        {diverged ? 'They differ: the split was answered, but the S-VOL still waits for updates from before it.' : 'Both sides agree.'}
      </p>
    </div>
  );
}
