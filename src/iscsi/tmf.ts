/**
 * Task management functions (RFC 7143 §11.5–11.6, SAM-5 7): the response goes out once
 * every task the function ends has no more effect to come, and no status is ever sent for
 * an aborted task. ABORT TASK of a running EXTENDED COPY stops the copy between chunks
 * (docs/iscsi.md#task-management); of a READ or WRITE, lets it end and suppresses its
 * status. An ABORT TASK for a task that has not arrived yet, whose CmdSN is inside the
 * window and before the function's own, marks that CmdSN so the task is dropped when it
 * comes (§11.5.1: "Function complete"); a task already ended "does not exist".
 */
import { OP, newBhs, snLess, u32 } from './pdu.ts';
import type { ScsiTask } from './scsi-task.ts';
import type { Session } from './session.ts';

export const TMF = {
  ABORT_TASK: 1, ABORT_TASK_SET: 2, CLEAR_ACA: 3, CLEAR_TASK_SET: 4, LOGICAL_UNIT_RESET: 5,
  TARGET_WARM_RESET: 6, TARGET_COLD_RESET: 7, TASK_REASSIGN: 8,
} as const;

export const TMF_RESPONSE = {
  FUNCTION_COMPLETE: 0, TASK_DOES_NOT_EXIST: 1, LUN_DOES_NOT_EXIST: 2, TASK_STILL_ALLEGIANT: 3,
  REASSIGNMENT_NOT_SUPPORTED: 4, NOT_SUPPORTED: 5, AUTHORIZATION_FAILED: 6, REJECTED: 255,
} as const;

export interface TmfLink {
  readonly session: Session<ScsiTask>;
  /** Every session of the target (LU and target resets reach all of them). */
  sessions(): Iterable<Session<ScsiTask>>;
  hasLun(lun: number): boolean;
  send(bhs: Uint8Array, data: Uint8Array | undefined, status: boolean): void;
  /** TARGET COLD RESET: every connection closes once the response is out. */
  coldReset(): void;
}

export function taskManagement(link: TmfLink, req: Uint8Array, lun: number): void {
  const fn = req[1]! & 0x7f;
  const itt = u32(req, 16);
  const respond = (code: number) => {
    const b = newBhs(OP.TASK_MGMT_RESPONSE, 0x80, itt);
    b[2] = code;
    link.send(b, undefined, true);
  };
  const endAll = (tasks: ScsiTask[], then: () => void) => {
    let left = tasks.length;
    if (left === 0) { then(); return; }
    for (const t of tasks) t.abort(() => { if (--left === 0) then(); });
  };
  const ofLun = (sessions: Iterable<Session<ScsiTask>>) =>
    [...sessions].flatMap((s) => [...s.tasks.values()]).filter((t) => t.lun === lun);
  switch (fn) {
    case TMF.ABORT_TASK: {
      const refItt = u32(req, 20);
      const refCmdSn = u32(req, 32);
      const task = link.session.tasks.get(refItt);
      if (task && !task.finished) { endAll([task], () => respond(TMF_RESPONSE.FUNCTION_COMPLETE)); return; }
      const w = link.session.window;
      if (!task && w.inWindow(refCmdSn) && snLess(refCmdSn, u32(req, 24))) {
        link.session.abortedAhead.add(refCmdSn);
        respond(TMF_RESPONSE.FUNCTION_COMPLETE);
        return;
      }
      respond(TMF_RESPONSE.TASK_DOES_NOT_EXIST);
      return;
    }
    case TMF.ABORT_TASK_SET: case TMF.CLEAR_TASK_SET: case TMF.LOGICAL_UNIT_RESET: {
      if (!link.hasLun(lun)) { respond(TMF_RESPONSE.LUN_DOES_NOT_EXIST); return; }
      const scope = fn === TMF.ABORT_TASK_SET ? [link.session] : link.sessions();
      endAll(ofLun(scope), () => respond(TMF_RESPONSE.FUNCTION_COMPLETE));
      return;
    }
    case TMF.TARGET_WARM_RESET: case TMF.TARGET_COLD_RESET: {
      const all = [...link.sessions()].flatMap((s) => [...s.tasks.values()]);
      endAll(all, () => {
        respond(TMF_RESPONSE.FUNCTION_COMPLETE);
        if (fn === TMF.TARGET_COLD_RESET) link.coldReset();
      });
      return;
    }
    case TMF.TASK_REASSIGN: respond(TMF_RESPONSE.REASSIGNMENT_NOT_SUPPORTED); return;
    case TMF.CLEAR_ACA: respond(TMF_RESPONSE.NOT_SUPPORTED); return;
    default: respond(TMF_RESPONSE.REJECTED);
  }
}
