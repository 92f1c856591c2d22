/**
 * Where Fig. 1's parts sit (docs/patent.md#parts), in two arrangements: wide (640 × 400,
 * the desktop panel) and tall (360 × 470, a phone's width), so the drawing's text is about
 * 11–13 px on both. Plain names first, the patent's numbers second. Data only:
 * web/components/fig1-array.tsx draws it.
 */
import type { Actor } from '../../src/array/events.ts';

export interface F1Box {
  no: string;
  /** Plain name (one or two words a line, split on "|"). */
  name: string;
  x: number; y: number; w: number; h: number;
  kind: 'server' | 'switch' | 'port' | 'proc' | 'vol' | 'cmd' | 'tape' | 'cell';
  /** Lit while this actor works. */
  lit?: Actor;
  title: string;
}

export interface F1Layout {
  w: number; h: number;
  boxes: F1Box[];
  /** The backup management area's outline, and its caption position. */
  mem: { x: number; y: number; w: number; h: number };
  frame: { x: number; y: number; w: number; h: number };
  wires: [number, number, number, number][];
  lan: [number, number, number, number];
  /** Captions: x, y, text, anchor. */
  notes: [number, number, string, 'start' | 'middle'][];
  /** The two pair-state cells (516, 517) hold a value line. */
}

const T = {
  p401: 'channel port 401: faces the client server',
  p402: 'channel port 402: faces the backup server',
  p403: 'channel port 403: a second port to the backup server, for bandwidth (§0027)',
  s304: 'switch 304: routes the paths between servers, controller and tape',
  c511: 'backup parameter info 511: the parsed backup command (source, destination, ranges)',
  c512: 'P-VOL / S-VOL numbers 512, 513: which volumes form the pair',
  c514: 'differential bitmap 514: blocks whose update has not reached the S-VOL yet',
  c515: 'staging area 515: cache where backup data is assembled before the tape (E3 merges here)',
  c516: 'pair state 516, seen from the P-VOL',
  c517: 'pair state 517, seen from the S-VOL',
  v603: 'pair operation volume 603: command device for pair commands (§0047)',
  v604: 'backup processing volume 604: command device for backup commands',
};

type Roles = Record<Actor, string>;

/** Parts common to both layouts, placed by `pos`. */
function parts(roles: Roles, pos: Record<string, [number, number, number, number]>): F1Box[] {
  const b = (no: string, name: string, kind: F1Box['kind'], title: string, lit?: Actor): F1Box => {
    const [x, y, w, h] = pos[no];
    return { no, name, kind, title, lit, x, y, w, h };
  };
  return [
    b('101', 'client server', 'server', roles['101'], '101'),
    b('102', 'backup server', 'server', roles['102'], '102'),
    b('304', 'switch', 'switch', T.s304),
    b('401', 'client port', 'port', T.p401, '501'),
    b('402', 'backup port', 'port', T.p402, '502'),
    b('403', 'backup port', 'port', T.p403, '503'),
    b('501', 'client|I/O', 'proc', roles['501'], '501'),
    b('502', 'backup|cmd', 'proc', roles['502'], '502'),
    b('503', 'backup|run', 'proc', roles['503'], '503'),
    b('508', 'disk|proc.', 'proc', roles['508'], '508'),
    b('511', 'backup|params', 'cell', T.c511),
    b('512/513', 'volume|numbers', 'cell', T.c512),
    b('514', 'differential|bitmap', 'cell', T.c514),
    b('515', 'staging|area', 'cell', T.c515),
    b('516', 'P-VOL|state', 'cell', T.c516),
    b('517', 'S-VOL|state', 'cell', T.c517),
    b('601', 'P-VOL', 'vol', roles['601'], '601'),
    b('602', 'S-VOL', 'vol', roles['602'], '602'),
    b('603', 'pair cmd|volume', 'cmd', T.v603),
    b('604', 'backup cmd|volume', 'cmd', T.v604),
    b('303', 'tape', 'tape', roles['303'], '303'),
  ];
}

export function wideLayout(roles: Roles): F1Layout {
  const cellY = 236, cellH = 60;
  return {
    w: 640, h: 400,
    boxes: parts(roles, {
      '101': [16, 6, 176, 48], '102': [448, 6, 176, 48], '304': [250, 68, 140, 40],
      '401': [26, 126, 112, 24], '402': [146, 126, 112, 24], '403': [266, 126, 112, 24],
      '501': [26, 156, 112, 46], '502': [146, 156, 112, 46], '503': [266, 156, 112, 46], '508': [386, 156, 92, 46],
      '511': [30, cellY, 60, cellH], '512/513': [95, cellY, 62, cellH], '514': [162, cellY, 76, cellH],
      '515': [243, cellY, 58, cellH], '516': [306, cellY, 86, cellH], '517': [397, cellY, 84, cellH],
      '601': [26, 312, 104, 44], '602': [138, 312, 104, 44], '603': [250, 312, 104, 44], '604': [362, 312, 116, 44],
      '303': [512, 200, 112, 64],
    }),
    mem: { x: 26, y: 208, w: 456, h: 94 },
    frame: { x: 10, y: 116, w: 480, h: 278 },
    wires: [[104, 54, 290, 88], [536, 54, 350, 88], [290, 108, 82, 126], [310, 108, 202, 126], [330, 108, 322, 126], [390, 100, 568, 200]],
    lan: [192, 30, 448, 30],
    notes: [
      [320, 24, 'LAN: backup software 105 ↔ 106', 'middle'],
      [34, 224, 'shared memory 507 · backup management area 510', 'start'],
      [186, 371, 'copies P-VOL → S-VOL: disk proc. 508', 'middle'],
      [18, 388, 'storage system 300: controller 301, disks 302', 'start'],
      [568, 282, 'AWSTAPE image', 'middle'],
    ],
  };
}

export function tallLayout(roles: Roles): F1Layout {
  return {
    w: 360, h: 470,
    boxes: parts(roles, {
      '101': [6, 6, 168, 46], '102': [186, 6, 168, 46], '304': [20, 76, 136, 40], '303': [196, 72, 156, 48],
      '401': [12, 152, 108, 24], '402': [126, 152, 108, 24], '403': [240, 152, 108, 24],
      '501': [12, 184, 80, 44], '502': [98, 184, 80, 44], '503': [184, 184, 80, 44], '508': [270, 184, 80, 44],
      '511': [16, 258, 106, 42], '512/513': [127, 258, 106, 42], '514': [238, 258, 106, 42],
      '515': [16, 306, 106, 54], '516': [127, 306, 106, 54], '517': [238, 306, 106, 54],
      '601': [12, 376, 80, 44], '602': [98, 376, 80, 44], '603': [184, 376, 80, 44], '604': [270, 376, 80, 44],
    }),
    mem: { x: 10, y: 236, w: 340, h: 130 },
    frame: { x: 4, y: 140, w: 352, h: 326 },
    wires: [[90, 52, 88, 76], [270, 52, 120, 76], [156, 96, 196, 96], [60, 116, 66, 152], [88, 116, 180, 152], [116, 116, 294, 152]],
    lan: [174, 29, 186, 29],
    notes: [
      [180, 66, 'LAN: backup software 105 ↔ 106', 'middle'],
      [274, 134, 'AWSTAPE image', 'middle'],
      [16, 250, 'shared memory 507 · area 510', 'start'],
      [95, 436, 'copies P-VOL → S-VOL: 508', 'middle'],
      [12, 458, 'storage system 300: controller 301, disks 302', 'start'],
    ],
  };
}
