// Login and text negotiation (RFC 7143 §6, §13; docs/iscsi.md#login): every offered key
// is answered with the RFC's result function, HeaderDigest=None explicitly; login errors
// end with the RFC's status and a closed connection; Discovery sessions answer SendTargets.
import { describe, expect, it } from 'vitest';
import { OP, newBhs, set32, encodePduBytes } from '../../src/iscsi/pdu.ts';
import { encodeKeys, negotiate, parseKeys, RFC_DEFAULTS, TARGET_LIMITS } from '../../src/iscsi/text-keys.ts';
import { harness, INITIATOR, keyOf, loginPdu, loginStatus, opOf, TARGET } from './iscsi-wire.ts';

describe('login', () => {
  it('security, then operational, then full feature: every negotiated key answered', () => {
    const h = harness();
    const { first, last, keys } = h.login([
      ['MaxRecvDataSegmentLength', '65536'], ['MaxBurstLength', '16776192'], ['FirstBurstLength', '65536'],
      ['InitialR2T', 'Yes'], ['ImmediateData', 'No'], ['DefaultTime2Wait', '0'], ['DefaultTime2Retain', '20'],
      ['MaxOutstandingR2T', '8'], ['DataPDUInOrder', 'Yes'], ['DataSequenceInOrder', 'Yes'], ['ErrorRecoveryLevel', '2'],
      ['MaxConnections', '4'], ['IFMarker', 'No'], ['X-com.example.Vendor', 'x'],
    ]);
    expect([opOf(first), loginStatus(first), first.bhs[1]! & 0x83]).toEqual([OP.LOGIN_RESPONSE, 0, 0x81]); // T, NSG 1
    expect(keyOf(keys, 'AuthMethod')).toBe('None');
    expect(keyOf(keys, 'TargetPortalGroupTag')).toBe('1');
    expect(loginStatus(last)).toBe(0);
    expect(last.bhs[1]! & 0x83).toBe(0x83); // T, NSG 3: full feature phase
    expect((last.bhs[14]! << 8) | last.bhs[15]!).not.toBe(0); // a TSIH
    expect(Object.fromEntries(parseKeys(last.data))).toEqual({
      HeaderDigest: 'None', DataDigest: 'None',
      MaxRecvDataSegmentLength: String(TARGET_LIMITS.maxRecvDataSegmentLength), // declarative: ours
      MaxBurstLength: String(TARGET_LIMITS.maxBurstLength), // min
      FirstBurstLength: '65536', // min
      InitialR2T: 'Yes', // OR
      ImmediateData: 'No', // AND
      DefaultTime2Wait: '2', // max
      DefaultTime2Retain: '0', // min
      MaxOutstandingR2T: '1', ErrorRecoveryLevel: '0', MaxConnections: '1', // min
      DataPDUInOrder: 'Yes', DataSequenceInOrder: 'Yes', IFMarker: 'No',
      'X-com.example.Vendor': 'NotUnderstood',
    });
    expect(h.server.sessionCount).toBe(1);
    expect(h.closed).toBe(false);
  });

  it('the result functions, key by key (RFC 7143 §6.2)', () => {
    const n = (k: string, v: string) => negotiate([[k, v]], RFC_DEFAULTS, TARGET_LIMITS).answers[0]![1];
    expect([n('HeaderDigest', 'CRC32C,None'), n('HeaderDigest', 'CRC32C'), n('DataDigest', 'None')]).toEqual(['None', 'Reject', 'None']);
    expect([n('InitialR2T', 'No'), n('ImmediateData', 'Yes'), n('DataPDUInOrder', 'No')]).toEqual(['No', 'Yes', 'Yes']);
    expect([n('MaxBurstLength', '4096'), n('MaxBurstLength', '0x1000'), n('MaxBurstLength', '100'), n('MaxBurstLength', 'lots')]).toEqual(['4096', '4096', 'Reject', 'Reject']);
    expect([n('DefaultTime2Wait', '7'), n('ErrorRecoveryLevel', '0'), n('InitialR2T', 'Maybe')]).toEqual(['7', '0', 'Reject']);
    expect(negotiate([['ImmediateData', 'No']], RFC_DEFAULTS, TARGET_LIMITS).params.immediateData).toBe(false);
    expect(negotiate([['MaxRecvDataSegmentLength', '4096']], RFC_DEFAULTS, TARGET_LIMITS).params.initiatorMaxRecv).toBe(4096);
    // Keys only a login negotiates may not change in the full feature phase.
    expect(negotiate([['MaxBurstLength', '512'], ['HeaderDigest', 'None'], ['MaxRecvDataSegmentLength', '8192']], RFC_DEFAULTS, TARGET_LIMITS, 'ffp').answers)
      .toEqual([['MaxBurstLength', 'Reject'], ['HeaderDigest', 'Reject'], ['MaxRecvDataSegmentLength', String(TARGET_LIMITS.maxRecvDataSegmentLength)]]);
  });

  it('keys spread over several requests (C bit) are gathered first', () => {
    const h = harness();
    const text = encodeKeys([['InitiatorName', INITIATOR], ['TargetName', TARGET], ['AuthMethod', 'None']]);
    const part = (data: Uint8Array, cont: boolean, transit: boolean) => {
      const b = newBhs(OP.LOGIN_REQUEST | 0x40, (transit ? 0x81 : 0) | (cont ? 0x40 : 0), 7);
      b[8] = 0x80;
      set32(b, 24, 1);
      return encodePduBytes(b, data);
    };
    const r1 = h.send(part(text.subarray(0, 20), true, false));
    expect([loginStatus(r1[0]!), r1[0]!.data.length]).toEqual([0, 0]); // "go on"
    const r2 = h.send(part(text.subarray(20), false, true));
    expect(loginStatus(r2[0]!)).toBe(0);
    expect(keyOf(parseKeys(r2[0]!.data), 'AuthMethod')).toBe('None');
  });

  it.each([
    ['no InitiatorName', loginPdu(0, 1, true, [['TargetName', TARGET]]), 0x0207],
    ['another target', loginPdu(0, 1, true, [['InitiatorName', INITIATOR], ['TargetName', 'iqn.2000-01.com.example:x']]), 0x0203],
    ['no TargetName in a Normal session', loginPdu(0, 1, true, [['InitiatorName', INITIATOR]]), 0x0207],
    ['CHAP only', loginPdu(0, 1, true, [['InitiatorName', INITIATOR], ['TargetName', TARGET], ['AuthMethod', 'CHAP']]), 0x0201],
    ['Version-min 1', loginPdu(0, 1, true, [['InitiatorName', INITIATOR], ['TargetName', TARGET]], 1, { versionMin: 1 }), 0x0205],
    ['a key given twice', encodePduBytes(loginPdu(0, 1, true, []).slice(0, 48), encodeKeys([['InitiatorName', 'a'], ['InitiatorName', 'b']])), 0x0200],
    ['an unknown session type', loginPdu(0, 1, true, [['InitiatorName', INITIATOR], ['SessionType', 'Other']]), 0x0209],
    ['stage 2', loginPdu(2, 3, true, [['InitiatorName', INITIATOR]]), 0x0200],
  ])('%s: the login fails with its status and the connection closes', (_, pdu, status) => {
    const h = harness();
    const r = h.send(pdu);
    expect([opOf(r[0]!), loginStatus(r[0]!)]).toEqual([OP.LOGIN_RESPONSE, status]);
    expect(h.closed).toBe(true);
    expect(h.server.sessionCount).toBe(0);
  });

  it('a Discovery session answers SendTargets=All with the target and its portal', () => {
    const h = harness();
    const { last } = h.login([], { discovery: true });
    expect(loginStatus(last)).toBe(0);
    const b = newBhs(OP.TEXT_REQUEST | 0x40, 0x80, 99);
    set32(b, 20, 0xffffffff);
    set32(b, 24, h.peekCmdSn());
    const r = h.send(encodePduBytes(b, encodeKeys([['SendTargets', 'All']])));
    expect(opOf(r[0]!)).toBe(OP.TEXT_RESPONSE);
    expect(parseKeys(r[0]!.data)).toEqual([['TargetName', TARGET], ['TargetAddress', '127.0.0.1:3260,1']]);
    // No SCSI in a Discovery session (RFC 7143 §6.3): rejected, the session goes on.
    const cmd = h.send(h.command(0, Uint8Array.of(0, 0, 0, 0, 0, 0)));
    expect([opOf(cmd[0]!), cmd[0]!.bhs[2]]).toEqual([OP.REJECT, 0x04]);
  });

  it('a second login with the same initiator name and ISID ends the first session (reinstatement)', () => {
    const h1 = harness();
    h1.login();
    const other = h1.server.connect({ write: () => {}, close: () => {} });
    other.receive(loginPdu(0, 1, true, [['InitiatorName', INITIATOR], ['TargetName', TARGET], ['AuthMethod', 'None']]));
    other.receive(loginPdu(1, 3, true, []));
    expect(h1.closed).toBe(true);
    expect(h1.server.sessionCount).toBe(1);
  });
});
