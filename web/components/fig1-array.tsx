/**
 * The array as in the patent's Fig. 1, as inline SVG (web/ui/fig1-layout.ts places the
 * parts): client server 101, backup server 102, switch 304, storage system 300 with its
 * ports, processors and shared memory 507 (the backup management area 510: 511–517),
 * volumes 601–604 and the tape 303. Each part shows its plain name, then its number. A
 * part lights up while it works (the frame's busy actors); the pair states 516 and 517 are
 * written into their cells. The tall arrangement is used where the panel is narrow.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Actor } from '../../src/array/events.ts';
import { ACTOR_ROLES } from '../ui/actors.ts';
import { tallLayout, wideLayout, type F1Box } from '../ui/fig1-layout.ts';

interface Props {
  busy: readonly Actor[];
  state516: string;
  state517: string;
}

/** Below this width (CSS px) the tall arrangement reads better. */
const TALL_BELOW = 540;
const WIDE = wideLayout(ACTOR_ROLES);
const TALL = tallLayout(ACTOR_ROLES);

function Box({ b, lit, value, diverged }: { b: F1Box; lit: boolean; value?: string; diverged?: boolean }) {
  const name = b.name.split('|');
  const oneLine = b.kind === 'port';
  const small = b.kind === 'cell' || b.kind === 'cmd';
  // Lines: the name (one or two), the number, and for 516/517 the state.
  const lines: { text: string; cls: string; h: number }[] = oneLine
    ? [{ text: `${b.name} ${b.no}`, cls: 'f1-small', h: 13 }]
    : [...name.map((t) => ({ text: t, cls: small ? 'f1-cellname' : 'f1-name', h: small ? 12 : 14 })),
      { text: b.no, cls: 'f1-no', h: 12 },
      ...(value !== undefined ? [{ text: value, cls: 'f1-val', h: 13 }] : [])];
  const total = lines.reduce((a, l) => a + l.h, 0);
  let y = b.y + (b.h - total) / 2;
  const cls = `f1-${b.kind}${lit ? ' lit' : ''}${diverged ? ' diverged' : ''}`;
  return (
    <g class={cls} data-part={b.no} data-lit={lit ? 'yes' : 'no'} data-testid={value !== undefined ? `fig1-${b.no}` : undefined}>
      <rect x={b.x} y={b.y} width={b.w} height={b.h} rx={4} />
      {lines.map((l, i) => {
        y += l.h;
        return <text key={i} class={l.cls} x={b.x + b.w / 2} y={y - 3} text-anchor="middle">{l.text}</text>;
      })}
      <title>{b.title}</title>
    </g>
  );
}

export function Fig1Array({ busy, state516, state517 }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const [tall, setTall] = useState(false);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setTall(el.clientWidth < TALL_BELOW));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const L = tall ? TALL : WIDE;
  const diverged = state516 !== state517;
  const value = (no: string) => (no === '516' ? state516 : no === '517' ? state517 : undefined);
  return (
    <div ref={host} class="fig1-host">
      <svg class="fig1" viewBox={`0 0 ${L.w} ${L.h}`} role="img" data-testid="fig1" data-layout={tall ? 'tall' : 'wide'}
        aria-label={`Fig. 1: the storage system. Pair state P-VOL ${state516}, S-VOL ${state517}. Working: ${busy.join(', ') || 'none'}`}>
        <g class="f1-wire">
          {L.wires.map(([x1, y1, x2, y2], i) => <line key={i} x1={x1} y1={y1} x2={x2} y2={y2} />)}
          <line class="f1-lan" x1={L.lan[0]} y1={L.lan[1]} x2={L.lan[2]} y2={L.lan[3]} />
        </g>
        <rect class="f1-frame" x={L.frame.x} y={L.frame.y} width={L.frame.w} height={L.frame.h} rx={6} />
        <rect class="f1-mem" x={L.mem.x} y={L.mem.y} width={L.mem.w} height={L.mem.h} rx={4} />
        {L.notes.map(([x, y, t, a], i) => <text key={i} class="f1-small" x={x} y={y} text-anchor={a}>{t}</text>)}
        {L.boxes.map((b) => (
          <Box key={b.no} b={b} lit={!!b.lit && busy.includes(b.lit)} value={value(b.no)}
            diverged={value(b.no) !== undefined && diverged} />
        ))}
      </svg>
    </div>
  );
}
