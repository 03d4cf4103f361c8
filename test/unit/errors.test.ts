import { Code, KtError, toKtError } from '../../sdk/errors';
import { coreError } from '../../sdk/janus/errors';
import { videoRoomError as pluginError } from '../../sdk/janus/videoroom';

describe('Janus error mapping', () => {
  test.each([
    [426, '441'],
    [427, '443'],
    [432, '444'],
    [436, '442'],
    [425, '442'],
    [433, '413'],
    [429, '421'],
    [430, '422'],
    [437, '570'],
    [499, '500'],
    [498, '599'],
  ])('VideoRoom %i becomes %s, keeping the Janus code and reason', (janusCode, code) => {
    const err = pluginError(janusCode, 'why');
    expect(err).toBeInstanceOf(KtError);
    expect(err.code).toBe(code);
    expect(err.janusCode).toBe(janusCode);
    expect(err.reason).toBe('why');
  });

  test('core errors arrive from janus.js as "<code> <reason>"', () => {
    expect(coreError('403 Unauthorized request (wrong or missing secret/token)')).toMatchObject({
      code: Code.UNAUTHORIZED,
      janusCode: 403,
      reason: 'Unauthorized request (wrong or missing secret/token)',
    });
    expect(coreError('458 No such session 123')).toMatchObject({ code: Code.SERVER_ERROR, janusCode: 458 });
  });

  test('a transport failure without a Janus code is 504', () => {
    expect(coreError('Is the server down? (connected=false)')).toMatchObject({ code: Code.GATEWAY_TIMEOUT });
    expect(coreError(new Error('Lost connection'))).toMatchObject({ code: Code.GATEWAY_TIMEOUT });
  });

  test('anything else caught at the facade is 599 with its message', () => {
    expect(toKtError(new TypeError('boom'))).toMatchObject({ code: Code.UNKNOWN, message: 'boom' });
    const known = new KtError(Code.ROOM_FULL, 'full');
    expect(toKtError(known)).toBe(known);
  });
});
