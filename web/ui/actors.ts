/**
 * Names of the lanes the event log uses (src/array/events.ts), from the patent's parts
 * (docs/patent.md#parts), so every view labels a part the way the patent does.
 */
import type { Actor } from '../../src/array/events.ts';

/** Left to right: servers, processors, then devices, as in Figs. 4, 6, 9 and 11. */
export const LANES: readonly Actor[] = ['101', '102', '501', '502', '503', '508', '601', '602', '303'];

export const ACTOR_NAMES: Record<Actor, string> = {
  '101': 'client srv',
  '102': 'backup srv',
  '501': 'ch. proc',
  '502': 'ch. proc',
  '503': 'ch. proc',
  '508': 'disk proc',
  '601': 'P-VOL',
  '602': 'S-VOL',
  '303': 'tape',
};

/** Longer role text for tooltips and the Fig. 1 diagram (docs/patent.md#parts). */
export const ACTOR_ROLES: Record<Actor, string> = {
  '101': 'client server: writes to the P-VOL, sends the split',
  '102': 'backup server: sends EXTENDED COPY, polls RECEIVE COPY RESULTS',
  '501': 'channel processor 501: client I/O into cache, takes the split',
  '502': 'channel processor 502: receives and parses the backup command (511)',
  '503': 'channel processor 503: executes the backup, checks differential 514',
  '508': 'disk processor 508: destages cache, copies P-VOL to S-VOL',
  '601': 'primary volume (P-VOL)',
  '602': 'secondary volume (S-VOL): the point-in-time image',
  '303': 'tape device: the backup destination (AWSTAPE)',
};
