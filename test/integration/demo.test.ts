/**
 * The demo app (demo/, issue 4), used the way a person uses it: Chromium pages with a fake camera
 * and microphone open the page `npm run demo` serves, click through the lobby and the call's
 * controls, and read what the page shows. Calls run on the suite's real Janus, and every "sees the
 * others" is proven by frames decoded in the remote <video> elements of the page.
 *
 * The demo server is demo/serve.mjs started as a child process (as `npm run demo` does) on a free
 * port and pointed at the suite's gateway; extra instances point at an unreachable gateway and at
 * a proxy we cut, for the failure paths.
 *
 * Screenshots (lobby in English and Korean, a three-person room, a presentation, the whiteboard, a
 * shared document, the host's people panel with permits, breakout groups) are written to
 * test-output/screenshots/.
 *
 * The teaching features (issue 15): a stroke drawn with the mouse on the host's whiteboard and a
 * picture and a PDF shared as documents are proved by the pixels of the guest's board canvas; the
 * host's permits by the guest's controls; breakout groups by the guest's page moving into the
 * group's room and back (its camera decoded again in the main room); the background blur by the
 * local preview showing the processed stream while the others keep decoding the camera.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { waitForNoSessions } from '../support/admin';
import { CHROMIUM_ARGS, janusUrl } from '../support/browser';
import { makePdf } from '../support/document/make-pdf';
import { RawJanus } from '../support/raw-janus';
import { startTcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(ROOT, 'test-output', 'screenshots');
/** Generous bound for anything that involves the gateway; machines are shared and slow. */
const WAIT = 45_000;

// ------------------------------------------------------------------ demo server

interface DemoServer {
  origin: string;
  stop(): Promise<void>;
}

/** `node demo/serve.mjs` with PORT=0 and JANUS_URL; resolves once it printed its URL. */
/** demo/serve.mjs against `gateway`; without one, as `npm run demo` runs it (its own secure gateway on 8188). */
function startDemo(gateway?: string): Promise<DemoServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', JANUS_URL: gateway };
  if (!gateway) delete env.JANUS_URL;
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'demo', 'serve.mjs')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`demo server did not start:\n${output}`));
    }, WAIT);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open http:\/\/[^:\s]+:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        // 127.0.0.1, not localhost: the server listens on IPv4 loopback only.
        resolve({ origin: `http://127.0.0.1:${match[1]}`, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited (${code}):\n${output}`));
    });
  });
}

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ------------------------------------------------------------------ waiting for the page

/** How the page is polled (playwright-core has no web-first assertions; `soon` has the few this file needs). */
const PAGE = { timeoutMs: WAIT, intervalMs: 100 };

const matches = (want: string | RegExp) => (value: string | null) => (typeof want === 'string' ? value === want : want.test(value ?? ''));

const soon = {
  text: (l: Locator, want: string | RegExp) => eventually(`text of ${l} to be ${want}`, () => l.textContent(), matches(want), PAGE),
  value: (l: Locator, want: string) => eventually(`value of ${l} to be ${want}`, () => l.inputValue(), matches(want), PAGE),
  attr: (l: Locator, name: string, want: string | RegExp) => eventually(`${name} of ${l} to be ${want}`, () => l.getAttribute(name), matches(want), PAGE),
  count: (l: Locator, n: number) =>
    eventually(
      `${n} of ${l}`,
      () => l.count(),
      (c) => c === n,
      PAGE,
    ),
  enabled: (l: Locator, want = true) =>
    eventually(
      `${l} to be ${want ? 'enabled' : 'disabled'}`,
      () => l.isEnabled(),
      (e) => e === want,
      PAGE,
    ),
  visible: (l: Locator) => l.waitFor({ state: 'visible', timeout: WAIT }),
  hidden: (l: Locator) => l.waitFor({ state: 'hidden', timeout: WAIT }),
};

// ------------------------------------------------------------------ people

type Frac = [number, number];
const isInk = ([, , , a]: number[]) => a > 100;
const isRed = ([r, g, b, a]: number[]) => a > 200 && r > 180 && g < 80 && b < 80;
const isBlue = ([r, g, b, a]: number[]) => a > 200 && b > 180 && r < 80 && g < 80;

/** Init script: getUserMedia's audio track replaced by a loud 440 Hz tone (Web Audio). */
const LOUD_MICROPHONE = `(() => {
  const md = navigator.mediaDevices;
  const real = md.getUserMedia.bind(md);
  md.getUserMedia = async (constraints) => {
    const stream = await real(constraints);
    if (!constraints || !constraints.audio) return stream;
    const ctx = new AudioContext();
    const tone = ctx.createOscillator();
    tone.frequency.value = 440;
    const out = ctx.createMediaStreamDestination();
    tone.connect(out);
    tone.start();
    for (const track of stream.getAudioTracks()) { stream.removeTrack(track); track.stop(); }
    stream.addTrack(out.stream.getAudioTracks()[0]);
    return stream;
  };
})();`;

let browser: Browser;
let demo: DemoServer;
const extraServers: DemoServer[] = [];
const extraBrowsers: Browser[] = [];
const people: Person[] = [];

class Person {
  readonly pageErrors: string[] = [];
  readonly dialogs: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (e) => this.pageErrors.push(String(e)));
    // An alert() from injected markup would land here (and is dismissed so nothing hangs).
    page.on('dialog', (d) => {
      this.dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
  }

  static async open(
    options: {
      origin?: string;
      query?: string;
      locale?: string;
      on?: Browser;
      beforeLoad?: () => Promise<void>;
      /** A microphone that plays a loud tone (the fake one is too quiet to count as talking). */
      loudMicrophone?: boolean;
      initScript?: string;
    } = {},
  ): Promise<Person> {
    const context = await (options.on ?? browser).newContext({
      viewport: { width: 1280, height: 800 },
      locale: options.locale ?? 'en-US',
    });
    if (options.loudMicrophone) await context.addInitScript(LOUD_MICROPHONE);
    if (options.initScript) await context.addInitScript(options.initScript);
    const page = await context.newPage();
    const person = new Person(context, page);
    people.push(person);
    await options.beforeLoad?.();
    await page.goto(`${options.origin ?? demo.origin}/${options.query ?? ''}`);
    await page.locator('#lobby').waitFor({ state: 'visible' });
    return person;
  }

  button(name: string | RegExp) {
    return this.page.getByRole('button', { name, exact: typeof name === 'string' });
  }

  /** Lobby: name, then "Create new room"; resolves with the room id once in the call. */
  async createRoom(name: string, options: { capacity?: number; pin?: string } = {}): Promise<string> {
    await this.page.getByLabel('Your name', { exact: true }).fill(name);
    if (options.capacity !== undefined || options.pin !== undefined) await this.page.getByText('Options for a new room').click();
    if (options.capacity !== undefined) await this.page.getByLabel('Maximum participants', { exact: true }).fill(String(options.capacity));
    if (options.pin !== undefined) await this.page.getByLabel('PIN (optional)', { exact: true }).fill(options.pin);
    await this.button('Create new room').click();
    await this.inCall();
    const roomId = new URL(this.page.url()).searchParams.get('room');
    expect(roomId).toMatch(/^room-[a-z0-9]{8}$/);
    return roomId!;
  }

  /** Opens the shareable link of `roomId`, types the name and clicks "Join room". */
  async joinByLink(name: string, roomId: string, { expectCall = true, origin = demo.origin } = {}): Promise<void> {
    await this.page.goto(`${origin}/?room=${roomId}`);
    await soon.value(this.page.getByLabel('Room id', { exact: true }), roomId);
    await this.page.getByLabel('Your name', { exact: true }).fill(name);
    await this.button('Join room').click();
    if (expectCall) await this.inCall();
  }

  async inCall(): Promise<void> {
    await this.page.locator('#call').waitFor({ state: 'visible', timeout: WAIT });
  }

  /** The lobby's message line, once it shows an error. */
  async lobbyError(): Promise<string> {
    const line = this.page.locator('#lobby-status.error');
    await line.waitFor({ state: 'visible', timeout: WAIT });
    return (await line.textContent()) ?? '';
  }

  /** The tile of another member's camera, by display name. */
  remoteTile(name: string) {
    return this.page.locator(`.tile.remote.feed-cam[data-name="${name}"]`);
  }

  async waitForRemoteVideos(n: number): Promise<void> {
    await this.page.waitForFunction((count) => document.querySelectorAll('.tile.remote.feed-cam[data-stream="live"]').length === count, n, { timeout: WAIT });
  }

  /**
   * Frames presented by each <video> matching `selector`: requestVideoFrameCallback must fire
   * `frames` times with a decoded picture (videoWidth > 0). Gives up (and reports what it saw) after
   * a generous bound, so a frozen video fails instead of hanging.
   */
  decodedFrames(selector: string, frames = 5): Promise<Array<{ name: string; frames: number; width: number }>> {
    return this.page.evaluate(
      ({ selector, frames, bound }) =>
        Promise.all(
          [...document.querySelectorAll<HTMLVideoElement>(selector)].map(
            (video) =>
              new Promise<{ name: string; frames: number; width: number }>((resolve) => {
                const name = video.closest<HTMLElement>('.tile')?.dataset.name ?? '?';
                let seen = 0;
                const timer = setTimeout(() => resolve({ name, frames: seen, width: video.videoWidth }), bound);
                const onFrame = () => {
                  seen++;
                  if (seen >= frames && video.videoWidth > 0) {
                    clearTimeout(timer);
                    resolve({ name, frames: seen, width: video.videoWidth });
                  } else video.requestVideoFrameCallback(onFrame);
                };
                video.requestVideoFrameCallback(onFrame);
              }),
          ),
        ),
      { selector, frames, bound: WAIT / 2 },
    );
  }

  /** Every other member's camera is decoded on this page. */
  async expectToSee(names: string[]): Promise<void> {
    await this.waitForRemoteVideos(names.length);
    const seen = await this.decodedFrames('.tile.remote.feed-cam video');
    expect(seen.map((s) => s.name).sort()).toEqual([...names].sort());
    for (const s of seen) {
      expect(s.frames).toBeGreaterThanOrEqual(5);
      expect(s.width).toBeGreaterThan(0);
    }
  }

  async screenshot(file: string): Promise<void> {
    mkdirSync(SHOTS, { recursive: true });
    await this.page.screenshot({ path: path.join(SHOTS, file) });
  }

  /** A stroke with the real mouse over the board canvas, through `points` (fractions of its size). */
  async drawOnBoard(points: Frac[]): Promise<void> {
    const box = (await this.page.locator('#board-canvas').boundingBox())!;
    const at = ([fx, fy]: Frac): [number, number] => [box.x + fx * box.width, box.y + fy * box.height];
    await this.page.mouse.move(...at(points[0]));
    await this.page.mouse.down();
    for (const p of points.slice(1)) await this.page.mouse.move(...at(p), { steps: 16 });
    await this.page.mouse.up();
  }

  /** The RGBA the board canvas holds at a fraction of its size (the most opaque pixel within 3 px). */
  boardPixel([fx, fy]: Frac): Promise<number[]> {
    return this.page.evaluate(
      ([x, y]) => {
        const canvas = document.getElementById('board-canvas') as HTMLCanvasElement;
        const [cx, cy] = [Math.round(x * canvas.width), Math.round(y * canvas.height)];
        const data = canvas.getContext('2d')!.getImageData(cx - 3, cy - 3, 7, 7).data;
        let best = [0, 0, 0, 0];
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > best[3]) best = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        return best;
      },
      [fx, fy],
    );
  }

  async boardShows(at: Frac, check: (rgba: number[]) => boolean, what: string): Promise<void> {
    await eventually(what, () => this.boardPixel(at), check, PAGE);
  }

  /** Picks a file in the file chooser that `button` opens. */
  async chooseFile(button: Locator, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser', { timeout: WAIT }), button.click()]);
    await chooser.setFiles(file);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Launches another Chromium with `args` instead of the suite's standard flags. */
async function launchWith(args: string[]): Promise<Browser> {
  const b = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
  extraBrowsers.push(b);
  return b;
}

beforeAll(async () => {
  [browser, demo] = await Promise.all([
    chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS }),
    startDemo(janusUrl()),
  ]);
});

afterEach(async () => {
  const leaving = people.splice(0);
  // Whoever is still in a call leaves with the Leave button, as a person would: the last test
  // proves that this frees everything on the gateway. (A closed tab is freed too, but only after
  // the gateway's reclaim_session_timeout.)
  await Promise.all(
    leaving.map(async (p) => {
      if (
        await p.page
          .locator('#call')
          .isVisible()
          .catch(() => false)
      ) {
        await p.button('Leave the meeting').click();
        await p.page.locator('#lobby').waitFor({ state: 'visible', timeout: WAIT });
      }
    }),
  );
  // Nothing the pages did may have thrown unhandled (checked before closing them).
  const errors = leaving.flatMap((p) => p.pageErrors);
  await Promise.all(leaving.map((p) => p.close()));
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await Promise.all([...extraBrowsers.map((b) => b.close()), browser?.close()]);
  await Promise.all([...extraServers.map((s) => s.stop()), demo?.stop()]);
});

// ------------------------------------------------------------------ the lobby

test('lobby: camera preview, device pickers, mic/camera toggles and the shareable link', async () => {
  const ana = await Person.open({ query: '?room=team-standup' });
  const { page } = ana;
  await soon.value(page.getByLabel('Room id', { exact: true }), 'team-standup');
  await soon.value(page.getByLabel('Link to this room', { exact: true }), `${demo.origin}/?room=team-standup`);

  // The preview shows the camera (mirrored, as a mirror would).
  const preview = await ana.decodedFrames('#preview', 3);
  expect(preview).toHaveLength(1);
  expect(preview[0].frames).toBeGreaterThanOrEqual(3);
  expect(preview[0].width).toBeGreaterThan(0);
  expect(await page.locator('#preview').evaluate((v) => getComputedStyle(v).transform)).toMatch(/^matrix\(-1,/);

  // Pickers list the fake devices, the ones in use selected.
  const options = (label: string) => page.getByLabel(label, { exact: true }).locator('option').allTextContents();
  await eventually(
    'the fake camera in the camera picker',
    () => options('Camera'),
    (o) => o.includes('fake_device_0'),
    PAGE,
  );
  expect((await options('Microphone')).length).toBeGreaterThanOrEqual(2);
  expect((await options('Speaker')).length).toBeGreaterThanOrEqual(2);
  await soon.enabled(page.getByLabel('Speaker', { exact: true }));

  // Toggles before joining: the button's label says what it will do next.
  await ana.button('Turn camera off').click();
  await soon.attr(page.locator('#preview-frame'), 'data-video', 'off');
  await soon.visible(page.getByText('Your camera is off'));
  await ana.button('Turn camera on').click();
  await soon.attr(page.locator('#preview-frame'), 'data-video', 'on');
  await ana.button('Mute microphone').click();
  await soon.visible(ana.button('Unmute microphone'));
  await ana.button('Unmute microphone').click();

  await page.getByLabel('Your name', { exact: true }).fill('Ana');
  await ana.screenshot('lobby-en.png');

  // Typing a room id updates the link; an invalid id hides it and is refused in words.
  await page.getByLabel('Room id', { exact: true }).fill('design-review');
  await soon.value(page.getByLabel('Link to this room', { exact: true }), `${demo.origin}/?room=design-review`);
  await page.getByLabel('Room id', { exact: true }).fill('no spaces please');
  await soon.hidden(page.locator('#lobby-share'));
  await ana.button('Join room').click();
  expect(await ana.lobbyError()).toBe('Room ids are 1–64 letters, digits, - or _.');
});

test('lobby in Korean when the browser prefers Korean', async () => {
  const minji = await Person.open({ locale: 'ko-KR', query: '?room=team-standup' });
  const { page } = minji;
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('ko');
  await soon.visible(minji.button('방 참여하기'));
  await soon.visible(minji.button('새 방 만들기'));
  await soon.visible(page.getByLabel('이름', { exact: true }));
  await soon.count(page.getByText('Join room'), 0);
  await minji.decodedFrames('#preview', 3);
  await page.getByLabel('이름', { exact: true }).fill('김민지');
  await minji.screenshot('lobby-ko.png');
});

type Grid = { cols: number; rows: number; tileWidth: number };

test('grid layout reflows from 1 to 9+ tiles, keeping tiles readable when they cannot all fit', async () => {
  const ana = await Person.open();
  // A string, not a function: the page imports the demo's own module (not rewritten by ts-jest).
  const layout: { wide: Grid[]; phone: Grid } = await ana.page.evaluate(`(async () => {
    const { bestGrid } = await import('/src/tiles.js');
    return {
      wide: Array.from({ length: 12 }, (_, i) => bestGrid(i + 1, 1256, 660)), // a 1280x800 window's stage
      phone: bestGrid(20, 366, 620), // a phone in portrait, more people than fit
    };
  })()`);
  expect(layout.wide.map((g) => g.cols)).toEqual([1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4]);
  const widths = layout.wide.map((g) => g.tileWidth);
  for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeLessThanOrEqual(widths[i - 1]);
  for (const g of layout.wide) expect(g.cols * g.tileWidth).toBeLessThanOrEqual(1256);
  expect(layout.phone.tileWidth).toBeGreaterThanOrEqual(160);
  expect(layout.phone.cols).toBe(2);
});

test('speaker selection: where the browser cannot choose, the lobby says so', async () => {
  const ana = await Person.open({ initScript: 'delete HTMLMediaElement.prototype.setSinkId;' });
  await soon.visible(ana.page.getByText('This browser cannot choose the speaker', { exact: false }));
  await soon.enabled(ana.page.getByLabel('Speaker', { exact: true }), false);
});

// ------------------------------------------------------------------ calls

test('two people join from the lobby, see each other, and a leaving member’s tile goes away', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);

  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);
  // Own camera: first tile, mirrored, labelled as ours; the other's is not mirrored.
  await soon.text(ana.page.locator('.tile.local.feed-cam figcaption'), /Ana \(you\)/);
  expect(await ana.page.locator('.tile.local.feed-cam video').evaluate((v) => getComputedStyle(v).transform)).toMatch(/^matrix\(-1,/);
  expect(
    await ana
      .remoteTile('Ben')
      .locator('video')
      .evaluate((v) => getComputedStyle(v).transform),
  ).toBe('none');
  await soon.text(ana.page.locator('#room-count'), '2 in the meeting');

  await ben.button('Leave the meeting').click();
  await soon.visible(ben.page.locator('#lobby'));
  await soon.text(ben.page.locator('#lobby-status'), 'You left the meeting.');
  await soon.count(ana.remoteTile('Ben'), 0);
  await soon.text(ana.page.locator('#room-count'), '1 in the meeting');
  await soon.count(ana.page.locator('.tile'), 1);

  // Alone, with a side panel open: the one large tile shrinks to the room left, the page never
  // scrolls sideways.
  await ana.button('Camera, microphone and speaker').click();
  await soon.visible(ana.page.locator('#settings-panel'));
  await eventually(
    'the tile beside the panel, no horizontal scrolling',
    () =>
      ana.page.evaluate(() => {
        const tile = document.querySelector('.tile')!.getBoundingClientRect();
        const panel = document.querySelector('#settings-panel')!.getBoundingClientRect();
        return { scroll: document.documentElement.scrollWidth - window.innerWidth, gap: panel.left - tile.right, left: tile.left };
      }),
    (r) => r.scroll === 0 && r.gap >= 0 && r.left >= 0,
    PAGE,
  );
});

test('three people: grid, everyone decodes everyone, room chat shown as text, whispers to one (screenshot)', async () => {
  const [ana, ben, cho] = await Promise.all([Person.open(), Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana Lee');
  // A name with markup is a name like any other: shown as typed.
  await ben.joinByLink('<b>Ben</b>', roomId);
  await cho.joinByLink('Cho Yuna', roomId);

  await Promise.all([ana.expectToSee(['<b>Ben</b>', 'Cho Yuna']), ben.expectToSee(['Ana Lee', 'Cho Yuna']), cho.expectToSee(['Ana Lee', '<b>Ben</b>'])]);
  await soon.text(cho.remoteTile('<b>Ben</b>').locator('figcaption .name'), '<b>Ben</b>');
  expect(await cho.page.locator('.tile b').count()).toBe(0);

  // The grid: two tiles on the first row, the third centred below (not one column, not one row).
  const boxes = await Promise.all((await ana.page.locator('#tiles .tile').all()).map((t) => t.boundingBox()));
  const rows = new Set(boxes.map((b) => Math.round(b!.y)));
  expect(rows.size).toBe(2);
  expect(boxes[0]!.width).toBeGreaterThan(400);
  await ana.screenshot('room-three-people.png');

  // Room chat: markup arrives as the characters typed, nothing runs.
  const attack = '<img src=x onerror=alert(1)>';
  await ana.button(/^Show chat/).click();
  await ana.page.getByRole('textbox', { name: 'Write a message' }).fill(attack);
  await ana.page.getByRole('textbox', { name: 'Write a message' }).press('Enter');
  for (const p of [ben, cho]) {
    await soon.text(p.page.locator('#chat-unread'), '1');
    await p.button(/^Show chat/).click();
    const message = p.page.locator('#chat-log .msg').last();
    await soon.text(message.locator('.text'), attack);
    await soon.text(message.locator('.from'), 'Ana Lee');
    expect(await p.page.locator('#chat-log img').count()).toBe(0);
  }
  await soon.text(ana.page.locator('#chat-log .msg.mine .text'), attack);

  // Whisper: Ben picks Ana in the member list; only Ana gets it.
  await ben.button('Show people in the meeting').click();
  await ben.button('Send a private message to Ana Lee').click();
  await soon.value(
    ben.page.getByLabel('To', { exact: true }),
    await ana.page.evaluate(() => document.querySelector<HTMLElement>('.tile.local')!.dataset.userId!),
  );
  await ben.page.getByRole('textbox', { name: 'Write a message' }).fill('just for you');
  await ben.button('Send').click();
  const whisper = ana.page.locator('#chat-log .msg.private');
  await soon.text(whisper.locator('.text'), 'just for you');
  await soon.text(whisper.locator('.to'), 'to you (private)');
  await soon.text(ben.page.locator('#chat-log .msg.mine.private .to'), 'to Ana Lee (private)');
  // Cho got the room message but never the whisper (a later room message proves delivery went on).
  await ana.page.getByRole('textbox', { name: 'Write a message' }).fill('after the whisper');
  await ana.button('Send').click();
  await soon.text(cho.page.locator('#chat-log .msg .text').last(), 'after the whisper');
  expect(await cho.page.locator('#chat-log .msg .text').allTextContents()).toEqual([attack, 'after the whisper']);
  await ana.screenshot('room-three-people-chat.png');

  for (const p of [ana, ben, cho]) expect(p.dialogs).toEqual([]);
});

test('mute and camera off show on the other side, from the lobby on; keyboard works', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  // Muted before joining: the call starts muted, and whoever comes later sees it.
  await ana.button('Mute microphone').click();
  const roomId = await ana.createRoom('Ana');
  await soon.visible(ana.button('Unmute microphone'));
  await ben.joinByLink('Ben', roomId);
  await ben.expectToSee(['Ana']);
  const anaOnBen = ben.remoteTile('Ana');
  await soon.attr(anaOnBen, 'data-audio', 'off');
  await soon.visible(anaOnBen.getByText('Muted'));

  // Unmute with the keyboard: the toolbar's buttons are ordinary focusable buttons.
  await ana.button('Unmute microphone').focus();
  await ana.page.keyboard.press('Enter');
  await soon.visible(ana.button('Mute microphone'));
  await soon.attr(anaOnBen, 'data-audio', 'on');
  await soon.hidden(anaOnBen.getByText('Muted'));

  await ana.button('Turn camera off').click();
  await soon.attr(anaOnBen, 'data-video', 'off');
  await soon.visible(anaOnBen.locator('.avatar'));
  await soon.text(anaOnBen.locator('.avatar .initials'), 'AN');
  await soon.hidden(anaOnBen.locator('video'));
  await ana.button('Turn camera on').click();
  await soon.attr(anaOnBen, 'data-video', 'on');
  await ben.expectToSee(['Ana']);

  // Muting again shows in the tile and in the member list.
  await ana.button('Mute microphone').click();
  await soon.attr(anaOnBen, 'data-audio', 'off');
  await ben.button('Show people in the meeting').click();
  await soon.count(ben.page.locator('#member-list li', { hasText: 'Ana' }).getByText('microphone off'), 1);
  // Escape closes the panel and gives the focus back to the button that opened it.
  await ben.page.keyboard.press('Escape');
  await soon.hidden(ben.page.locator('#people-panel'));
  expect(await ben.page.evaluate(() => document.activeElement?.id)).toBe('ctl-people');
});

test('the active speaker is highlighted while talking', async () => {
  const [ana, ben] = await Promise.all([Person.open({ loudMicrophone: true }), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await ben.expectToSee(['Ana']);
  const anaOnBen = ben.remoteTile('Ana');
  await eventually(
    'Ana highlighted as speaking',
    () => anaOnBen.getAttribute('class'),
    (c) => /\bspeaking\b/.test(c ?? ''),
    PAGE,
  );
  expect(await ben.page.locator('.tile.speaking').count()).toBe(1);
  // Muted: silence is sent and the highlight goes.
  await ana.button('Mute microphone').click();
  await eventually(
    'the highlight gone after muting',
    () => anaOnBen.getAttribute('class'),
    (c) => !/\bspeaking\b/.test(c ?? ''),
    PAGE,
  );
});

test('each tile shows its connection quality, and a voice meter moves while the member talks (screenshot)', async () => {
  const [ana, ben] = await Promise.all([Person.open({ loudMicrophone: true }), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);

  // Quality: measured for what Ben receives from Ana, and for what each sends (their own tile).
  const anaOnBen = ben.remoteTile('Ana');
  for (const badge of [anaOnBen.locator('.quality-badge'), ben.page.locator('.tile.local .quality-badge'), ana.remoteTile('Ben').locator('.quality-badge')]) {
    await soon.visible(badge);
    await soon.text(badge.locator('.badge-text'), /^(Excellent|Good)$/);
    await soon.attr(badge, 'aria-label', /^Connection: (Excellent|Good)$/);
  }
  expect(await anaOnBen.locator('.quality-badge').getAttribute('data-quality')).toMatch(/^(excellent|good)$/);

  // The meter: Ana's tone fills Ana's meter on Ben's page; muted, it falls back to nothing.
  const meter = anaOnBen.locator('.voice-meter');
  const filled = () => meter.evaluate((m) => ({ level: Number((m as HTMLElement).dataset.level), width: m.firstElementChild!.getBoundingClientRect().width }));
  await eventually('Ana’s meter filled on Ben’s page', filled, (m) => m.level >= 50 && m.width >= 14, PAGE);
  expect(await ben.page.locator('.tile.local .voice-meter').count()).toBe(0);
  await ben.screenshot('room-signals.png');
  await ana.button('Mute microphone').click();
  await eventually('Ana’s meter empty once she is muted', filled, (m) => m.level === 0 && m.width < 1, PAGE);
});

test('recording: only the host has Record; while the room records everyone sees REC; stopped, it goes (screenshot)', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);
  await soon.visible(ana.button('Record the meeting (everyone is told)'));
  await soon.count(ben.page.locator('#ctl-record:visible'), 0);
  for (const p of [ana, ben]) await soon.hidden(p.page.locator('#room-rec'));

  await ana.button('Record the meeting (everyone is told)').click();
  for (const p of [ana, ben]) {
    await soon.visible(p.page.locator('#room-rec'));
    await soon.text(p.page.locator('#room-rec'), /^REC/);
  }
  await soon.visible(ben.page.getByText('Recording started: this meeting is being recorded.'));
  await soon.visible(ana.button('Stop recording the meeting'));
  await soon.count(ben.page.locator('#ctl-record:visible'), 0);
  await ben.screenshot('room-recording.png');

  await ana.button('Stop recording the meeting').click();
  for (const p of [ana, ben]) await soon.hidden(p.page.locator('#room-rec'));
  await soon.visible(ben.page.getByText('Recording stopped.'));
  await soon.visible(ana.button('Record the meeting (everyone is told)'));
  await soon.hidden(ana.page.locator('#alert'));
});

/** Init script: keeps the page's PeerConnections (window.__pcs), for what a failure message says. */
const KEEP_PEER_CONNECTIONS = `(() => {
  window.__pcs = [];
  const Real = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) { const pc = new Real(...args); window.__pcs.push(pc); return pc; };
  window.RTCPeerConnection.prototype = Real.prototype;
})();`;

/** The video layers a page sends (rid, size, frame rate, what limits them). */
const sentLayers = (p: Person) =>
  p.page.evaluate(async () => {
    const out: string[] = [];
    for (const pc of (window as any).__pcs ?? []) {
      for (const st of (await pc.getStats()).values()) {
        if (st.type === 'outbound-rtp' && st.kind === 'video')
          out.push(`${st.rid}:${st.frameWidth}x${st.frameHeight}@${st.framesPerSecond} ${st.qualityLimitationReason}`);
      }
    }
    return out.join(', ');
  });

test('click-to-spotlight: a clicked tile becomes large and receives the highest simulcast layer, the others a lower one; clicked again, back to the grid (screenshot)', async () => {
  // Ana and Cho in browsers of their own: pages of one browser share its fake camera, opened at the
  // size the first page asked for (640x480 here), and three layers need it captured in HD.
  const [forAna, forCho] = await Promise.all([launchWith(CHROMIUM_ARGS), launchWith(CHROMIUM_ARGS)]);
  const [ana, ben, cho] = await Promise.all([
    Person.open({ on: forAna, initScript: KEEP_PEER_CONNECTIONS }),
    Person.open(),
    Person.open({ on: forCho, initScript: KEEP_PEER_CONNECTIONS }),
  ]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await cho.joinByLink('Cho', roomId);
  await ben.expectToSee(['Ana', 'Cho']);
  const videoWidth = (name: string) =>
    ben
      .remoteTile(name)
      .locator('video')
      .evaluate((v) => (v as HTMLVideoElement).videoWidth);
  const widthOf = async (name: string) => (await ben.remoteTile(name).boundingBox())!.width;
  // In the grid every camera comes in its middle layer (half of the 1280x720 capture).
  await eventually(
    'Ana’s camera in the middle layer',
    () => videoWidth('Ana'),
    (w) => w > 0 && w <= 640,
    PAGE,
  );

  await ben.remoteTile('Ana').click();
  const spot = ben.button('Back to the grid (stop showing Ana large)');
  await soon.attr(spot, 'aria-pressed', 'true');
  await soon.count(ben.page.locator('#screen-area .tile.spotlit[data-name="Ana"]'), 1);
  await soon.attr(ben.page.locator('#stage'), 'data-layout', 'presentation');
  expect(await widthOf('Ana')).toBeGreaterThan(2 * (await widthOf('Cho')));
  // Ana's full-size layer arrives.
  await eventually(
    'Ana’s camera in the highest layer',
    () => videoWidth('Ana'),
    (w) => w >= 1280,
    PAGE,
  ).catch(async (err) => {
    throw new Error(`${err.message} (Ana sends ${await sentLayers(ana)})`);
  });
  // Cho, small in the strip, is asked for the quarter-size layer: a smaller one than Ana's arrives
  // (the quarter itself only while Cho's browser sends it: Chrome drops the SDK's last-listed layer,
  // 'l', when it sends fewer, e.g. under CPU load, and the gateway then relays 'm').
  await eventually(
    'Cho’s camera in a lower layer meanwhile',
    async () => [await videoWidth('Ana'), await videoWidth('Cho')],
    ([a, c]) => a >= 1280 && c > 0 && c <= 640,
    PAGE,
  ).catch(async (err) => {
    throw new Error(`${err.message} (Cho sends ${await sentLayers(cho)})`);
  });
  await ben.decodedFrames('#screen-area .tile.spotlit video', 5);
  await ben.screenshot('room-spotlight.png');
  // Nobody else's page changed.
  await soon.attr(ana.page.locator('#stage'), 'data-layout', 'grid');

  await spot.click();
  await soon.count(ben.page.locator('#screen-area .tile'), 0);
  await soon.attr(ben.page.locator('#stage'), 'data-layout', 'grid');
  await soon.attr(ben.button('Show Ana large'), 'aria-pressed', 'false');
  await eventually(
    'Ana’s camera back in the middle layer',
    () => videoWidth('Ana'),
    (w) => w > 0 && w <= 640,
    PAGE,
  );
  await eventually(
    'Cho’s camera back in the middle layer',
    () => videoWidth('Cho'),
    (w) => w > 320 && w <= 640,
    PAGE,
  );
  await ben.expectToSee(['Ana', 'Cho']);
});

test('a screen share is shown large with the cameras in a strip, and goes away when stopped', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);

  await ana.button('Share your screen').click();
  await soon.visible(ana.button('Stop sharing your screen'));
  await soon.attr(ben.page.locator('#stage'), 'data-layout', 'presentation');
  const screen = ben.page.locator('#screen-area .tile.feed-screen');
  await soon.text(screen.locator('figcaption .name'), 'Ana is presenting');
  await ben.page.waitForFunction(() => document.querySelector('#screen-area .tile')?.getAttribute('data-stream') === 'live', null, { timeout: WAIT });
  const [frames] = await ben.decodedFrames('#screen-area video', 5);
  expect(frames.frames).toBeGreaterThanOrEqual(5);
  expect(frames.width).toBeGreaterThan(0);
  // Large screen, cameras below it in a strip of small tiles.
  const screenBox = (await screen.boundingBox())!;
  const camBoxes = await Promise.all((await ben.page.locator('#tiles .tile').all()).map((t) => t.boundingBox()));
  expect(camBoxes).toHaveLength(2);
  for (const b of camBoxes) {
    expect(b!.y).toBeGreaterThan(screenBox.y + screenBox.height - 1);
    expect(b!.height).toBeLessThan(screenBox.height / 2);
  }
  await ben.screenshot('room-presentation.png');

  await ana.button('Stop sharing your screen').click();
  await soon.attr(ben.page.locator('#stage'), 'data-layout', 'grid');
  await soon.count(ben.page.locator('#screen-area .tile'), 0);
  await soon.visible(ana.button('Share your screen'));
});

// ------------------------------------------------------------------ teaching (issue 15)

test('whiteboard: the host draws with the mouse, the guest sees the ink at the same place; then a picture and a PDF are shared (screenshots)', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await ben.expectToSee(['Ana']);

  await ana.button('Start the whiteboard for everyone').click();
  await soon.visible(ana.button('Stop the whiteboard'));
  await soon.text(ben.page.locator('#board-title'), 'Whiteboard of Ana');
  await soon.attr(ben.page.locator('#stage'), 'data-layout', 'presentation');
  // Both boards are up once the SDK has laid its overlay over each canvas.
  for (const p of [ana, ben]) await soon.count(p.page.locator('.board-frame [data-board-overlay]'), 1);
  await soon.visible(ana.page.getByRole('toolbar', { name: 'Drawing tools' }));

  const stroke: Frac[] = [
    [0.15, 0.25],
    [0.5, 0.5],
    [0.85, 0.75],
  ];
  await ana.drawOnBoard(stroke);
  for (const f of stroke) await ben.boardShows(f, isInk, `Ben's board shows Ana's stroke at ${f}`);
  expect(isInk(await ben.boardPixel([0.85, 0.2]))).toBe(false);
  // A shape from the picker: a square, its edge at the drag's end.
  await ana.page.getByLabel('Which shape', { exact: true }).selectOption('square');
  await ana.drawOnBoard([
    [0.6, 0.15],
    [0.75, 0.35],
  ]);
  await ben.boardShows([0.75, 0.35], isInk, "the square's corner on Ben's board");
  await ana.screenshot('room-whiteboard.png');

  // A picture, made in the page (left half red, right half blue, 16:9 like the board).
  const png = await ana.page.evaluate(() => {
    const c = document.createElement('canvas');
    [c.width, c.height] = [320, 180];
    const g = c.getContext('2d')!;
    g.fillStyle = '#ff0000';
    g.fillRect(0, 0, 160, 180);
    g.fillStyle = '#0000ff';
    g.fillRect(160, 0, 160, 180);
    return c.toDataURL('image/png').split(',')[1];
  });
  // The whiteboard gives way to the document (one share at a time).
  await ana.chooseFile(ana.button('Share a document (picture or PDF)'), { name: '슬라이드.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') });
  await soon.text(ben.page.locator('#board-title'), 'Document shared by Ana');
  await ben.boardShows([0.25, 0.5], isRed, "the picture's red half on Ben's board");
  await ben.boardShows([0.75, 0.6], isBlue, "the picture's blue half on Ben's board");
  await soon.visible(ana.button('Stop sharing the document'));
  await ana.screenshot('room-document.png');

  // A two-page PDF: its pages turned by the sharer, for everyone.
  const pdf = makePdf([
    { width: 640, height: 360, content: '1 0 0 rg 0 0 640 360 re f' },
    { width: 640, height: 360, content: '0 0 1 rg 0 0 640 360 re f' },
  ]);
  await ana.chooseFile(ana.button('Another file'), { name: 'lecture.pdf', mimeType: 'application/pdf', buffer: pdf });
  await soon.text(ana.page.locator('#doc-page'), 'Page 1 of 2');
  await ben.boardShows([0.75, 0.5], isRed, "PDF page 1 on Ben's board");
  await soon.text(ben.page.locator('#doc-page'), 'Page 1');
  await ana.button('Next page').click();
  await soon.text(ana.page.locator('#doc-page'), 'Page 2 of 2');
  await ben.boardShows([0.25, 0.5], isBlue, "PDF page 2 on Ben's board");
  await soon.text(ben.page.locator('#doc-page'), 'Page 2');
  await soon.enabled(ana.button('Next page'), false);

  await ana.button('Stop sharing the document').click();
  await soon.hidden(ben.page.locator('#board-area'));
  await soon.attr(ben.page.locator('#stage'), 'data-layout', 'grid');
  await soon.visible(ana.button('Start the whiteboard for everyone'));
});

test("permits: the host turns a guest's chat off (its chat is disabled) and on, withdraws screen sharing, and hands the host role on (screenshot)", async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await soon.count(ana.remoteTile('Ben'), 1);
  await ben.button(/^Show chat/).click();
  await soon.enabled(ben.page.getByRole('textbox', { name: 'Write a message' }));

  await ana.button('Show people in the meeting').click();
  await ana.button('Chat for Ben: allowed. Press to turn it off').click();
  await soon.visible(ben.page.getByText('The host has turned chat off for you.'));
  await soon.enabled(ben.page.getByRole('textbox', { name: 'Write a message' }), false);
  await soon.enabled(ben.button('Send'), false);
  await ana.button('Screen for Ben: allowed. Press to turn it off').click();
  await soon.enabled(ben.button('Share your screen'), false);
  await soon.attr(ana.page.locator('#member-list [data-permit="chat"]'), 'aria-pressed', 'false');
  await ana.screenshot('room-people-permits.png');

  // Given back: Ben writes, Ana reads it.
  await ana.button('Chat for Ben: not allowed. Press to allow it').click();
  await soon.hidden(ben.page.getByText('The host has turned chat off for you.'));
  await ben.page.getByRole('textbox', { name: 'Write a message' }).fill('may I ask?');
  await ben.button('Send').click();
  await ana.button(/^Show chat/).click();
  await soon.text(ana.page.locator('#chat-log .msg .text').last(), 'may I ask?');

  // The host role handed on (two presses): Ben gets the host's controls, Ana loses them.
  await ana.button('Show people in the meeting').click();
  await ana.button('Make Ben the host').click();
  await ana.button('Press again to make Ben the host (you will no longer be)').click();
  await ben.button('Show people in the meeting').click();
  await soon.visible(ben.button('End meeting for everyone'));
  await soon.visible(ben.button('Chat for Ana: allowed. Press to turn it off'));
  await soon.hidden(ana.button('End meeting for everyone'));
  await soon.count(ana.page.locator('#member-list .permits'), 0);
  await soon.visible(ana.remoteTile('Ben').locator('.host-badge'));
});

test('breakout: the host sends a guest into a group, the guest moves there, and comes back when the host ends it (screenshot)', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);
  await soon.hidden(ben.button('Breakout groups')); // the host's only

  await ana.button('Breakout groups').click();
  await ana.page.getByRole('checkbox', { name: 'Ben', exact: true }).check();
  await ana.page.getByLabel('Group name', { exact: true }).fill('Team 1');
  await ana.button('Create group').click();
  await soon.text(ben.page.locator('#room-title'), 'Team 1');
  await soon.visible(ben.page.locator('#room-badge'));
  await soon.count(ben.page.locator('.tile.remote'), 0);
  await soon.count(ana.remoteTile('Ben'), 0);
  await soon.text(ana.page.locator('#breakout-groups .group-title'), 'Team 1');
  await Promise.all([ana.screenshot('room-breakout.png'), ben.screenshot('room-breakout-group.png')]);

  await ana.button('End the group Team 1: its members come back').click();
  await soon.hidden(ben.page.locator('#room-badge'));
  await soon.text(ben.page.locator('#room-title'), roomId);
  // Back in the main room, cameras both ways again (Ben's camera sent anew, Ana receiving it anew).
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);
  await soon.count(ana.page.locator('#breakout-groups li'), 0);
});

test('background blur: on, the preview shows the processed camera and the call goes on; off, the camera again', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await ben.expectToSee(['Ana']);
  const previewTrack = () =>
    ana.page.evaluate(
      () => ((document.querySelector('.tile.local.feed-cam video') as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0]?.constructor.name,
    );
  expect(await previewTrack()).toBe('MediaStreamTrack');

  await ana.button('Blur your background').click();
  await soon.visible(ana.button('Stop blurring your background'));
  expect(await previewTrack()).toBe('CanvasCaptureMediaStreamTrack');
  await ana.decodedFrames('.tile.local.feed-cam video', 5);
  await ben.expectToSee(['Ana']);

  await ana.button('Stop blurring your background').click();
  await soon.visible(ana.button('Blur your background'));
  expect(await previewTrack()).toBe('MediaStreamTrack');
  await ben.expectToSee(['Ana']);
  await soon.hidden(ana.page.locator('#alert'));
});

test('switching microphone and speaker in the call keeps the call going', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);

  // Microphone: another device's track replaces the sent one.
  await ana.button('Camera, microphone and speaker').click();
  const mic = ana.page.getByLabel('Microphone', { exact: true });
  await soon.visible(mic);
  const choices = await mic.locator('option').evaluateAll((os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: o.textContent })));
  const other = choices.find((c) => c.value !== 'default' && c.value !== '' && c.value !== choices[0].value)!;
  expect(other).toBeDefined();
  await mic.selectOption(other.value);
  await ana.page.waitForFunction(
    (label) =>
      (document.querySelector('.tile.local video') as HTMLVideoElement).srcObject instanceof MediaStream &&
      ((document.querySelector('.tile.local video') as HTMLVideoElement).srcObject as MediaStream).getAudioTracks()[0]?.label === label,
    other.label,
    { timeout: WAIT },
  );
  await soon.hidden(ana.page.locator('#alert'));
  await ben.expectToSee(['Ana']);

  // Speaker: every remote media element plays on the chosen output.
  await ben.button('Camera, microphone and speaker').click();
  const speaker = ben.page.getByLabel('Speaker', { exact: true });
  const outputs = await speaker.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  const output = outputs.find((v) => v !== 'default' && v !== '')!;
  expect(output).toBeDefined();
  await speaker.selectOption(output);
  await ben.page.waitForFunction(
    (id) => [...document.querySelectorAll<HTMLVideoElement>('.tile.remote video')].every((v) => (v as any).sinkId === id),
    output,
    { timeout: WAIT },
  );
});

/** Init script: counts the offers the page's PeerConnections make (a renegotiation makes one). */
const COUNT_OFFERS = `(() => {
  window.__offers = 0;
  const real = RTCPeerConnection.prototype.createOffer;
  RTCPeerConnection.prototype.createOffer = function (...args) { window.__offers++; return real.apply(this, args); };
})();`;

test('switching the camera mid-call through the picker: the SDK sends the other camera without renegotiating (screenshot)', async () => {
  // Three fake cameras: the second one is a depth camera (Y16) that WebRTC cannot encode, the third
  // an ordinary one (MJPEG).
  const cameras = await launchWith(CHROMIUM_ARGS.map((a) => (a === '--use-fake-device-for-media-stream' ? `${a}=device-count=3` : a)));
  const [ana, ben] = await Promise.all([Person.open({ on: cameras, initScript: COUNT_OFFERS }), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);

  await ana.button('Camera, microphone and speaker').click();
  const camera = ana.page.getByLabel('Camera', { exact: true });
  await soon.visible(camera);
  await eventually(
    'the fake cameras in the picker',
    () => camera.locator('option').allTextContents(),
    (o) => o.includes('fake_device_0') && o.includes('fake_device_2'),
    PAGE,
  );
  const sentLabel = () =>
    ana.page.evaluate(() => ((document.querySelector('.tile.local video') as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0]?.label);
  expect(await sentLabel()).toBe('fake_device_0');
  const offers = await ana.page.evaluate(() => {
    (window as any).__oldCamera = ((document.querySelector('.tile.local video') as HTMLVideoElement).srcObject as MediaStream).getVideoTracks()[0];
    return (window as any).__offers as number;
  });

  await camera.selectOption({ label: 'fake_device_2' });
  await eventually('our tile showing the other camera', sentLabel, (l) => l === 'fake_device_2', PAGE);
  // The old camera is released, the picker shows the one in use, and no offer was made for it.
  expect(await ana.page.evaluate(() => (window as any).__oldCamera.readyState)).toBe('ended');
  await eventually(
    'the picker on the other camera',
    () => camera.evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent),
    (l) => l === 'fake_device_2',
    PAGE,
  );
  expect(await ana.page.evaluate(() => (window as any).__offers)).toBe(offers);
  await soon.hidden(ana.page.locator('#alert'));
  // Ben keeps decoding Ana's camera: the new one's frames on the same track.
  await ben.expectToSee(['Ana']);
  await ana.decodedFrames('.tile.local video', 5);
  await ana.screenshot('room-devices.png');
});

// ------------------------------------------------------------------ failures, in words

test('unknown room: says there is no such room', async () => {
  const ana = await Person.open();
  await ana.joinByLink('Ana', `nobody-here-${Date.now()}`, { expectCall: false });
  expect(await ana.lobbyError()).toBe('There is no room with this id. Check the link, or create a new room.');
  await soon.hidden(ana.page.locator('#call'));
});

test('room full: a room created for one says so to the second person', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana', { capacity: 1 });
  await ben.joinByLink('Ben', roomId, { expectCall: false });
  expect(await ben.lobbyError()).toBe('This room is full.');
  await soon.hidden(ben.page.locator('#call'));
});

test('PIN room: joining without the PIN asks for it, a wrong PIN is said in words, the right one joins (screenshot)', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana', { pin: '4321' });
  const pin = ben.page.getByLabel('Room PIN', { exact: true });
  await ben.joinByLink('Ben', roomId, { expectCall: false });
  expect(await ben.lobbyError()).toBe('This room is protected by a PIN. Enter the PIN and join again.');
  await soon.visible(pin);
  expect(await ben.page.evaluate(() => document.activeElement?.id)).toBe('join-pin');

  await pin.fill('1111');
  await ben.button('Join room').click();
  await soon.text(ben.page.locator('#lobby-status.error'), 'Wrong PIN. Check it with the host and try again.');
  await soon.hidden(ben.page.locator('#call'));
  await ben.screenshot('lobby-pin-wrong.png');

  await pin.fill('4321');
  await ben.button('Join room').click();
  await ben.inCall();
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);
});

test('gateway unreachable: says the video server cannot be reached', async () => {
  const server = await startDemo(`ws://127.0.0.1:${await closedPort()}`);
  extraServers.push(server);
  const ana = await Person.open({ origin: server.origin });
  await ana.page.getByLabel('Your name', { exact: true }).fill('Ana');
  await ana.button('Create new room').click();
  expect(await ana.lobbyError()).toMatch(/^Cannot reach the video server/);
  await soon.hidden(ana.page.locator('#call'));
  await soon.enabled(ana.button('Create new room'));
});

test('kicked: the host removes a member, who is told so', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await ana.expectToSee(['Ben']);
  // Only the host is offered "Remove".
  await ben.button('Show people in the meeting').click();
  await soon.count(ben.page.locator('[data-action="kick"]'), 0);

  await ana.button('Show people in the meeting').click();
  await ana.button('Remove Ben from the meeting').click();
  await ana.button('Press again to remove Ben').click();
  expect(await ben.lobbyError()).toBe('The host removed you from the meeting.');
  await soon.hidden(ben.page.locator('#call'));
  await soon.count(ana.remoteTile('Ben'), 0);
});

test('the host ends the meeting for everyone', async () => {
  const [ana, ben] = await Promise.all([Person.open(), Person.open()]);
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId);
  await ben.button('Show people in the meeting').click();
  await soon.hidden(ben.button('End meeting for everyone'));
  await ana.button('Show people in the meeting').click();
  await ana.button('End meeting for everyone').click();
  await ana.button('Press again to end the meeting for everyone').click();
  expect(await ben.lobbyError()).toBe('The meeting was ended.');
  await soon.text(ana.page.locator('#lobby-status'), 'You ended the meeting for everyone.');
  // The room is gone: joining it again is refused.
  await ben.button('Join room').click();
  expect(await ben.lobbyError()).toBe('There is no room with this id. Check the link, or create a new room.');
});

test('camera permission denied: says so, and the person can still join to watch', async () => {
  const denying = await launchWith(CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream'));
  // As if the person had clicked "Block" on the browser's camera/microphone prompt for this site.
  const deny = async () => {
    const cdp = await denying.newBrowserCDPSession();
    for (const name of ['camera', 'microphone']) {
      await cdp.send('Browser.setPermission', { permission: { name }, setting: 'denied', origin: demo.origin });
    }
    await cdp.detach();
  };
  const ana = await Person.open({ on: denying, beforeLoad: deny });
  const status = ana.page.locator('#media-status');
  await soon.text(status, /^Camera and microphone access is blocked\./);
  await soon.enabled(ana.button('No camera'), false);
  await soon.enabled(ana.button('No microphone'), false);

  const ben = await Person.open();
  const roomId = await ben.createRoom('Ben');
  await ana.joinByLink('Ana', roomId);
  await ana.expectToSee(['Ben']);
  await soon.count(ben.remoteTile('Ana'), 1);
});

test('no camera: says so, and the person joins with the microphone only', async () => {
  const noCamera = await launchWith(
    CHROMIUM_ARGS.map((a) => (a === '--use-fake-device-for-media-stream' ? '--use-fake-device-for-media-stream=device-count=0' : a)),
  );
  const ana = await Person.open({ on: noCamera });
  await soon.text(ana.page.locator('#media-status'), 'No camera found. You can join with your microphone only.');
  await soon.enabled(ana.button('No camera'), false);
  await soon.enabled(ana.button('Mute microphone'));

  const ben = await Person.open();
  const roomId = await ben.createRoom('Ben');
  await ana.joinByLink('Ana', roomId);
  await ana.expectToSee(['Ben']);
  // Ben receives Ana's audio-only feed and shows her avatar instead of a black picture.
  const anaOnBen = ben.remoteTile('Ana');
  await soon.attr(anaOnBen, 'data-stream', 'live');
  await soon.visible(anaOnBen.locator('.avatar'));
  expect(await anaOnBen.locator('video').evaluate((v) => ((v as HTMLVideoElement).srcObject as MediaStream).getAudioTracks().length)).toBe(1);
});

test('secure by default: `npm run demo`’s own gateway admits only tokens, which the page gets from the demo server; two people meet with them', async () => {
  const secure = await startDemo(); // no JANUS_URL: a secure gateway of its own, on 8188
  extraServers.push(secure);
  const tokens: string[] = [];
  const [ana, ben] = await Promise.all([Person.open({ origin: secure.origin }), Person.open({ origin: secure.origin })]);
  for (const p of [ana, ben]) p.page.on('requestfinished', (r) => void (r.url().endsWith('/api/token') && tokens.push(r.postData() ?? '')));
  const roomId = await ana.createRoom('Ana');
  await ben.joinByLink('Ben', roomId, { origin: secure.origin });
  await Promise.all([ana.expectToSee(['Ben']), ben.expectToSee(['Ana'])]);
  // Ana asked for the right to create, Ben for that one room.
  expect(tokens.map((t) => JSON.parse(t))).toEqual([
    { name: 'Ana', create: true },
    { name: 'Ben', room: roomId },
  ]);
  // The gateway itself refuses a session with the constant key the page sends an open gateway.
  const raw = await RawJanus.open('ws://127.0.0.1:8188');
  expect(await raw.request({ janus: 'create', token: 'demo' })).toMatchObject({ janus: 'error', error: { code: 403 } });
  raw.close();
  await ana.screenshot('secure-default-call.png');
});

test('the demo leaves no session or handle behind on the gateway', async () => {
  // Everyone above left through the UI (or was put out) before their page closed: the gateway
  // must have freed every session and handle they used.
  if (!process.env.JANUS_ADMIN_URL) {
    throw new Error('JANUS_ADMIN_URL is not set: this check needs the Admin API of the suite’s gateway');
  }
  expect(await waitForNoSessions(10_000)).toEqual({ sessions: 0, handles: 0 });
});

// Last: the session this cuts off stays on the gateway until its reclaim_session_timeout, which
// the check above must not wait for.
test('gateway lost mid-call: back in the lobby with the reason', async () => {
  const proxy = await startTcpProxy(janusUrl());
  const server = await startDemo(proxy.url);
  extraServers.push(server);
  const ana = await Person.open({ origin: server.origin });
  await ana.page.getByLabel('Your name', { exact: true }).fill('Ana');
  await ana.button('Create new room').click();
  await ana.inCall();
  await proxy.close();
  expect(await ana.lobbyError()).toBe('The connection to the video server was lost.');
  await soon.hidden(ana.page.locator('#call'));
  // Leave the gateway clean for the test files after this one: the cut-off session goes when the
  // gateway gives up waiting for it to be reclaimed.
  if (process.env.JANUS_ADMIN_URL) expect(await waitForNoSessions(90_000)).toEqual({ sessions: 0, handles: 0 });
});
