/** Medians, the results table, the machine's description and RESULTS.md. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)}` : 'n/a');
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : 'n/a');
const range = (values) => {
  const v = values.filter(Number.isFinite);
  return v.length ? `${ms(Math.min(...v))}–${ms(Math.max(...v))}` : '';
};
const countRange = (values) => {
  const v = [...new Set(values)].sort((a, b) => a - b);
  return v.length ? v.join('/') : 'n/a';
};

/** "612 ms (540–700, 7 reps)", saying how many repetitions failed if any did. */
function timing(samples) {
  const ok = samples.filter((s) => Number.isFinite(s.ms)).map((s) => s.ms);
  const failed = samples.length - ok.length;
  return `${ms(median(ok))} ms (${range(ok)}, n=${ok.length}${failed ? `, ${failed} failed` : ''})`;
}
const medianOf = (samples, key = 'ms') => median(samples.map((s) => s[key]));

/**
 * One table: rows are the four measures of issue 6, columns ours / baseline / ratio.
 * `results`: { ttff: {N: {ours, baseline}}, publish: {ours, baseline}, bundle }.
 */
export function resultsTable({ ttff, publish, bundle }) {
  const rows = [['measure', 'ours (Knowledgetalk UMD)', 'baseline (plain janus.js)', 'ours / baseline']];
  for (const [n, r] of Object.entries(ttff)) {
    rows.push([
      `1. time to first frame, N=${n} (joinRoom → every feed decoded)`,
      timing(r.ours),
      timing(r.baseline),
      ratio(medianOf(r.ours), medianOf(r.baseline)),
    ]);
  }
  for (const [n, r] of Object.entries(ttff)) {
    if (!r['ours-seq']) continue;
    rows.push([
      `1b. same, N=${n}, ours used as the README example (await each subscribeVideo)`,
      timing(r['ours-seq']),
      timing(r.baseline),
      ratio(medianOf(r['ours-seq']), medianOf(r.baseline)),
    ]);
  }
  rows.push([
    '2. publish → first frame on a joined member',
    timing(publish.ours),
    timing(publish.baseline),
    ratio(medianOf(publish.ours), medianOf(publish.baseline)),
  ]);
  const total = bundle.parts.reduce((a, p) => a + p.aloneGzip, 0);
  // The usual way: janus.js plus the whole webrtc-adapter (the SDK takes only adapter's detection).
  const janus = bundle.parts.find((p) => p.name === 'janus-gateway');
  const baselineGzip = (janus?.aloneGzip ?? 0) + bundle.fullAdapterGzip;
  // No ratio: the baseline column is only the two libraries, without the code an app adds on them.
  rows.push([
    '3. UMD bundle, minified + gzip (baseline: janus.js + adapter, minified + gzip each)',
    `${kb(bundle.gzip)} gzip (${kb(bundle.min)} min)`,
    `${kb(baselineGzip)} gzip, before app code`,
    '',
  ]);
  for (const p of bundle.parts) {
    const share = ((100 * p.inBundle) / bundle.min).toFixed(0);
    rows.push([
      `3. part: ${p.name === 'ours' ? 'ours (sdk/)' : p.name}`,
      `${kb(p.aloneGzip)} gzip alone · ${kb(p.inBundle)} min in bundle (${share}%)`,
      '',
      '',
    ]);
  }
  rows.push(['3. parts gzipped alone, summed', kb(total), '', '']);
  const counts = (samples, key) => samples.map((x) => x[key]).filter(Number.isFinite);
  /** "3 (1 still open after leaving the room)" when some connection outlives the room. */
  const connections = (samples) => {
    const after = counts(samples, 'pcsAfterLeave');
    const kept = after.some((x) => x > 0) ? ` (${countRange(after)} still open after leaving the room)` : '';
    return countRange(counts(samples, 'pcs')) + kept;
  };
  for (const [n, r] of Object.entries(ttff)) {
    rows.push([
      `4. peer connections per member, N=${n} (receiving N feeds + publishing its camera)`,
      connections(r.ours),
      connections(r.baseline),
      ratio(median(counts(r.ours, 'pcs')), median(counts(r.baseline, 'pcs'))),
    ]);
  }
  for (const [n, r] of Object.entries(ttff)) {
    rows.push([
      `4b. of which carry audio/video (publisher + subscriber side), N=${n}`,
      countRange(counts(r.ours, 'mediaPcs')),
      countRange(counts(r.baseline, 'mediaPcs')),
      ratio(median(counts(r.ours, 'mediaPcs')), median(counts(r.baseline, 'mediaPcs'))),
    ]);
  }
  return markdownTable(rows);
}

/** Where the join time goes: medians of the moments inside the timed joins. */
export function breakdown(ttff) {
  const lines = [];
  for (const [n, r] of Object.entries(ttff)) {
    for (const kind of Object.keys(r)) {
      const s = r[kind].filter((x) => Number.isFinite(x.ms));
      lines.push(
        `- N=${n} ${kind.padEnd(8)}: joined ${ms(medianOf(s, 'joinedMs'))} ms → all subscriptions negotiated ${ms(medianOf(s, 'negotiatedMs'))} ms → every first frame ${ms(medianOf(s))} ms`,
      );
    }
  }
  return lines.join('\n');
}

/** One join's Janus messages, relative to the join call (sent '>' and received '<'). */
export function signallingTimeline(entries) {
  const out = [];
  for (const e of entries) {
    const last = out[out.length - 1];
    // Trickled candidates come in bursts: one line per burst.
    if (last && e.what === last.what && e.what.includes('trickle') && e.dir === last.dir) {
      last.count++;
      continue;
    }
    out.push({ ...e, count: 1 });
  }
  return out.map((e) => `${e.t.toFixed(1).padStart(8)} ms ${e.dir} ${e.what}${e.count > 1 ? ` ×${e.count}` : ''}`).join('\n');
}

function markdownTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

function osName() {
  try {
    return /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os.type();
  } catch {
    return os.type();
  }
}

export function machine({ chromium, janus, loadBefore }) {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores`,
    ram: `${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`,
    os: `${osName()} (Linux ${os.release()})`,
    chromium,
    janus,
    node: process.version,
    loadBefore,
  };
}
