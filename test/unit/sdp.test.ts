/** Our answers take the DTLS server role (see sdk/janus/sdp.ts for why). */
import { asDtlsServer } from '../../sdk/janus/sdp';

test('every a=setup:active of an answer becomes passive; nothing else changes', () => {
  const answer = [
    'v=0',
    'a=group:BUNDLE 0 1',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=setup:active',
    'a=mid:0',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'a=setup:active',
    'a=mid:1',
    '',
  ];
  const out = asDtlsServer(answer.join('\r\n'));
  expect(out.split('\r\n')).toEqual(answer.map((l) => (l === 'a=setup:active' ? 'a=setup:passive' : l)));
});

test('an answer that already chose a role, or an offer, is left alone', () => {
  for (const sdp of ['a=setup:passive\r\n', 'a=setup:actpass\r\n', 'a=x-setup:active\r\n', 'a=setup:active-ish\r\n']) {
    expect(asDtlsServer(sdp)).toBe(sdp);
  }
});
