/**
 * The one small bridge to the sim worker (one small bridge per worker, as in Squoosh). The page
 * never runs the sim itself, so it never blocks. Seeks are coalesced: while one frame is
 * being computed, only the newest requested time is kept, so scrubbing fast never queues
 * up stale work.
 */
import * as Comlink from 'comlink';
import type { SimService } from './sim-worker.ts';
import type { FrameView } from './view-model.ts';

export class SimBridge {
  private worker: Worker;
  readonly api: Comlink.Remote<SimService>;
  private inFlight = false;
  private pending: { t: number; resolve: (f: FrameView | null) => void } | null = null;

  constructor() {
    this.worker = new Worker(new URL('./sim-worker.ts', import.meta.url), { type: 'module', name: 'sim' });
    this.api = Comlink.wrap<SimService>(this.worker);
  }

  /** The frame at time t, or null if a newer request superseded this one. */
  frameAt(t: number): Promise<FrameView | null> {
    return new Promise((resolve) => {
      if (this.pending) this.pending.resolve(null);
      this.pending = { t, resolve };
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.inFlight || !this.pending) return;
    const { t, resolve } = this.pending;
    this.pending = null;
    this.inFlight = true;
    try {
      resolve(await this.api.frameAt(t));
    } catch {
      resolve(null);
    } finally {
      this.inFlight = false;
      void this.pump();
    }
  }

  terminate(): void {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
