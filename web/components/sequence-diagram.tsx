/**
 * The event log drawn as a sequence diagram (the timeline): one lane per actor and
 * processor, time flowing down, as in the patent's Figs. 4, 6, 9 and 11. One row per
 * event; an event with a receiver (SimEvent.to) is an arrow between lanes.
 *
 * Virtualised, because logs run long: only the rows inside the scrolled window are drawn,
 * so a log of 100 000 events costs the same as one of 50. Rows at or before the playhead
 * are solid, later ones faded; clicking a row seeks there.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Actor, SimEvent } from '../../src/array/events.ts';
import { ACTOR_NAMES, LANES } from '../ui/actors.ts';
import { lastEventAtOrBefore } from '../ui/seek.ts';

const ROW = 20;
const TIME_COL = 54;
const LANE_W = 58;
const HEAD = 34;
const WIDTH = TIME_COL + LANES.length * LANE_W;

const laneX = (a: Actor) => TIME_COL + LANES.indexOf(a) * LANE_W + LANE_W / 2;

function detailText(e: SimEvent): string {
  if (!e.detail) return '';
  return Object.entries(e.detail).map(([k, v]) => `${k}=${v}`).join(' ');
}

interface Props {
  events: readonly SimEvent[];
  /** Playhead time (ms). */
  time: number;
  /** Keep the playhead row in view (while playing or stepping). */
  follow: boolean;
  onSeek: (t: number) => void;
  /** Digest of the whole log, exposed for tests comparing two pages' timelines. */
  digest?: string;
}

export function SequenceDiagram({ events, time, follow, onSeek, digest }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [viewH, setViewH] = useState(400);
  const current = lastEventAtOrBefore(events, time);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewH(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Follow the playhead: scroll only when it leaves the window, so the view does not jump.
  useEffect(() => {
    const el = box.current;
    if (!el || !follow || current < 0) return;
    const y = current * ROW;
    if (y < el.scrollTop || y > el.scrollTop + el.clientHeight - HEAD - ROW * 2) {
      el.scrollTop = Math.max(0, y - (el.clientHeight - HEAD) / 2);
    }
  }, [current, follow]);

  const first = Math.max(0, Math.floor(scroll / ROW) - 4);
  const last = Math.min(events.length, Math.ceil((scroll + viewH) / ROW) + 4);
  const rows = [];
  for (let i = first; i < last; i++) {
    const e = events[i];
    const y = i * ROW + ROW / 2;
    const past = i <= current;
    const x1 = laneX(e.actor);
    const cls = `seq-row${past ? ' past' : ''}${i === current ? ' now' : ''}`;
    const label = `${e.ev} ${detailText(e)}`.trim();
    rows.push(
      <g key={i} class={cls} onClick={() => onSeek(e.t)} data-ev={e.ev}>
        <rect class="seq-hit" x={0} y={i * ROW} width={WIDTH} height={ROW} />
        <text class="seq-time" x={TIME_COL - 6} y={y + 4} text-anchor="end">{e.t.toFixed(3)}</text>
        {e.to && e.to !== e.actor ? (
          <ArrowRow x1={x1} x2={laneX(e.to)} y={y} label={label} />
        ) : (
          <g>
            <circle class="seq-dot" cx={x1} cy={y} r={4} />
            <text class="seq-label" x={x1 + 8} y={y + 4}>{label}</text>
          </g>
        )}
        <title>{`${e.t} ms — ${e.actor} ${ACTOR_NAMES[e.actor]}${e.to ? ` → ${e.to}` : ''}: ${label}`}</title>
      </g>,
    );
  }
  const height = Math.max(events.length * ROW, ROW);

  return (
    <div class="seq" data-testid="sequence" data-digest={digest ?? ''} data-events={events.length}>
      <svg class="seq-head" width={WIDTH} height={HEAD} role="presentation">
        <text class="seq-time" x={TIME_COL - 6} y={21} text-anchor="end">t (ms)</text>
        {LANES.map((a) => (
          <g key={a}>
            <text class="seq-lane-no" x={laneX(a)} y={14} text-anchor="middle">{a}</text>
            <text class="seq-lane-name" x={laneX(a)} y={28} text-anchor="middle">{ACTOR_NAMES[a]}</text>
          </g>
        ))}
      </svg>
      <div class="seq-scroll" ref={box} onScroll={(ev) => setScroll((ev.currentTarget as HTMLDivElement).scrollTop)}
        tabIndex={0} aria-label={`Sequence diagram, ${events.length} events`}>
        <svg width={WIDTH} height={height} role="img" aria-label="event rows">
          {LANES.map((a) => (
            <line key={a} class="seq-lifeline" x1={laneX(a)} x2={laneX(a)} y1={0} y2={height} />
          ))}
          {rows}
          {current >= 0 && (
            <line class="seq-playhead" x1={0} x2={WIDTH} y1={(current + 1) * ROW} y2={(current + 1) * ROW} />
          )}
        </svg>
        {events.length === 0 && <p class="seq-empty">No events yet.</p>}
      </div>
    </div>
  );
}

function ArrowRow({ x1, x2, y, label }: { x1: number; x2: number; y: number; label: string }) {
  const dir = x2 > x1 ? 1 : -1;
  const tip = x2 - dir * 2;
  const labelX = Math.min(x1, x2) + 6;
  return (
    <g>
      <line class="seq-arrow" x1={x1} y1={y} x2={tip} y2={y} />
      <path class="seq-arrowhead" d={`M${tip},${y} l${-dir * 7},-4 l0,8 z`} />
      <text class="seq-label" x={labelX} y={y - 3}>{label}</text>
    </g>
  );
}
