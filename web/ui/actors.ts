/**
 * Names of the lanes the event log uses (src/array/events.ts): a plain name first, the
 * patent's reference number second (docs/patent.md#parts), so a newcomer reads "disk
 * processor" where an engineer also finds 508.
 */
import type { Actor } from '../../src/array/events.ts';

/** Left to right: servers, processors, then devices, as in Figs. 4, 6, 9 and 11. */
export const LANES: readonly Actor[] = ['101', '102', '501', '502', '503', '508', '601', '602', '303'];

/** Lane headings, one word a line (they must fit a lane about 35 px wide at 390 px). */
export const ACTOR_NAMES: Record<Actor, string> = {
  '101': 'client server',
  '102': 'backup server',
  '501': 'client I/O',
  '502': 'backup cmd',
  '503': 'backup run',
  '508': 'disk proc.',
  '601': 'P-VOL',
  '602': 'S-VOL',
  '303': 'tape',
};

/** Headings for lanes about 35 px wide (a phone's width), one short word a line. */
export const ACTOR_TINY: Record<Actor, string> = {
  '101': 'client', '102': 'backup', '501': 'client I/O', '502': 'backup cmd', '503': 'backup run',
  '508': 'disk', '601': 'P-VOL', '602': 'S-VOL', '303': 'tape',
};

/** The plain name with the number, as labels and the tour say it. */
export const ACTOR_LABELS: Record<Actor, string> = {
  '101': 'client server (101)',
  '102': 'backup server (102)',
  '501': 'client I/O processor (501)',
  '502': 'backup command processor (502)',
  '503': 'backup run processor (503)',
  '508': 'disk processor (508)',
  '601': 'P-VOL (601)',
  '602': 'S-VOL (602)',
  '303': 'tape (303)',
};

/** Longer role text for tooltips and the Fig. 1 diagram (docs/patent.md#parts). */
export const ACTOR_ROLES: Record<Actor, string> = {
  '101': 'client server 101: writes to the P-VOL, sends the split',
  '102': 'backup server 102: sends EXTENDED COPY, polls RECEIVE COPY RESULTS',
  '501': 'channel processor 501: puts client writes into cache and acknowledges them, takes the split',
  '502': 'channel processor 502: receives and parses the backup command, stores its parameters (511)',
  '503': 'channel processor 503: runs the backup, checks the differential 514, streams to tape',
  '508': 'disk processor 508: the only part touching the volumes; destages cache, copies P-VOL to S-VOL',
  '601': 'primary volume (P-VOL) 601: the client’s data',
  '602': 'secondary volume (S-VOL) 602: the mirror, frozen at the split',
  '303': 'tape device 303: the backup destination (an AWSTAPE image)',
};
