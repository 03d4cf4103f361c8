/**
 * The whiteboard between Chromium pages through the gateway guard on a real Janus, proved by
 * pixels: a stroke drawn with the mouse on one page shows on another page's canvas (of another
 * size) at the same relative place; a late joiner gets the board whole from the guard; a clear
 * reaches everyone; two members draw at once; reqCanvasImage brings a PNG; shareStop ends it all.
 * The draw permit is the guard's: a member without it is refused there, also when its page
 * bypasses the SDK's own check.
 */
import { createAndJoin, disconnectAll, initAll, newRoomId, useMembers, waitUntil } from '../support/call';
import { addCanvas, drag, inkCount, isEmpty, isInk, pixelAt, waitForPixelAt, withCanvas } from '../support/classroom';

const open = useMembers();

test("a stroke on the teacher's board shows on every canvas, late joiners included; clear and shareStop reach all", async () => {
  const [a, b, c] = await open(3);
  const roomId = newRoomId('board');
  await initAll([a, b, c], ['teacher', 'pupil', 'late']);
  await createAndJoin([a, b], roomId);
  await addCanvas(a, 'wb', 400, 300);
  await addCanvas(b, 'wb', 800, 600);

  expect(await withCanvas(a, 'whiteBoardStart', 'wb')).toBe(true);
  await b.waitForPresence((p) => p.type === 'whiteboard' && p.user === 'teacher');
  expect(await b.call('getShareType')).toBe('whiteboard');
  expect(await withCanvas(b, 'canvasInit', 'wb')).toBeNull();

  // Widths are in pixels of a 1000 px wide board: 16 is 6 px on A's 400 px canvas, 13 on B's 800.
  await a.call('setTool', 'pen', '#000000', 16);
  await drag(a, 'wb', [
    [0.1, 0.2],
    [0.5, 0.5],
    [0.9, 0.8],
  ]);
  // Same relative places on B's canvas, twice A's size; far from the line stays empty.
  for (const f of [
    [0.1, 0.2],
    [0.5, 0.5],
    [0.9, 0.8],
  ] as [number, number][])
    await waitForPixelAt(b, 'wb', f, isInk, `B shows A's stroke at ${f}`);
  expect(isEmpty(await pixelAt(b, 'wb', [0.9, 0.1]))).toBe(true);

  // A late joiner's board comes whole from the gateway.
  expect((await c.call('joinRoom', roomId)).share).toEqual({ type: 'whiteboard', user: 'teacher' });
  await addCanvas(c, 'wb', 300, 225);
  await withCanvas(c, 'canvasInit', 'wb');
  await waitForPixelAt(c, 'wb', [0.5, 0.5], isInk, 'the late joiner shows the stroke');

  // Two members draw at once (B has the default permit: everything): both strokes end up everywhere.
  expect(await b.call('drawingInit')).toBe(true);
  await b.call('setTool', 'pen', '#000000', 16);
  await Promise.all([
    drag(a, 'wb', [
      [0.1, 0.9],
      [0.3, 0.9],
    ]),
    drag(b, 'wb', [
      [0.7, 0.1],
      [0.9, 0.3],
    ]),
  ]);
  for (const m of [a, b, c]) {
    await waitForPixelAt(m, 'wb', [0.2, 0.9], isInk, "A's second stroke everywhere");
    await waitForPixelAt(m, 'wb', [0.8, 0.2], isInk, "B's stroke everywhere");
  }

  // reqCanvasImage: C asks A; A's SDK answers by itself with a PNG.
  expect(await c.call('reqCanvasImage', 'teacher')).toEqual({ code: '200' });
  await a.waitForPresence((p) => p.type === 'reqCanvasImage' && p.sender === 'late');
  const image = await c.waitForPresence((p) => p.type === 'updateImage' && p.sender === 'teacher');
  expect(image.img).toMatch(/^data:image\/png;base64,/);
  expect(image.img.length).toBeGreaterThan(1000);

  // Clear: every canvas empties.
  expect(await a.call('canvasClear')).toBeNull();
  for (const m of [a, b, c]) await waitUntil(`${m === a ? 'A' : m === b ? 'B' : 'C'} cleared`, async () => (await inkCount(m, 'wb')) === 0);

  // One share at a time: B cannot start a document or a screen meanwhile.
  await addCanvas(b, 'doc', 200, 150);
  expect(await withCanvas(b, 'documentStart', 'doc')).toMatchObject({ code: '440' });

  // shareStop: everyone hears it, the board is gone for all.
  await drag(a, 'wb', [
    [0.2, 0.2],
    [0.4, 0.4],
  ]);
  await waitForPixelAt(b, 'wb', [0.3, 0.3], isInk, 'the last stroke');
  expect(await a.call('shareStop')).toEqual({ code: '200' });
  for (const m of [b, c]) await m.waitForPresence((p) => p.type === 'shareStop' && p.user === 'teacher');
  expect(await b.call('getShareType')).toBeNull();
  await waitUntil('B cleared after shareStop', async () => (await inkCount(b, 'wb')) === 0);
  // A new whiteboard starts empty.
  expect(await withCanvas(b, 'whiteBoardStart', 'wb')).toBe(true);
  expect(await inkCount(b, 'wb')).toBe(0);
  await disconnectAll([a, b, c]);
});

test("the draw permit is the guard's: without it the SDK says false, and a stroke sent anyway is refused at the gateway", async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('draw');
  await initAll([a, b], ['host-d', 'guest-d']);
  await createAndJoin([a, b], roomId);
  await addCanvas(a, 'wb');
  await addCanvas(b, 'wb');
  expect(await withCanvas(a, 'whiteBoardStart', 'wb')).toBe(true);
  await b.waitForPresence((p) => p.type === 'whiteboard');
  await withCanvas(b, 'canvasInit', 'wb');

  expect(await a.call('permit', 'guest-d', undefined, false)).toEqual({ code: '200' });
  const told = await b.waitForPresence((p) => p.type === 'permit' && p.user === 'guest-d');
  expect(told.permit).toMatchObject({ draw: false, chat: true });
  expect((await a.call('memberList', roomId)).members['guest-d'].permit).toMatchObject({ draw: false });
  expect(await b.call('drawingInit')).toBe(false);

  // Bypassing the SDK's check: the page sends a board update straight through its handle.
  const refused = await b.page.evaluate(async (room) => {
    const kt = (window as any).harness.kt;
    const control = kt.client.connection.control;
    const share = kt.client.room.classroom.shares.current;
    try {
      await control.board(room, share.board, { update: 'AAA=' });
      return 'sent';
    } catch (err: any) {
      return err.code;
    }
  }, roomId);
  expect(refused).toBe('413');
  // Given back, it draws.
  expect(await a.call('permit', 'guest-d', undefined, true)).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'permit' && p.permit.draw === true);
  expect(await b.call('drawingInit')).toBe(true);
  await b.call('setTool', 'pen', '#000000', 16);
  await drag(b, 'wb', [
    [0.2, 0.5],
    [0.8, 0.5],
  ]);
  await waitForPixelAt(a, 'wb', [0.5, 0.5], isInk, "the guest's stroke on the host's board");
  await disconnectAll([a, b]);
});

test('drawing over a shared screen (screenStart with a canvas); undo is seen by everyone', async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('overscreen');
  await initAll([a, b], ['presenter', 'watcher']);
  await createAndJoin([a, b], roomId);
  await addCanvas(a, 'over', 320, 240);
  await addCanvas(b, 'over', 640, 480);
  await a.harness('canvas', 'screen', '#00ff00');
  const started = await a.page.evaluate(async () => {
    const w = window as any;
    return w.harness.kt.screenStart(w.localStreams.screen, undefined, document.getElementById('over'));
  });
  expect(started).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'screen' && p.user === 'presenter');
  expect(await b.call('getShareType')).toBe('screen');
  await withCanvas(b, 'canvasInit', 'over');
  await a.call('setTool', 'pen', '#ff0000', 16);
  await drag(a, 'over', [
    [0.2, 0.2],
    [0.8, 0.8],
  ]);
  await waitForPixelAt(b, 'over', [0.5, 0.5], isInk, "the stroke over the screen on the watcher's canvas");
  expect(await a.call('canvasUndo')).toBe(true);
  await waitUntil('the undone stroke gone for the watcher', async () => (await inkCount(b, 'over')) === 0);
  expect(await a.call('canvasRedo')).toBe(true);
  await waitForPixelAt(b, 'over', [0.5, 0.5], isInk, 'the redone stroke');
  // The screen's share ends with the screen: its board goes too.
  expect(await a.call('shareStop')).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'shareStop' && p.user === 'presenter');
  await waitUntil('the board gone with the screen', async () => (await inkCount(b, 'over')) === 0);
  await disconnectAll([a, b]);
});
