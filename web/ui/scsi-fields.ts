/**
 * Field maps for the hex view: which bytes of a CDB, parameter list, data-in or sense
 * buffer are which field, with the decoded value (layouts from docs/scsi.md; the PAIR
 * OPERATION CDB from src/scsi/pair-cdb.ts). Values are read with the SCSI engineer's
 * decoders where one exists, so the UI and the target agree on every field.
 */
import { get8, get16, get24, get32, get64, toHex } from '../../src/scsi/bytes.ts';
import { decodeSense } from '../../src/scsi/sense.ts';
import { decodeCopyStatus } from '../../src/scsi/receive-copy-results.ts';
import { SPLIT_MODES } from '../../src/scsi/xcopy-types.ts';

/** One decoded field of a byte string: what the hex view highlights. */
export interface HexField {
  name: string;
  /** First byte of the field. */
  offset: number;
  /** Length in bytes (a bit field inside one byte has length 1). */
  length: number;
  value: string;
}

// Bytes are read with get8 (0 past the end): a field map must describe any buffer, even a
// short or malformed one, since the hex view shows whatever is on the wire.
const h = (n: number, w = 2) => `${n.toString(16).toUpperCase().padStart(w, '0')}h`;
const f = (name: string, offset: number, length: number, value: string | number): HexField =>
  ({ name, offset, length, value: String(value) });

const PAIR_ACTIONS = ['—', 'create', 'split', 'resync', 'delete', 'query'];
const PAIR_STATES = ['simplex', 'duplex-pending', 'duplex', 'split-pending', 'split', 'suspended'];

/** Fields of any 16-byte CDB we show: PAIR OPERATION, EXTENDED COPY, RECEIVE COPY RESULTS. */
export function cdbFields(cdb: Uint8Array): HexField[] {
  const op = cdb[0] ?? 0;
  if (op === 0xc1) {
    return [
      f('OPERATION CODE', 0, 1, `${h(op)} PAIR OPERATION (vendor)`),
      f('ACTION', 1, 1, PAIR_ACTIONS[get8(cdb, 1) & 0x0f] ?? `? ${cdb[1]}`),
      f('PAIR NUMBER (512/513)', 2, 1, get8(cdb, 2)),
      f('ALLOCATION LENGTH', 10, 4, get32(cdb, 10)),
      f('CONTROL', 15, 1, h(get8(cdb, 15))),
    ];
  }
  if (op === 0x83) {
    return [
      f('OPERATION CODE', 0, 1, `${h(op)} EXTENDED COPY`),
      f('SERVICE ACTION', 1, 1, (get8(cdb, 1) & 0x1f) === 0 ? '00h LID1' : h(get8(cdb, 1) & 0x1f)),
      f('PARAMETER LIST LENGTH', 10, 4, get32(cdb, 10)),
      f('CONTROL', 15, 1, h(get8(cdb, 15))),
    ];
  }
  if (op === 0x84) {
    const sa = get8(cdb, 1) & 0x1f;
    const saName = ({ 0: 'COPY STATUS', 3: 'OPERATING PARAMETERS', 4: 'FAILED SEGMENT DETAILS' } as Record<number, string>)[sa];
    return [
      f('OPERATION CODE', 0, 1, `${h(op)} RECEIVE COPY RESULTS`),
      f('SERVICE ACTION', 1, 1, `${h(sa)} ${saName ?? '?'}`),
      f('LIST IDENTIFIER', 2, 1, get8(cdb, 2)),
      f('ALLOCATION LENGTH', 10, 4, get32(cdb, 10)),
      f('CONTROL', 15, 1, h(get8(cdb, 15))),
    ];
  }
  return [f('OPERATION CODE', 0, 1, h(op))];
}

/** EXTENDED COPY (LID1) parameter list: header, E4h CSCDs, segment descriptors. */
export function xcopyParamFields(p: Uint8Array): HexField[] {
  const usage = ['hold', '01b?', 'discard', 'none'][(get8(p, 1) >> 3) & 3];
  const cscdLen = get16(p, 2);
  const segLen = get32(p, 8);
  const out: HexField[] = [
    f('LIST IDENTIFIER', 0, 1, get8(p, 0)),
    f('STR / LIST ID USAGE / PRIORITY', 1, 1, `STR=${(get8(p, 1) >> 5) & 1} usage=${usage} prio=${get8(p, 1) & 7}`),
    f('CSCD DESCRIPTOR LIST LENGTH', 2, 2, cscdLen),
    f('SEGMENT DESCRIPTOR LIST LENGTH', 8, 4, segLen),
    f('INLINE DATA LENGTH', 12, 4, get32(p, 12)),
  ];
  for (let o = 16, i = 0; o + 32 <= 16 + cscdLen && o + 32 <= p.length; o += 32, i++) {
    const dev = get8(p, o + 1) & 0x1f;
    out.push(
      f(`CSCD ${i}: type`, o, 1, `${h(get8(p, o))} identification`),
      f(`CSCD ${i}: device type`, o + 1, 1, dev === 0 ? '00h disk' : dev === 1 ? '01h tape' : h(dev)),
      f(`CSCD ${i}: designator (NAA)`, o + 8, Math.min(20, get8(p, o + 7)), toHex(p.subarray(o + 8, o + 8 + get8(p, o + 7)))),
      f(`CSCD ${i}: ${dev === 1 ? 'stream' : 'disk'} block length`, o + 29, 3,
        `${get24(p, o + 29)}${dev === 1 ? ((get8(p, o + 28) & 1) ? ' fixed' : ' variable') : ''}`),
    );
  }
  const end = Math.min(p.length, 16 + cscdLen + segLen);
  for (let o = 16 + cscdLen, i = 0; o + 8 <= end; i++) {
    const type = get8(p, o);
    const size = get16(p, o + 2) + 4;
    out.push(
      f(`seg ${i}: type`, o, 1, ({ 0: '00h block→stream', 1: '01h stream→block', 2: '02h block→block', 0xc0: 'C0h split and copy' } as Record<number, string>)[type] ?? h(type)),
      f(`seg ${i}: src / dst CSCD`, o + 4, 4, `${get16(p, o + 4)} → ${get16(p, o + 6)}`),
    );
    if (type === 0x00 || type === 0x01) {
      out.push(
        f(`seg ${i}: stream transfer length`, o + 9, 3, get24(p, o + 9)),
        f(`seg ${i}: number of blocks`, o + 14, 2, get16(p, o + 14)),
        f(`seg ${i}: block device LBA`, o + 16, 8, String(get64(p, o + 16))),
      );
    } else if (type === 0x02) {
      out.push(
        f(`seg ${i}: number of blocks`, o + 10, 2, get16(p, o + 10)),
        f(`seg ${i}: source LBA`, o + 12, 8, String(get64(p, o + 12))),
        f(`seg ${i}: destination LBA`, o + 20, 8, String(get64(p, o + 20))),
      );
    } else if (type === 0xc0) {
      out.push(
        f(`seg ${i}: consistency mode`, o + 8, 1, SPLIT_MODES[get8(p, o + 8)] ?? h(get8(p, o + 8))),
        f(`seg ${i}: early answer`, o + 9, 1, p[o + 9] ? 'yes' : 'no'),
        f(`seg ${i}: pair`, o + 10, 1, get8(p, o + 10)),
      );
    }
    if (size <= 4) break;
    o += size;
  }
  return out;
}

/** RECEIVE COPY RESULTS 00h COPY STATUS data-in. */
export function copyStatusFields(d: Uint8Array): HexField[] {
  const s = decodeCopyStatus(d);
  return [
    f('AVAILABLE DATA', 0, 4, get32(d, 0)),
    f('HDD / COPY MANAGER STATUS', 4, 1, s.state),
    f('SEGMENTS PROCESSED', 5, 2, s.segmentsProcessed),
    f('TRANSFER COUNT UNITS', 7, 1, ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'][s.units] ?? h(s.units)),
    f('TRANSFER COUNT', 8, 4, s.count),
  ];
}

/** Pair query data-in (src/scsi/pair-cdb.ts). */
export function pairQueryFields(d: Uint8Array): HexField[] {
  return [
    f('PAIR NUMBER', 0, 1, get8(d, 0)),
    f('PAIR STATE 516 (P-VOL)', 1, 1, PAIR_STATES[get8(d, 1)] ?? '?'),
    f('PAIR STATE 517 (S-VOL)', 2, 1, PAIR_STATES[get8(d, 2)] ?? '?'),
    f('PENDING BLOCKS (514)', 4, 4, get32(d, 4)),
  ];
}

const KEYS = ['NO SENSE', '1h', 'NOT READY', 'MEDIUM ERROR', 'HARDWARE ERROR', 'ILLEGAL REQUEST',
  'UNIT ATTENTION', '7h', '8h', '9h', 'COPY ABORTED', 'ABORTED COMMAND'];
/** The sense codes of docs/scsi.md#sense-codes, by key/ASC/ASCQ. */
const ASC_TEXT: Record<string, string> = {
  '05/1A/00': 'PARAMETER LIST LENGTH ERROR', '05/24/00': 'INVALID FIELD IN CDB',
  '05/26/00': 'INVALID FIELD IN PARAMETER LIST', '05/26/06': 'TOO MANY TARGET DESCRIPTORS',
  '05/26/07': 'UNSUPPORTED TARGET DESCRIPTOR TYPE', '05/26/08': 'TOO MANY SEGMENT DESCRIPTORS',
  '05/26/09': 'UNSUPPORTED SEGMENT DESCRIPTOR TYPE', '05/26/0B': 'INLINE DATA LENGTH EXCEEDED',
  '05/00/16': 'OPERATION IN PROGRESS', '05/21/00': 'LBA OUT OF RANGE', '0A/0D/02': 'COPY TARGET DEVICE NOT REACHABLE',
  '0A/0D/01': 'THIRD PARTY DEVICE FAILURE', '0A/2F/02': 'COMMANDS CLEARED BY DEVICE SERVER', '05/20/00': 'INVALID COMMAND OPERATION CODE',
  '05/2C/00': 'COMMAND SEQUENCE ERROR', '05/55/03': 'INSUFFICIENT RESOURCES', '00/00/00': 'NO ADDITIONAL SENSE',
};

/** One line: "05/24/00 ILLEGAL REQUEST: INVALID FIELD IN CDB". */
export function senseSummary(sense: Uint8Array): string {
  const s = decodeSense(sense);
  if (!s) return 'not fixed-format sense';
  const k = `${h(s.key).slice(0, 2)}/${h(s.asc).slice(0, 2)}/${h(s.ascq).slice(0, 2)}`;
  return `${k} ${KEYS[s.key] ?? ''}: ${ASC_TEXT[k] ?? 'see SPC-4 annex'}`;
}

export function senseFields(sense: Uint8Array): HexField[] {
  const s = decodeSense(sense);
  if (!s) return [f('sense', 0, sense.length, 'not fixed-format sense')];
  const out = [
    f('RESPONSE CODE', 0, 1, h(get8(sense, 0))),
    f('SENSE KEY', 2, 1, `${h(s.key, 1)} ${KEYS[s.key] ?? ''}`),
    f('ADDITIONAL SENSE LENGTH', 7, 1, get8(sense, 7)),
    f('ASC / ASCQ', 12, 2, senseSummary(sense).split(': ')[1] ?? ''),
  ];
  if (s.information !== undefined) out.splice(2, 0, f('INFORMATION', 3, 4, s.information));
  if (s.commandSpecific !== undefined) out.push(f('COMMAND-SPECIFIC (failing segment)', 8, 4, s.commandSpecific));
  if (s.field) out.push(f('FIELD POINTER', 15, 3, `${s.field.cdb ? 'CDB' : 'parameter list'} byte ${s.field.byte}${s.field.bit !== undefined ? ` bit ${s.field.bit}` : ''}`));
  return out;
}
