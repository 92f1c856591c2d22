/**
 * The event log both runtimes record and the UI draws as sequence diagrams (the lanes of
 * the patent's Figs. 4, 6, 9 and 11). Times are in the runtime's clock, in milliseconds
 * (virtual in the sim, wall-clock in the live runtime).
 */

/** Lanes: the servers, the controller's processors, and the devices (docs/patent.md#parts). */
export type Actor =
  | '101' // client server
  | '102' // backup server
  | '501' // channel processor: client I/O, split
  | '502' // channel processor: backup command reception
  | '503' // channel processor: backup execution
  | '508' // disk processor: the only one touching volumes
  | '601' // P-VOL
  | '602' // S-VOL
  | '303'; // tape device

export interface SimEvent {
  /** Time in ms. */
  t: number;
  /** Who acts. */
  actor: Actor;
  /** Short machine-readable name, e.g. 'split.cmd', 'split.ack', 'cow', 'priority.copy'. */
  ev: string;
  /** Optional receiver: draws an arrow actor → to. */
  to?: Actor;
  /** Small JSON-safe details (block numbers, counts, states). */
  detail?: Record<string, number | string | boolean>;
}
