#!/usr/bin/env node
/**
 * Writes the deterministic sample bars (default: data/sample-bars.csv) and checks the hash of the
 * default sample against the recorded one. Needs the compiled project: `npm run build` first.
 *
 * Usage: node scripts/generate-sample-data.mjs [--out PATH]
 */
import { resolve } from 'node:path';

const USAGE = 'usage: node scripts/generate-sample-data.mjs [--out PATH]';

function parseArgs(argv) {
  let out;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && i + 1 < argv.length) out = argv[++i];
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a === '-h' || a === '--help') return { help: true };
    else throw new Error(`unknown argument "${a}"\n${USAGE}`);
  }
  return { out };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let sample;
  try {
    sample = await import('../dist/marketdata/sample.js');
  } catch (err) {
    console.error(`cannot load dist/marketdata/sample.js (${err.code ?? err.message}); run "npm run build" first`);
    return 1;
  }
  const out = resolve(args.out ?? sample.SAMPLE_DATA_PATH);
  const started = performance.now();
  const { rows, sha256 } = await sample.generateSampleBars(out);
  const ms = Math.round(performance.now() - started);
  console.log(`wrote ${rows} rows to ${out} in ${ms} ms`);
  console.log(`sha256 ${sha256}`);
  if (sha256 !== sample.SAMPLE_DATA_SHA256) {
    console.error(`expected sha256 ${sample.SAMPLE_DATA_SHA256}: the generator did not reproduce the recorded sample`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.stack ?? err.message : String(err)); process.exitCode = 1; },
);
