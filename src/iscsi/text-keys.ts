/**
 * iSCSI text keys (RFC 7143 §6.1, §13): "key=value" pairs separated by NUL, and the
 * negotiation of each key this target knows, with the RFC's result functions: list
 * selection (the first offered value the target supports), numerical min/max, Boolean AND
 * and OR. Declarative keys (InitiatorName, MaxRecvDataSegmentLength, …) are recorded;
 * MaxRecvDataSegmentLength is answered with this side's own value. A key it does not know
 * is answered NotUnderstood; a value out of range or malformed, Reject (the key then keeps
 * its default). Every offered key that is negotiated gets an answer, HeaderDigest=None
 * included (docs/iscsi.md#login).
 */

export type KeyValues = [key: string, value: string][];

/** Parses a text data segment; throws on a pair without '=' or a key given twice. */
export function parseKeys(data: Uint8Array): KeyValues {
  const out: KeyValues = [];
  const seen = new Set<string>();
  let text = '';
  for (const b of data) text += String.fromCharCode(b);
  for (const item of text.split('\0')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new KeyError(`"${item.slice(0, 64)}" is not key=value`);
    const key = item.slice(0, eq);
    if (seen.has(key)) throw new KeyError(`${key} given twice`);
    seen.add(key);
    out.push([key, item.slice(eq + 1)]);
  }
  return out;
}

export function encodeKeys(kv: KeyValues): Uint8Array {
  const s = kv.map(([k, v]) => `${k}=${v}\0`).join('');
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

export class KeyError extends Error {
  constructor(why: string) { super(why); this.name = 'KeyError'; }
}

/** Operational parameters of a session (RFC 7143 defaults until negotiated). */
export interface SessionParams {
  headerDigest: 'None';
  dataDigest: 'None';
  maxConnections: number;
  initialR2T: boolean;
  immediateData: boolean;
  maxBurstLength: number;
  firstBurstLength: number;
  defaultTime2Wait: number;
  defaultTime2Retain: number;
  maxOutstandingR2T: number;
  dataPduInOrder: boolean;
  dataSequenceInOrder: boolean;
  errorRecoveryLevel: number;
  /** The initiator's: the largest data segment this target may send it. */
  initiatorMaxRecv: number;
}

export const RFC_DEFAULTS: SessionParams = {
  headerDigest: 'None', dataDigest: 'None', maxConnections: 1, initialR2T: true, immediateData: true,
  maxBurstLength: 262144, firstBurstLength: 65536, defaultTime2Wait: 2, defaultTime2Retain: 20,
  maxOutstandingR2T: 1, dataPduInOrder: true, dataSequenceInOrder: true, errorRecoveryLevel: 0,
  initiatorMaxRecv: 8192,
};

/**
 * What this target offers: one connection per session, ERL 0, one R2T at a time per
 * task, data PDUs and sequences in order, unsolicited and immediate data welcome.
 */
export interface TargetLimits {
  /** Our MaxRecvDataSegmentLength (declared to the initiator). */
  maxRecvDataSegmentLength: number;
  maxBurstLength: number;
  firstBurstLength: number;
}

export const TARGET_LIMITS: TargetLimits = {
  maxRecvDataSegmentLength: 262144, maxBurstLength: 1048576, firstBurstLength: 262144,
};

/** Declarative keys of the login (no answer is due); SessionType etc. */
export interface Declared {
  initiatorName?: string;
  initiatorAlias?: string;
  targetName?: string;
  sessionType?: string;
  authMethods?: string[];
}

type Num = { min: number; max: number };
const NUMERIC: Record<string, Num & { fn: 'min' | 'max'; field: keyof SessionParams; ours: (l: TargetLimits) => number }> = {
  MaxConnections: { min: 1, max: 65535, fn: 'min', field: 'maxConnections', ours: () => 1 },
  MaxBurstLength: { min: 512, max: 16777215, fn: 'min', field: 'maxBurstLength', ours: (l) => l.maxBurstLength },
  FirstBurstLength: { min: 512, max: 16777215, fn: 'min', field: 'firstBurstLength', ours: (l) => l.firstBurstLength },
  DefaultTime2Wait: { min: 0, max: 3600, fn: 'max', field: 'defaultTime2Wait', ours: () => 2 },
  DefaultTime2Retain: { min: 0, max: 3600, fn: 'min', field: 'defaultTime2Retain', ours: () => 0 },
  MaxOutstandingR2T: { min: 1, max: 65535, fn: 'min', field: 'maxOutstandingR2T', ours: () => 1 },
  ErrorRecoveryLevel: { min: 0, max: 2, fn: 'min', field: 'errorRecoveryLevel', ours: () => 0 },
};
/** Boolean keys: AND (both must agree to Yes) or OR (either may ask for Yes), our value. */
const BOOLEAN: Record<string, { fn: 'and' | 'or'; field?: keyof SessionParams; ours: boolean }> = {
  InitialR2T: { fn: 'or', field: 'initialR2T', ours: false },
  ImmediateData: { fn: 'and', field: 'immediateData', ours: true },
  DataPDUInOrder: { fn: 'or', field: 'dataPduInOrder', ours: true },
  DataSequenceInOrder: { fn: 'or', field: 'dataSequenceInOrder', ours: true },
  // Markers (RFC 3720 §A.3.1, obsolete in RFC 7143): never used here.
  IFMarker: { fn: 'and', ours: false },
  OFMarker: { fn: 'and', ours: false },
};
/**
 * Keys a Text request of the full feature phase may not change: those only the leading
 * login negotiates ("LO") and those only a login does ("IO", RFC 7143 §13).
 */
const LOGIN_ONLY = new Set(['MaxConnections', 'InitialR2T', 'ImmediateData', 'MaxBurstLength', 'FirstBurstLength',
  'DefaultTime2Wait', 'DefaultTime2Retain', 'MaxOutstandingR2T', 'DataPDUInOrder', 'DataSequenceInOrder',
  'ErrorRecoveryLevel', 'SessionType', 'InitiatorName', 'TargetName', 'HeaderDigest', 'DataDigest', 'AuthMethod',
  'IFMarker', 'OFMarker']);
const DECLARATIVE = new Set(['InitiatorName', 'InitiatorAlias', 'TargetName', 'SessionType', 'TargetAlias']);

/** A decimal or 0x-hex number (RFC 7143 §6.1 numerical values), or NaN. */
export function parseNumber(v: string): number {
  if (/^0[xX][0-9a-fA-F]{1,8}$/.test(v)) return parseInt(v.slice(2), 16);
  if (/^[0-9]{1,10}$/.test(v)) return Number(v);
  return NaN;
}

export interface Negotiation {
  params: SessionParams;
  declared: Declared;
  /** The answers, in the order the keys were offered. */
  answers: KeyValues;
}

/**
 * Negotiates the offered keys against the current params. `phase`: 'login' (any key),
 * 'ffp' (full feature phase Text: login-only keys are refused, RFC 7143 §13). Never throws on a
 * bad value: it answers Reject.
 */
export function negotiate(offered: KeyValues, current: SessionParams, limits: TargetLimits,
  phase: 'login' | 'ffp' = 'login'): Negotiation {
  const params = { ...current };
  const declared: Declared = {};
  const answers: KeyValues = [];
  for (const [key, value] of offered) {
    if (phase === 'ffp' && LOGIN_ONLY.has(key)) { answers.push([key, 'Reject']); continue; }
    if (DECLARATIVE.has(key)) {
      if (key === 'InitiatorName') declared.initiatorName = value;
      else if (key === 'InitiatorAlias') declared.initiatorAlias = value;
      else if (key === 'TargetName') declared.targetName = value;
      else if (key === 'SessionType') declared.sessionType = value;
      continue;
    }
    if (key === 'AuthMethod') {
      declared.authMethods = value.split(',');
      answers.push([key, declared.authMethods.includes('None') ? 'None' : 'Reject']);
      continue;
    }
    if (key === 'HeaderDigest' || key === 'DataDigest') {
      // List selection: the first value we support; we compute no CRC32C.
      answers.push([key, value.split(',').includes('None') ? 'None' : 'Reject']);
      continue;
    }
    if (key === 'MaxRecvDataSegmentLength') {
      const n = parseNumber(value);
      if (!(n >= 512 && n <= 16777215)) { answers.push([key, 'Reject']); continue; }
      params.initiatorMaxRecv = n;
      answers.push([key, String(limits.maxRecvDataSegmentLength)]);
      continue;
    }
    const num = NUMERIC[key];
    if (num) {
      const n = parseNumber(value);
      if (!(n >= num.min && n <= num.max)) { answers.push([key, 'Reject']); continue; }
      const ours = num.ours(limits);
      const r = num.fn === 'min' ? Math.min(n, ours) : Math.max(n, ours);
      (params[num.field] as number) = r;
      answers.push([key, String(r)]);
      continue;
    }
    const bool = BOOLEAN[key];
    if (bool) {
      if (value !== 'Yes' && value !== 'No') { answers.push([key, 'Reject']); continue; }
      const v = value === 'Yes';
      const r = bool.fn === 'and' ? v && bool.ours : v || bool.ours;
      if (bool.field) (params[bool.field] as boolean) = r;
      answers.push([key, r ? 'Yes' : 'No']);
      continue;
    }
    answers.push([key, 'NotUnderstood']);
  }
  return { params, declared, answers };
}
