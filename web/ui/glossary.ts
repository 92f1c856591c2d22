/**
 * The words the page uses, explained for someone new to storage, and the patent the page
 * demonstrates (docs/patent.md#the-patent, #parts, #claims hold the same facts at length).
 * The help dialog shows these; the tour and the labels use the same plain names.
 */

export const PATENT = {
  owner: 'Hitachi',
  number: 'US patent application 10/784,999',
  priority: 'JP 2003-183742',
  title: 'Storage system, backup system, and backup method',
} as const;

/** The claims the page demonstrates, grouped as the page shows them (docs/patent.md#claims). */
export const CLAIMS: readonly { claims: string; what: string; where: string }[] = [
  {
    claims: '1, 5, 9, 14',
    what: 'the split is answered at once; the backup command is accepted without waiting; data goes to the backup device only once its range holds the split-instant image',
    where: 'every mode E1–E4 (split ack ≈ 0.01 ms, the verdict ✔)',
  },
  { claims: '2, 6, 11, 15', what: 'the backup waits until the whole differential has reached the S-VOL', where: 'E2 and E2h' },
  { claims: '3, 7, 12, 16', what: 'pending blocks of the range are copied to the S-VOL first, with priority', where: 'E1 (and E4 by way of E1)' },
  { claims: '4, 8, 13, 17', what: 'pending blocks are read from the P-VOL and merged with the S-VOL in the staging area', where: 'E3' },
  { claims: '10', what: 'the split and the backup come from two different servers', where: 'the client server 101 splits, the backup server 102 backs up' },
];

export interface Term { term: string; text: string }

export const GLOSSARY: readonly Term[] = [
  { term: 'P-VOL (601)', text: 'The primary volume: the disk the client server’s application writes to.' },
  { term: 'S-VOL (602)', text: 'The secondary volume: a mirror of the P-VOL kept by the array. After a split it must hold the P-VOL as it was at the split instant.' },
  { term: 'pair', text: 'A P-VOL and its S-VOL, mirrored by the array. Its state is duplex (mirroring), split, or one of the in-between states below.' },
  { term: 'duplex', text: 'The pair mirrors: every write to the P-VOL is also copied to the S-VOL, a little later.' },
  { term: 'split', text: 'The command that freezes the S-VOL: from that instant it is a point-in-time copy that can be backed up while the client keeps writing to the P-VOL.' },
  { term: 'quick split', text: 'A split the array answers at once, before the last updates have reached the S-VOL; it copies them in the background afterwards.' },
  { term: 'split-pending', text: 'Split answered, but updates from before the split still have to reach the S-VOL. After a quick split the P-VOL side (516) reads split while the S-VOL side (517) reads split-pending.' },
  { term: 'pair state (516, 517)', text: 'Two words in the array’s memory: 516 is the state seen from the P-VOL, 517 from the S-VOL. They differ between a quick split and the end of the background copy.' },
  { term: 'differential bitmap (514)', text: 'One bit per block: set where the P-VOL holds an update the S-VOL has not received yet. These are the “pending” blocks, orange on the maps.' },
  { term: 'post-split changes', text: 'A second bitmap: blocks the client wrote after the split. A later resync copies only these.' },
  { term: 'copy before write', text: 'A client write after the split to a block still pending: the old data is the split instant’s and exists only on the P-VOL side, so the disk processor copies it to the S-VOL first, then lets the write through.' },
  { term: 'background copy', text: 'The disk processor copying the pending blocks to the S-VOL after a quick split, until the differential is empty and 517 reads split.' },
  { term: 'server-free backup', text: 'The backup server sends one SCSI command (EXTENDED COPY) and the array itself streams the volume to tape: no server in the data path.' },
  { term: 'EXTENDED COPY / RECEIVE COPY RESULTS', text: 'The SCSI commands (SPC-4, opcodes 83h and 84h) that start such a copy and ask how far it got.' },
  { term: 'point-in-time image', text: 'The volume exactly as it was at the split instant: every write acknowledged before the split ack, none after. The verdict checks the tape against it, block by block.' },
  { term: 'generation', text: 'Which version of a block’s data: 0 is the last one written before the split, -1 an older one. A tape block of generation -1 missed its pre-split update.' },
  { term: 'priority copy (E1)', text: 'Embodiment 1: before a tape record is streamed, its pending blocks are copied to the S-VOL first, ahead of the background copy.' },
  { term: 'staging area (515)', text: 'Cache memory where a tape record is assembled. In embodiment 3, pending blocks come from the P-VOL and the rest from the S-VOL, merged here.' },
  { term: 'channel processors (501, 502, 503)', text: '501 takes the client’s writes and the split; 502 takes the backup command and stores its parameters (511); 503 runs the backup.' },
  { term: 'disk processor (508)', text: 'The only part that touches the volumes: it writes cached data to disk and copies P-VOL blocks to the S-VOL.' },
  { term: 'shared memory (507)', text: 'Memory every processor reads: cache, the backup management area (510) with the backup parameters (511), the volume numbers (512, 513), the bitmaps and the pair states.' },
  { term: 'block, tape record', text: 'Volumes are made of blocks (4 KiB in the presets). The backup writes tape records of several blocks (8 × 4 KiB = 32 KiB in the presets); the differential is checked per record.' },
  { term: 'simulated ms, wall-clock ms', text: 'Sim runs count time on a virtual clock from a cost model (disk and tape speeds), the same on every machine. Live runs measure real time in this browser.' },
];

/** The ten reference numbers a reader meets most, in the page's "plain name (number)" form. */
export function refName(no: string): string {
  return REF_NAMES[no] ?? no;
}

const REF_NAMES: Record<string, string> = {
  '101': 'client server (101)', '102': 'backup server (102)',
  '401': 'port to the client (401)', '402': 'port to the backup server (402)', '403': 'second backup port (403)',
  '501': 'client I/O processor (501)', '502': 'backup command processor (502)', '503': 'backup run processor (503)',
  '508': 'disk processor (508)', '507': 'shared memory (507)', '511': 'backup parameters (511)',
  '514': 'differential bitmap (514)', '515': 'staging area (515)', '516': 'P-VOL pair state (516)', '517': 'S-VOL pair state (517)',
  '601': 'P-VOL (601)', '602': 'S-VOL (602)', '603': 'pair command volume (603)', '604': 'backup command volume (604)',
  '303': 'tape (303)',
};
