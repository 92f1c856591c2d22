/**
 * The array as in the patent's Fig. 1 (docs/patent.md#parts), as inline SVG: client server
 * 101, backup server 102, switch 304, storage system 300 with controller 301 (ports
 * 401–403, processors 501/502/503/508, shared memory 507 holding the backup management
 * area 510: 511–517), volumes 601–604, and the tape 303. A part lights up while it works
 * (the frame's busy actors); the pair states 516 and 517 are written into 507.
 */
import type { Actor } from '../../src/array/events.ts';
import { ACTOR_ROLES } from '../ui/actors.ts';

interface Props {
  busy: readonly Actor[];
  state516: string;
  state517: string;
}

interface BoxProps {
  x: number; y: number; w: number; h: number;
  no: string; name: string; lit?: boolean; kind?: string; title?: string;
}

function Box({ x, y, w, h, no, name, lit, kind = 'part', title }: BoxProps) {
  return (
    <g class={`f1-${kind}${lit ? ' lit' : ''}`} data-part={no} data-lit={lit ? 'yes' : 'no'}>
      <rect x={x} y={y} width={w} height={h} rx={4} />
      <text class="f1-no" x={x + w / 2} y={y + h / 2 - 2} text-anchor="middle">{no}</text>
      <text class="f1-name" x={x + w / 2} y={y + h / 2 + 11} text-anchor="middle">{name}</text>
      {title && <title>{title}</title>}
    </g>
  );
}

export function Fig1Array({ busy, state516, state517 }: Props) {
  const on = (a: Actor) => busy.includes(a);
  const role = (a: Actor) => ACTOR_ROLES[a];
  const diverged = state516 !== state517;
  return (
    <svg class="fig1" viewBox="0 0 640 430" role="img" data-testid="fig1"
      aria-label={`Fig. 1: the storage system. Pair state P-VOL ${state516}, S-VOL ${state517}. Working: ${busy.join(', ') || 'none'}`}>
      {/* wires first, so boxes sit on top */}
      <g class="f1-wire">
        <line x1={110} y1={70} x2={290} y2={100} />
        <line x1={530} y1={70} x2={350} y2={100} />
        <line x1={290} y1={128} x2={85} y2={168} />
        <line x1={310} y1={128} x2={205} y2={168} />
        <line x1={330} y1={128} x2={325} y2={168} />
        <line x1={370} y1={128} x2={565} y2={215} />
        <line class="f1-lan" x1={200} y1={40} x2={440} y2={40} />
      </g>
      <text class="f1-small" x={320} y={34} text-anchor="middle">LAN (backup software 105 ↔ 106)</text>

      <Box x={20} y={10} w={180} h={60} no="101" name="client server" lit={on('101')} kind="server" title={role('101')} />
      <Box x={440} y={10} w={180} h={60} no="102" name="backup server" lit={on('102')} kind="server" title={role('102')} />
      <Box x={250} y={98} w={140} h={30} no="304" name="" kind="switch" title="switch 304: routes server, controller and tape paths" />
      <text class="f1-small" x={320} y={123} text-anchor="middle">switch</text>

      <g class="f1-frame">
        <rect x={14} y={150} width={472} height={272} rx={6} />
        <text class="f1-small" x={22} y={416}>300 storage system · 301 controller · 302 storage devices</text>
      </g>
      <Box x={40} y={168} w={90} h={22} no="401" name="" lit={on('501')} kind="port" title="channel port 401 (client server side)" />
      <Box x={160} y={168} w={90} h={22} no="402" name="" lit={on('502')} kind="port" title="channel port 402 (backup server side)" />
      <Box x={280} y={168} w={90} h={22} no="403" name="" lit={on('503')} kind="port" title="channel port 403 (backup server side, §0027)" />

      <Box x={40} y={198} w={90} h={40} no="501" name="channel proc." lit={on('501')} kind="proc" title={role('501')} />
      <Box x={160} y={198} w={90} h={40} no="502" name="channel proc." lit={on('502')} kind="proc" title={role('502')} />
      <Box x={280} y={198} w={90} h={40} no="503" name="channel proc." lit={on('503')} kind="proc" title={role('503')} />
      <Box x={392} y={198} w={82} h={40} no="508" name="disk proc." lit={on('508')} kind="proc" title={role('508')} />

      <g class="f1-mem">
        <rect x={40} y={248} width={434} height={70} rx={4} />
        <text class="f1-no" x={48} y={262}>507 shared memory / cache · 510 backup management area</text>
        <MemCell x={48} no="511" text="backup params" />
        <MemCell x={118} no="512/513" text="P/S vol no." />
        <MemCell x={188} no="514" text="differential" />
        <MemCell x={258} no="515" text="staging" />
        <g class={`f1-state${diverged ? ' diverged' : ''}`} data-testid="fig1-states">
          <rect x={328} y={268} width={66} height={42} rx={3} />
          <text class="f1-no" x={361} y={281} text-anchor="middle">516 P-VOL</text>
          <text class="f1-val" x={361} y={299} text-anchor="middle">{state516}</text>
          <rect x={400} y={268} width={66} height={42} rx={3} />
          <text class="f1-no" x={433} y={281} text-anchor="middle">517 S-VOL</text>
          <text class="f1-val" x={433} y={299} text-anchor="middle">{state517}</text>
        </g>
      </g>

      <Box x={40} y={335} w={95} h={50} no="601" name="P-VOL" lit={on('601')} kind="vol" title={role('601')} />
      <Box x={150} y={335} w={95} h={50} no="602" name="S-VOL" lit={on('602')} kind="vol" title={role('602')} />
      <Box x={260} y={335} w={95} h={50} no="603" name="pair op. vol" kind="vol cmd" title="pair operation volume 603: command device for pair commands (§0047)" />
      <Box x={370} y={335} w={95} h={50} no="604" name="backup proc. vol" kind="vol cmd" title="backup processing volume 604: command device for backup commands" />
      <text class="f1-small" x={140} y={400}>copy ↔ by 508</text>

      <Box x={510} y={205} w={110} h={80} no="303" name="tape device" lit={on('303')} kind="tape" title={role('303')} />
      <text class="f1-small" x={565} y={300} text-anchor="middle">AWSTAPE image</text>
    </svg>
  );
}

function MemCell({ x, no, text }: { x: number; no: string; text: string }) {
  return (
    <g class="f1-cell">
      <rect x={x} y={268} width={64} height={42} rx={3} />
      <text class="f1-no" x={x + 32} y={284} text-anchor="middle">{no}</text>
      <text class="f1-small" x={x + 32} y={300} text-anchor="middle">{text}</text>
    </g>
  );
}
