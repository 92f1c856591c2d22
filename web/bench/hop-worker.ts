/**
 * The limit of a hop between two workers (docs/live.md#what-the-benchmark-shows): a round
 * trip worker → worker → worker through a word of shared memory, each side sleeping in
 * Atomics.wait and woken by Atomics.notify, as the servers and the array are. One worker
 * echoes, the other times each trip.
 */
export interface HopRequest { role: 'ping' | 'echo'; words: Int32Array; trips: number }

const PING = 0, PONG = 1, STOP = 2;

self.onmessage = (e: MessageEvent<HopRequest>) => {
  const { role, words: w, trips } = e.data;
  if (role === 'echo') {
    let seen = 0;
    while (Atomics.load(w, STOP) === 0) {
      Atomics.wait(w, PING, seen, 100);
      const v = Atomics.load(w, PING);
      if (v === seen) continue;
      seen = v;
      Atomics.store(w, PONG, v);
      Atomics.notify(w, PONG);
    }
    postMessage({ ms: [] });
    return;
  }
  const ms: number[] = [];
  for (let i = 1; i <= trips; i++) {
    const t0 = performance.now();
    Atomics.store(w, PING, i);
    Atomics.notify(w, PING);
    while (Atomics.load(w, PONG) !== i) Atomics.wait(w, PONG, i - 1, 100);
    ms.push(performance.now() - t0);
  }
  Atomics.store(w, STOP, 1);
  Atomics.notify(w, PING);
  postMessage({ ms });
};
