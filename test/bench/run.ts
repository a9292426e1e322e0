import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, type Bench } from './bench';
import { drain } from './drain';
import { keyRotation } from './keyRotation';
import { ocr, ocrDense } from './ocr';
import { pdf } from './pdf';
import { saveDossier } from './saveDossier';
import { savePages } from './savePages';
import { slowLink } from './slowLink';
import { startScreen } from './startScreen';

/**
 * `npm run bench`: runs every benchmark in this folder and writes docs/benchmarks.md with the
 * machine and the date. Speed targets live here, not in timed unit tests. Needs `npm run build`.
 * `npm run bench -- P6p P8` runs only those and prints them, leaving the file alone.
 */
const all: Bench[] = [startScreen, saveDossier, savePages, keyRotation, slowLink, drain, ocr, ocrDense, pdf];
const only = process.argv.slice(2);
const benches = only.length ? all.filter((bench) => only.includes(bench.id)) : all;
const root = path.resolve(import.meta.dirname, '../..');

const rows: string[] = [];
const notes: string[] = [];
for (const bench of benches) {
  const { samples, notes: benchNotes = [] } = await bench.run(bench.runs);
  notes.push(...benchNotes);
  for (const note of benchNotes) console.log(note);
  const [p50, p95] = [50, 95].map((p) => percentile(samples, p));
  const verdict = p95! <= bench.target.p95Ms ? 'met' : '**missed**';
  rows.push(`| ${bench.id} | ${bench.title} | ${samples.length} | ${p50!.toFixed(0)} | ${p95!.toFixed(0)} | ≤ ${bench.target.p95Ms} | ${verdict} |`);
  console.log(`${bench.id}: p50 ${p50!.toFixed(0)} ms, p95 ${p95!.toFixed(0)} ms (target ≤ ${bench.target.p95Ms} ms)`);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
if (!only.length) writeFileSync(
  path.join(root, 'docs/benchmarks.md'),
  `# Benchmarks

Written by \`npm run bench\` (test/bench/run.ts); targets from the founders' quality targets (P*).

- Date: ${new Date().toISOString()}
- Machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}

| id | what | runs | p50 ms | p95 ms | target p95 ms | |
|---|---|---|---|---|---|---|
${rows.join('\n')}

${notes.map((note) => `- ${note}`).join('\n')}
`,
);
