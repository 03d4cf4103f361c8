/**
 * The logger: one level for every named logger, 'error' by default, nothing at all with 'off',
 * and a bad level refused without changing anything.
 */
import { getLogger, loggerControl, type LogLevel } from '../../sdk/logger';

const methods = ['debug', 'info', 'warn', 'error'] as const;
let printed: { method: string; args: unknown[] }[] = [];

beforeEach(() => {
  printed = [];
  for (const m of methods) jest.spyOn(console, m).mockImplementation((...args) => void printed.push({ method: m, args }));
});
afterEach(() => {
  jest.restoreAllMocks();
  loggerControl.setLevel('error');
});

/** Which of trace/debug/info/warn/error reach the console at `level`. */
function heardAt(level: LogLevel | undefined): string[] {
  if (level) expect(loggerControl.setLevel(level)).toBe(true);
  const log = getLogger('api');
  log.trace('t');
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  return printed.map((p) => String(p.args[1]));
}

test("the default is 'error': quiet enough for production", () => {
  expect(loggerControl.getLevel()).toBe('error');
  expect(heardAt(undefined)).toEqual(['e']);
});

test.each([
  ['trace', ['t', 'd', 'i', 'w', 'e']],
  ['debug', ['d', 'i', 'w', 'e']],
  ['info', ['i', 'w', 'e']],
  ['error', ['e']],
  ['off', []],
] as const)("at '%s' the console hears %j", (level, heard) => {
  expect(heardAt(level)).toEqual(heard);
});

test('each subsystem prints under its own name', () => {
  loggerControl.setLevel('info');
  getLogger('gateway').info('up');
  getLogger('subscriber').error('down');
  expect(printed).toEqual([
    { method: 'info', args: ['[knowledgetalk:gateway]', 'up'] },
    { method: 'error', args: ['[knowledgetalk:subscriber]', 'down'] },
  ]);
});

test('a logger with context prints it with every line', () => {
  loggerControl.setLevel('info');
  const room = getLogger('room', { room: 'R1', user: 'alice' });
  room.info('joined');
  room.with({ user: undefined, feed: 'cam' }).error('lost');
  expect(printed).toEqual([
    { method: 'info', args: ['[knowledgetalk:room room=R1 user=alice]', 'joined'] },
    { method: 'error', args: ['[knowledgetalk:room room=R1 feed=cam]', 'lost'] },
  ]);
});

test('a bad level is refused and changes nothing', () => {
  loggerControl.setLevel('debug');
  for (const bad of ['verbose', 'constructor', 'toString', '__proto__', '', 3, null, undefined]) {
    expect(loggerControl.setLevel(bad as LogLevel)).toBe(false);
  }
  expect(loggerControl.getLevel()).toBe('debug');
});

test('a change of level reaches the listeners (janus.js mirrors it)', () => {
  const seen: string[] = [];
  loggerControl.onChange((level) => seen.push(level));
  loggerControl.setLevel('trace');
  loggerControl.setLevel('nonsense' as LogLevel);
  loggerControl.setLevel('off');
  expect(seen).toEqual(['trace', 'off']);
});
