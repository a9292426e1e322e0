import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, targetOf, type Bench } from './bench';
import { drain } from './drain';
import { keyRotation } from './keyRotation';
import { longTasksScan, longTasksSync } from './longTasks';
import { ocr, ocrDense } from './ocr';
import { pdf } from './pdf';
import { saveDossier } from './saveDossier';
import { savePages } from './savePages';
import { citizenSessions } from './sessions';
import { slowLink } from './slowLink';
import { startScreen } from './startScreen';
import { tapFeedback } from './tapFeedback';

/**
 * `npm run bench`: runs every benchmark in this folder and writes docs/benchmarks.md with the
 * machine and the date. Speed targets live here, not in timed unit tests. Needs `npm run build`.
 * `npm run bench -- P6p P8` runs only those and prints them, leaving the file alone.
 */
const all: Bench[] = [startScreen, tapFeedback, longTasksScan, longTasksSync, saveDossier, savePages, keyRotation, slowLink, drain, ocr, ocrDense, pdf, citizenSessions];
const only = process.argv.slice(2);
const benches = only.length ? all.filter((bench) => only.includes(bench.id)) : all;
const root = path.resolve(import.meta.dirname, '../..');

const rows: string[] = [];
const notes: string[] = [];
for (const bench of benches) {
  const { samples, notes: benchNotes = [] } = await bench.run(bench.runs);
  notes.push(...benchNotes);
  for (const note of benchNotes) console.log(note);
  const { limit, unit } = targetOf(bench);
  const [p50, p95] = [50, 95].map((p) => `${percentile(samples, p).toFixed(unit === 'ms' ? 0 : 1)} ${unit}`);
  const verdict = percentile(samples, 95) <= limit ? 'met' : '**missed**';
  rows.push(`| ${bench.id} | ${bench.title} | ${samples.length} | ${p50} | ${p95} | ≤ ${limit} ${unit} | ${verdict} |`);
  console.log(`${bench.id}: p50 ${p50}, p95 ${p95} (target ≤ ${limit} ${unit})`);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
if (!only.length) writeFileSync(
  path.join(root, 'docs/benchmarks.md'),
  `# Benchmarks

Written by \`npm run bench\` (test/bench/run.ts); targets from the founders' quality targets (P*).

- Date: ${new Date().toISOString()}
- Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}

| id | what | runs | p50 | p95 | target p95 | |
|---|---|---|---|---|---|---|
${rows.join('\n')}

${notes.map((note) => `- ${note}`).join('\n')}
`,
);
