/**
 * The event log drawn as a sequence diagram: one lane per server, processor and device,
 * time flowing down, as in the patent's Figs. 4, 6, 9 and 11. One row per event, in plain
 * words (web/ui/event-text.ts; the machine form is in the tooltip); an event with a
 * receiver is an arrow between lanes. The lanes fit the panel's width; a label that would
 * run past the edge is placed on the other side of its lane, or shortened with "…".
 *
 * Virtualised: only the rows inside the scrolled window are drawn, so a log of 100 000
 * events costs the same as one of 50. Rows at or before the playhead are solid, later ones
 * faded; clicking a row seeks there. Marked rows (a mode's key moment, a bad block's read)
 * carry a band and a sign.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Actor, SimEvent } from '../../src/array/events.ts';
import { ACTOR_LABELS, ACTOR_NAMES, ACTOR_TINY, LANES } from '../ui/actors.ts';
import { eventText, rawText } from '../ui/event-text.ts';
import { fitLabel, laneWidth, LABEL_FONT } from '../ui/seq-layout.ts';
import { lastEventAtOrBefore } from '../ui/seek.ts';

const ROW = 20;
const TIME_COL = 46;
const HEAD = 42;

export interface SeqMark { index: number; kind: 'key' | 'bad'; label: string }

interface Props {
  events: readonly SimEvent[];
  /** Playhead time (ms). */
  time: number;
  /** Keep the playhead row in view (while playing or stepping). */
  follow: boolean;
  onSeek: (t: number) => void;
  /** Digest of the whole log, exposed for tests comparing two pages' timelines. */
  digest?: string;
  /** 'simulated ms' or 'wall-clock ms'. */
  unit: string;
  marks?: readonly SeqMark[];
  /** The row the tour's step is about (lit, and kept in view). */
  focusRow?: number | null;
}

let measureCtx: CanvasRenderingContext2D | null | undefined;
/** Width of a label in the diagram's font (canvas metrics; a fair estimate without a canvas). */
function textWidth(s: string): number {
  if (measureCtx === undefined) {
    measureCtx = document.createElement('canvas').getContext('2d');
    if (measureCtx) measureCtx.font = LABEL_FONT;
  }
  return measureCtx ? measureCtx.measureText(s).width : s.length * 6.2;
}

export function SequenceDiagram({ events, time, follow, onSeek, digest, unit, marks = [], focusRow = null }: Props) {
  const outer = useRef<HTMLDivElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [viewH, setViewH] = useState(400);
  const [avail, setAvail] = useState(600);
  const current = lastEventAtOrBefore(events, time);
  const laneW = laneWidth(avail - 2, TIME_COL, LANES.length);
  const width = TIME_COL + LANES.length * laneW;
  const laneX = (a: Actor) => TIME_COL + LANES.indexOf(a) * laneW + laneW / 2;
  const overflow = width > avail - 2;

  useEffect(() => {
    const el = box.current, o = outer.current;
    if (!el || !o) return;
    const ro = new ResizeObserver(() => { setViewH(el.clientHeight); setAvail(o.clientWidth); });
    ro.observe(el);
    ro.observe(o);
    return () => ro.disconnect();
  }, []);

  // Follow the playhead (or the tour's row): scroll only when it leaves the window, so the view does not jump.
  useEffect(() => {
    const el = box.current;
    const row = focusRow ?? current;
    if (!el || !follow || row < 0) return;
    const y = row * ROW;
    if (y < el.scrollTop || y > el.scrollTop + el.clientHeight - ROW * 2) {
      el.scrollTop = Math.max(0, y - el.clientHeight / 2);
    }
  }, [current, follow, focusRow]);

  // One mark a row: the first given wins (a key moment that is also a bad read stays the key moment).
  const markOf = new Map<number, SeqMark>();
  for (const m of marks) if (!markOf.has(m.index)) markOf.set(m.index, m);
  const first = Math.max(0, Math.floor(scroll / ROW) - 4);
  const last = Math.min(events.length, Math.ceil((scroll + viewH) / ROW) + 4);
  const rows = [];
  for (let i = first; i < last; i++) {
    const e = events[i];
    const y = i * ROW + ROW / 2;
    const mark = markOf.get(i);
    const x1 = laneX(e.actor);
    const cls = `seq-row${i <= current ? ' past' : ''}${i === current ? ' now' : ''}`;
    const text = eventText(e);
    const arrow = !!e.to && e.to !== e.actor;
    const x2 = arrow ? laneX(e.to!) : x1;
    const lab = fitLabel(text, textWidth, { x1, x2, arrow, left: TIME_COL + 2, right: width - 2 });
    rows.push(
      <g key={i} class={cls} onClick={() => onSeek(e.t)} data-ev={e.ev} data-mark={mark?.kind} data-focus={i === focusRow ? '' : undefined}>
        <rect class={`seq-hit${mark ? ` seq-mark ${mark.kind}` : ''}`} x={0} y={i * ROW} width={width} height={ROW} />
        {mark && <rect class={`seq-flag ${mark.kind}`} x={0} y={i * ROW} width={4} height={ROW} />}
        <text class="seq-time" x={TIME_COL - 5} y={y + 4} text-anchor="end">{e.t.toFixed(3)}</text>
        {arrow ? (
          <g>
            <line class="seq-arrow" x1={x1} y1={y + 2} x2={x2 - Math.sign(x2 - x1) * 2} y2={y + 2} />
            <path class="seq-arrowhead" d={`M${x2 - Math.sign(x2 - x1) * 2},${y + 2} l${-Math.sign(x2 - x1) * 7},-4 l0,8 z`} />
          </g>
        ) : <circle class="seq-dot" cx={x1} cy={y} r={4} />}
        <text class="seq-label" x={lab.x} y={arrow ? y - 2 : y + 4} text-anchor={lab.anchor}>{lab.text}</text>
        <title>{`${e.t.toFixed(3)} ${unit} — ${ACTOR_LABELS[e.actor]}${arrow ? ` → ${ACTOR_LABELS[e.to!]}` : ''}: ${text}${mark ? ` — ${mark.label}` : ''} [${rawText(e)}]`}</title>
      </g>,
    );
  }
  const height = Math.max(events.length * ROW, ROW);

  return (
    <div class="seq" ref={outer} data-testid="sequence" data-digest={digest ?? ''} data-events={events.length} data-overflow={String(overflow)}>
      {overflow && <p class="seq-hint">Scroll sideways for all {LANES.length} lanes →</p>}
      <div class="seq-inner" style={{ width: `${width}px` }}>
        <svg class="seq-head" width={width} height={HEAD} role="presentation">
          <text class="seq-time" x={TIME_COL - 5} y={24} text-anchor="end">t</text>
          <text class="seq-time" x={TIME_COL - 5} y={36} text-anchor="end">{unit === 'simulated ms' ? 'sim ms' : 'wall ms'}</text>
          {LANES.map((a) => (
            <g key={a}>
              <title>{ACTOR_LABELS[a]}</title>
              {(laneW < 48 ? ACTOR_TINY : ACTOR_NAMES)[a].split(' ').map((w, k, all) => (
                <text key={k} class={`seq-lane-name${laneW < 48 ? ' tiny' : ''}`} x={laneX(a)} y={(all.length === 1 ? 22 : 11) + k * 11} text-anchor="middle">{w}</text>
              ))}
              <text class="seq-lane-no" x={laneX(a)} y={36} text-anchor="middle">{a}</text>
            </g>
          ))}
        </svg>
        <div class="seq-scroll" ref={box} onScroll={(ev) => setScroll((ev.currentTarget as HTMLDivElement).scrollTop)}
          tabIndex={0} aria-label={`Sequence diagram, ${events.length} events`}>
          <svg width={width} height={height} role="img" aria-label="event rows">
            {LANES.map((a) => (
              <line key={a} class="seq-lifeline" x1={laneX(a)} x2={laneX(a)} y1={0} y2={height} />
            ))}
            {rows}
            {current >= 0 && (
              <line class="seq-playhead" x1={0} x2={width} y1={(current + 1) * ROW} y2={(current + 1) * ROW} />
            )}
          </svg>
          {events.length === 0 && <p class="seq-empty">No events yet.</p>}
        </div>
      </div>
    </div>
  );
}
