/**
 * The whiteboard's pure parts in Node (sdk/board: doc.ts, sync.ts, tools.ts, shapes.ts): members'
 * docs converge, clear, undo scoped to oneself, bad bytes refused, normalised coordinates, how
 * updates are batched and how big they are. Pixels are test/integration/board-pixels.test.ts's.
 */
import * as Y from 'yjs';
import { BoardDoc, COORD_SCALE, MAX_POINTS, readItem, type StrokeItem } from '../../sdk/board/doc';
import { traceShape, type PathSink } from '../../sdk/board/shapes';
import { UpdateBatcher } from '../../sdk/board/sync';
import { DEFAULT_SETTINGS, SHAPE_TYPES, nextSettings } from '../../sdk/board/tools';

const PEN = { tool: 'pen', color: 'black', width: 2 } as const;

/** Members whose local updates are delivered to each other only when `deliver()` is called. */
function members(n: number) {
  const docs = Array.from({ length: n }, (_, i) => new BoardDoc(undefined, `user${i}`));
  const queues: Uint8Array[][] = docs.map(() => []);
  docs.forEach((doc, i) => doc.onLocalUpdate((u) => queues.forEach((q, j) => j !== i && q.push(u))));
  const deliver = () => {
    let moved = true;
    while (moved) {
      moved = false;
      queues.forEach((q, j) => {
        for (const u of q.splice(0)) {
          expect(docs[j].apply(u)).toBe(true);
          moved = true;
        }
      });
    }
  };
  return { docs, deliver };
}

const strokes = (doc: BoardDoc, page = 'board') => doc.read(page).filter((i): i is StrokeItem => i.kind === 'stroke');

describe('board doc', () => {
  test('two members drawing at the same time both end up with both strokes, in the same order', () => {
    const {
      docs: [a, b],
      deliver,
    } = members(2);
    const sa = a.beginStroke('board', PEN, 0.1, 0.1);
    const sb = b.beginStroke('board', { ...PEN, color: 'red' }, 0.9, 0.9);
    for (let i = 1; i <= 20; i++) {
      sa.add([[0.1 + i * 0.01, 0.1]]);
      sb.add([[0.9 - i * 0.01, 0.9]]);
      if (i % 5 === 0) deliver(); // interleaved, as live strokes are
    }
    sa.end();
    sb.end();
    deliver();
    for (const doc of [a, b]) {
      const items = strokes(doc);
      expect(items).toHaveLength(2);
      expect(items.every((s) => s.done && s.points.length === 42)).toBe(true);
    }
    expect(strokes(a).map((s) => s.id)).toEqual(strokes(b).map((s) => s.id));
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
  });

  test('a stroke in progress is seen by the others before it ends', () => {
    const {
      docs: [a, b],
      deliver,
    } = members(2);
    const s = a.beginStroke('board', PEN, 0.2, 0.2);
    s.add([[0.3, 0.3]]);
    deliver();
    expect(strokes(b)[0]).toMatchObject({ done: false, points: [0.2, 0.2, 0.3, 0.3] });
    s.add([[0.4, 0.4]]);
    s.end();
    deliver();
    expect(strokes(b)[0]).toMatchObject({ done: true, points: [0.2, 0.2, 0.3, 0.3, 0.4, 0.4] });
  });

  test('coordinates are fractions of the canvas, stored as integers of 1/COORD_SCALE, clamped to 0..1', () => {
    const doc = new BoardDoc();
    const s = doc.beginStroke('board', PEN, 0.123456, 0.5);
    s.add([
      [1.5, -2],
      [NaN, 0.5],
    ]);
    const stored = (doc.pageItems('board')[0].get('pts') as Y.Array<number>).toArray();
    expect(stored).toEqual([1235, 5000, COORD_SCALE, 0]);
    expect(strokes(doc)[0].points).toEqual([0.1235, 0.5, 1, 0]);
    // the same fraction, whatever the pixel size: a 400 px and an 800 px canvas put it at 49.4 and 98.8 px
    expect(strokes(doc)[0].points[0] * 400).toBeCloseTo(49.4, 5);
    expect(strokes(doc)[0].points[0] * 800).toBeCloseTo(98.8, 5);
  });

  test('clear removes every item of the page, for everyone, and only that page', () => {
    const {
      docs: [a, b],
      deliver,
    } = members(2);
    a.beginStroke('board', PEN, 0.1, 0.1).end();
    b.beginShape('board', 'star', 'blue', 3, 0.1, 0.1, 0.5, 0.5).end();
    b.addText('board', 0.5, 0.5, 'hello', 'green', 20);
    a.beginStroke('doc1-page1', PEN, 0.1, 0.1).end();
    deliver();
    expect(b.read('board')).toHaveLength(3);
    expect(a.clear('board')).toBe(3);
    deliver();
    for (const doc of [a, b]) {
      expect(doc.read('board')).toHaveLength(0);
      expect(doc.read('doc1-page1')).toHaveLength(1);
    }
  });

  test("undo and redo take back only this member's own strokes, for everyone", () => {
    const {
      docs: [a, b],
      deliver,
    } = members(2);
    const first = a.beginStroke('board', PEN, 0.1, 0.1);
    first.add([
      [0.2, 0.2],
      [0.3, 0.3],
    ]); // several transactions: one gesture, one undo step
    first.end();
    b.beginStroke('board', { ...PEN, color: 'red' }, 0.5, 0.5).end();
    a.beginStroke('board', { ...PEN, color: 'blue' }, 0.7, 0.7).end();
    deliver();
    expect(b.undo()).toBe(true); // b's red one
    deliver();
    expect(strokes(a).map((s) => s.color)).toEqual(['black', 'blue']);
    expect(b.undo()).toBe(false); // b has nothing more of its own
    expect(a.undo()).toBe(true);
    deliver();
    expect(strokes(b).map((s) => s.color)).toEqual(['black']);
    expect(a.redo()).toBe(true);
    deliver();
    // redone whole, points and all
    expect(strokes(b).map((s) => s.color)).toEqual(['black', 'blue']);
    expect(a.undo() && a.undo()).toBe(true);
    deliver();
    expect(strokes(b)).toHaveLength(0);
    expect(a.redo()).toBe(true);
    deliver();
    expect(strokes(b)[0]).toMatchObject({ color: 'black', points: [0.1, 0.1, 0.2, 0.2, 0.3, 0.3], done: true });
    expect(a.undo()).toBe(true);
    expect(a.undo()).toBe(false);
  });

  test('bad update bytes are refused without throwing and change nothing', () => {
    const {
      docs: [a, b],
      deliver,
    } = members(2);
    a.beginStroke('board', PEN, 0.1, 0.1).end();
    deliver();
    const before = b.encodeState();
    const good = a.encodeState();
    const bad: unknown[] = [
      new Uint8Array(0),
      new Uint8Array([1]),
      new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 255]),
      good.slice(0, Math.floor(good.length / 2)),
      Uint8Array.from({ length: 500 }, (_, i) => (i * 7919) % 256),
      'not bytes',
      null,
      [1, 2, 3],
    ];
    for (const u of bad) expect(() => b.apply(u as Uint8Array)).not.toThrow();
    for (const u of bad) expect(b.apply(u as Uint8Array)).toBe(false);
    expect(b.encodeState()).toEqual(before);
    expect(() => new BoardDoc(new Uint8Array([9, 9, 9]))).toThrow(/not a valid Yjs update/);
  });

  test('a late joiner given the state sees everything, and its own changes reach the others', () => {
    const {
      docs: [a, b],
      deliver,
    } = members(2);
    a.beginStroke('board', PEN, 0.1, 0.1).end();
    b.addText('board', 0.2, 0.2, 'hi', 'red', 16);
    deliver();
    const late = new BoardDoc(a.encodeState());
    // (the stroke and the text were made at once: Yjs orders them the same way everywhere)
    const kinds = a.read('board').map((i) => i.kind);
    expect(kinds.sort()).toEqual(['stroke', 'text']);
    expect(late.read('board')).toEqual(a.read('board'));
    late.onLocalUpdate((u) => expect(a.apply(u)).toBe(true));
    late.beginShape('board', 'heart', 'pink', 2, 0.1, 0.1, 0.3, 0.3).end();
    expect(a.read('board').map((i) => i.kind)[2]).toBe('shape');
  });

  test("a peer's malformed items are left out, not drawn", () => {
    const doc = new BoardDoc();
    const evil = new Y.Doc();
    const items = evil.getArray<unknown>('items');
    const map = (o: Record<string, unknown>) => {
      const m = new Y.Map<unknown>();
      for (const [k, v] of Object.entries(o)) m.set(k, v);
      return m;
    };
    items.push([
      42,
      'text',
      map({ id: 'x', page: 'board', kind: 'stroke', color: 'red', width: 1e9, tool: 'pen', pts: new Y.Array() }),
      map({ id: 'y', page: 'board', kind: 'shape', color: 'red', width: 2, type: 'dragon', box: [0, 0, 1, 1] }),
      map({ id: 'z', page: 'board', kind: 'text', color: { evil: true }, width: 2, x: 0, y: 0, text: 'a' }),
      map({ id: 'ok', page: 'board', kind: 'text', color: 'red', width: 2, x: 5000, y: 5000, text: 'fine' }),
    ]);
    expect(doc.apply(Y.encodeStateAsUpdate(evil))).toBe(true);
    expect(doc.read('board').map((i) => i.id)).toEqual(['ok']);
    expect(readItem(undefined)).toBeNull();
  });

  test('a stroke cleared by someone else while it is drawn takes no more points', () => {
    const {
      docs: [a, b],
      deliver,
    } = members(2);
    const s = a.beginStroke('board', PEN, 0.1, 0.1);
    expect(s.add([[0.2, 0.2]])).toBe(true);
    deliver();
    b.clear('board');
    deliver();
    expect(s.add([[0.3, 0.3]])).toBe(false);
    s.end();
    deliver();
    expect([a.read('board'), b.read('board')]).toEqual([[], []]);
    expect(a.undo()).toBe(false); // its only step is gone with the stroke
  });

  test('a stroke takes at most MAX_POINTS points; repeated points are not stored', () => {
    const doc = new BoardDoc();
    const s = doc.beginStroke('board', PEN, 0, 0);
    expect(
      s.add([
        [0, 0],
        [0, 0],
      ]),
    ).toBe(true);
    let more = true;
    for (let i = 1; more && i < 5000; i++) more = s.add([[i / 5000, 0.5]]);
    expect(more).toBe(false);
    expect(strokes(doc)[0].points.length).toBe(2 * MAX_POINTS);
  });
});

describe('update batching', () => {
  test('at most one send per interval, merged, and each update of a live stroke is small', () => {
    let now = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const sent: Uint8Array[] = [];
    const batcher = new UpdateBatcher((u) => sent.push(u), {
      intervalMs: 30,
      now: () => now,
      setTimer: (fn, ms) => timers.push({ at: now + ms, fn }),
      clearTimer: () => timers.splice(0),
    });
    const a = new BoardDoc(undefined, 'a');
    const b = new BoardDoc(undefined, 'b');
    a.onLocalUpdate((u) => batcher.push(u));
    const run = (until: number) => {
      while (now < until) {
        now++;
        for (const t of timers.splice(0))
          if (t.at <= now) t.fn();
          else timers.push(t);
      }
    };
    // A stroke drawn for one second at 120 pointer moves a second (one every ~8 ms).
    const s = a.beginStroke('board', PEN, 0.1, 0.1);
    for (let i = 0; i < 120; i++) {
      run(now + 8);
      s.add([[0.1 + i * 0.005, 0.1 + Math.sin(i / 10) * 0.05]]);
    }
    s.end();
    run(now + 100);
    expect(sent.length).toBeGreaterThan(20);
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(1000 / 30) + 2);
    for (const u of sent) expect(b.apply(u)).toBe(true);
    expect(strokes(b)[0].points).toEqual(strokes(a)[0].points);
    const sizes = sent.map((u) => u.byteLength);
    const [first, ...rest] = sizes;
    const max = Math.max(...rest);

    console.log(
      `live stroke, 120 points in 1 s: ${sent.length} updates; first ${first} B, then ${Math.min(...rest)}-${max} B; whole stroke state ${a.encodeState().byteLength} B`,
    );
    expect(Math.max(...sizes)).toBeLessThan(1024);
  });

  test('a full stroke and a text item stay well under the 32 KiB a message may have', () => {
    const a = new BoardDoc();
    const b = new BoardDoc();
    const sizes: number[] = [];
    a.onLocalUpdate((u) => sizes.push(u.byteLength));
    const s = a.beginStroke('board', PEN, 0, 0);
    for (let i = 1; i < MAX_POINTS; i++) s.add([[(i % 1000) / 1000, Math.floor(i / 1000) / 10 + 0.3]]);
    s.end();
    expect(Math.max(...sizes)).toBeLessThan(1024);
    a.addText('board', 0.1, 0.1, 'x'.repeat(5000), 'red', 20); // cut at MAX_TEXT
    expect(sizes[sizes.length - 1]).toBeLessThan(2048);
    // Redoing a full stroke re-sends it whole, in one update.
    const redone: Uint8Array[] = [];
    a.onLocalUpdate((u) => redone.push(u));
    a.undo();
    a.undo();
    a.redo();
    const redo = redone[redone.length - 1];
    b.apply(Y.encodeStateAsUpdate(a.doc));

    console.log(`a full stroke (${MAX_POINTS} points) redone: one update of ${redo.byteLength} B`);
    expect(redo.byteLength).toBeLessThan(16 * 1024);
  });
});

describe('tools', () => {
  test('valid settings change, invalid ones are refused', () => {
    const d = DEFAULT_SETTINGS;
    expect(d).toEqual({ tool: 'pen', color: 'black', width: 2 });
    expect(nextSettings(d, 'shape', 'red', 3)).toEqual({ tool: 'shape', color: 'red', width: 3, type: 'square' });
    expect(nextSettings(d, 'pen', undefined, 10, 'highlight')).toEqual({ tool: 'pen', color: 'black', width: 10, type: 'highlight' });
    expect(nextSettings(d, 'eraser')).toMatchObject({ tool: 'eraser', width: 20 });
    for (const [tool, color, width, type] of [
      ['brush'],
      ['pen', 42],
      ['pen', 'x'.repeat(65)],
      ['pen', ''],
      ['pen', 'red', 0],
      ['pen', 'red', -1],
      ['pen', 'red', NaN],
      ['pen', 'red', 1e6],
      ['pen', 'red', '2'],
      ['pen', 'red', 2, 'star'],
      ['shape', 'red', 2, 'highlight'],
      ['shape', 'red', 2, 'dragon'],
      ['eraser', 'red', 2, 'highlight'],
    ] as unknown[][])
      expect(nextSettings(d, tool, color, width, type)).toBeNull();
    expect(nextSettings(d, 'pen', 'notacolor', 2, undefined, () => false)).toBeNull();
  });

  test('the ten shapes trace ten different paths', () => {
    const traces = SHAPE_TYPES.map((type) => {
      const calls: string[] = [];
      const sink = new Proxy({} as PathSink, {
        get:
          (_, name) =>
          (...args: number[]) =>
            calls.push(`${String(name)}(${args.map((a) => a.toFixed(1)).join(',')})`),
      });
      traceShape(sink, type, 10, 10, 110, 110, 3);
      return calls.join(' ');
    });
    expect(traces.every((t) => t.length > 0)).toBe(true);
    expect(new Set(traces).size).toBe(SHAPE_TYPES.length);
  });
});
