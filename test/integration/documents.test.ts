/**
 * Document sharing between Chromium pages through the gateway guard: files go into the guard's own
 * file store (no third-party server), an image and a PDF are shown on every member's canvas (proved
 * by pixels), page turns are followed, strokes go over the page; the `document` permit and the
 * store's type and size checks are the guard's.
 */
import { createAndJoin, disconnectAll, initAll, newRoomId, useMembers } from '../support/call';
import { addCanvas, drag, pixelAt, waitForPixelAt, withCanvas } from '../support/classroom';
import { makePdf } from '../support/document/make-pdf';
import type { MemberPage } from '../support/browser';
import { eventually } from '../support/wait';

const open = useMembers();

/** A page-made file (bytes from Node, or a solid PNG drawn in the page) uploaded with uploadDocument. */
function upload(m: MemberPage, file: { png?: string; bytes?: number[]; name: string; type: string }): Promise<any> {
  return m.page.evaluate(async ({ png, bytes, name, type }) => {
    let blob: Blob;
    if (png) {
      const c = document.createElement('canvas');
      c.width = 160;
      c.height = 120;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = png;
      ctx.fillRect(0, 0, 160, 120);
      blob = await new Promise<Blob>((resolve) => c.toBlob((b) => resolve(b!), 'image/png'));
    } else {
      blob = new Blob([new Uint8Array(bytes!)], { type });
    }
    return (window as any).harness.kt.uploadDocument(new File([blob], name, { type }));
  }, file);
}

const isRed = ([r, g, b, a]: number[]) => a > 200 && r > 180 && g < 80 && b < 80;
const isBlue = ([r, g, b, a]: number[]) => a > 200 && b > 180 && r < 80 && g < 80;

test("an image and a PDF from the gateway's file store show on every canvas; pages turn for all; strokes go over them", async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('doc');
  await initAll([a, b], ['lecturer', 'student']);
  await createAndJoin([a, b], roomId);
  expect((await b.call('joinRoom', roomId)).code).toBe('442');
  const joined = await a.call('memberList', roomId);
  expect(joined.code).toBe('200');
  await addCanvas(a, 'doc', 400, 300);
  await addCanvas(b, 'doc', 600, 450);

  expect(await withCanvas(a, 'documentStart', 'doc')).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'document' && p.user === 'lecturer');
  await withCanvas(b, 'canvasInit', 'doc');

  const image = await upload(a, { png: '#ff0000', name: '슬라이드 1.png', type: 'image/png' });
  expect(image).toMatchObject({ code: '200', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png$/) });
  expect(await a.call('documentShare', image.url)).toEqual({ code: '200' });
  expect(await b.waitForPresence((p) => p.type === 'documentShare')).toMatchObject({ user: 'lecturer', img: image.url, page: 1 });
  // The image fills the canvas (same 4:3 shape): red at the centre, on both.
  await waitForPixelAt(b, 'doc', [0.5, 0.5], isRed, "the student's canvas shows the red image");
  await waitForPixelAt(a, 'doc', [0.5, 0.5], isRed, "the lecturer's canvas shows it too");

  // A stroke over the document: black over red at the same place on the other canvas.
  await a.call('setTool', 'pen', '#000000', 24);
  await drag(a, 'doc', [
    [0.2, 0.3],
    [0.8, 0.3],
  ]);
  await waitForPixelAt(b, 'doc', [0.5, 0.3], ([r, g, bl]) => r < 60 && g < 60 && bl < 60, 'the stroke over the image');
  expect(isRed(await pixelAt(b, 'doc', [0.5, 0.7], 0))).toBe(true);

  // A two-page PDF: page 1 red, page 2 blue; the student follows the page turn.
  const pdf = makePdf([
    { width: 400, height: 300, content: '1 0 0 rg 0 0 400 300 re f' },
    { width: 400, height: 300, content: '0 0 1 rg 0 0 400 300 re f' },
  ]);
  const stored = await upload(a, { bytes: [...pdf], name: 'lecture.pdf', type: 'application/pdf' });
  expect(stored).toMatchObject({ code: '200', url: expect.stringMatching(/\.pdf$/) });
  expect(await a.call('documentShare', stored.url)).toEqual({ code: '200' });
  await waitForPixelAt(b, 'doc', [0.5, 0.5], isRed, 'PDF page 1 on the student canvas');
  expect(await a.call('documentPage', 2)).toEqual({ code: '200' });
  expect(await b.waitForPresence((p) => p.type === 'documentShare' && p.page === 2)).toMatchObject({ img: stored.url });
  await waitForPixelAt(b, 'doc', [0.5, 0.5], isBlue, 'PDF page 2 on the student canvas');
  // The stroke belongs to the image's page: the PDF's pages show none at that place.
  expect(isBlue(await pixelAt(b, 'doc', [0.5, 0.3], 0))).toBe(true);
  // Back on the image, its stroke is there again.
  expect(await a.call('documentShare', image.url)).toEqual({ code: '200' });
  await waitForPixelAt(b, 'doc', [0.5, 0.3], ([r, g, bl]) => r < 60 && g < 60 && bl < 60, "the image's stroke again");
  expect(await a.call('documentShare', stored.url)).toEqual({ code: '200' });
  expect(await a.call('documentPage', 2)).toEqual({ code: '200' });
  await waitForPixelAt(b, 'doc', [0.5, 0.3], isBlue, 'page 2 again');

  // The store checks what it keeps: not a picture or a PDF ('405', not allowed); a page out of range turns nothing.
  expect(await upload(a, { bytes: [...Buffer.from('<html><script>alert(1)</script></html>')], name: 'evil.png', type: 'image/png' })).toMatchObject({
    code: '405',
  });
  expect(await a.call('documentPage', 0)).toMatchObject({ code: '422' });
  expect(await a.call('documentShare', 'javascript:alert(1)')).toMatchObject({ code: '422' });
  // An address that does not load: '404' for the sharer, nothing shown to the others.
  expect(await a.call('documentShare', image.url.replace(/[^/]+$/, 'missing.png'))).toMatchObject({ code: '404' });
  expect(await a.call('documentShare', 'http://127.0.0.1:1/nothing.pdf')).toMatchObject({ code: '404' });
  // Only the sharer shows documents.
  expect(await b.call('documentShare', image.url)).toMatchObject({ code: '400' });

  // A late joiner shows the current page straight away.
  const [c] = await open(1);
  await initAll([c], ['latecomer']);
  const late = await c.call('joinRoom', roomId);
  expect(late).toMatchObject({ share: { type: 'document', user: 'lecturer' }, fileServerUrl: expect.stringMatching(/\/files$/) });
  await addCanvas(c, 'doc', 200, 150);
  await withCanvas(c, 'canvasInit', 'doc');
  await waitForPixelAt(c, 'doc', [0.5, 0.5], isBlue, "the latecomer's canvas shows page 2");

  expect(await a.call('shareStop')).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'shareStop' && p.user === 'lecturer');
  await disconnectAll([a, b, c]);
});

test('without the document permit the guard refuses the share and the upload; the host gives it back', async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('docperm');
  await initAll([a, b], ['owner-p', 'guest-p']);
  await createAndJoin([a, b], roomId);
  await addCanvas(b, 'doc');
  expect(await a.call('permit', 'guest-p', undefined, undefined, undefined, undefined, false)).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'permit' && p.permit.document === false);
  expect(await withCanvas(b, 'documentStart', 'doc')).toMatchObject({ code: '413' });
  expect(await upload(b, { png: '#00ff00', name: 'x.png', type: 'image/png' })).toMatchObject({ code: '413' });
  // The permit is kept by identity: after a reload the guest still may not.
  await b.call('disconnect');
  await initAll([b], ['guest-p']);
  const back = await b.call('joinRoom', roomId);
  expect(back.members['guest-p'].permit).toMatchObject({ document: false, chat: true });
  expect(await withCanvas(b, 'documentStart', 'doc')).toMatchObject({ code: '413' });
  expect(await a.call('permit', 'guest-p', undefined, undefined, undefined, undefined, true)).toEqual({ code: '200' });
  await eventually(
    'the permit back',
    () => b.call('memberList', roomId),
    (r) => r.members['guest-p'].permit.document === true,
  );
  expect(await withCanvas(b, 'documentStart', 'doc')).toEqual({ code: '200' });
  await a.waitForPresence((p) => p.type === 'document' && p.user === 'guest-p');
  await disconnectAll([a, b]);
});
