/**
 * `reckon scenario list|run`: focused, declarative runs of the real engine with expectations
 * checked on their journals (scenarios/*.json, docs/scenarios.md).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import { loadScenarioFile, planScenario, scenarioFiles, SCENARIOS_DIR } from '../scenario/load.js';
import { runScenario, type ScenarioResult } from '../scenario/run.js';
import { renderResults } from '../scenario/table.js';
import type { Io } from './main.js';

export function registerScenarioCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const scenario = program.command('scenario').description('Focused scenarios: failures reproduced on demand, checked against their journals.');
  scenario.command('list')
    .description('List the bundled scenarios.')
    .option('--dir <dir>', 'scenario directory', SCENARIOS_DIR)
    .option('--json', 'print as JSON')
    .action((flags: { dir: string; json?: boolean }) => {
      const list = scenarioFiles(flags.dir).map((f) => {
        const { scenario: s } = loadScenarioFile(f);
        return { name: s.name, title: s.title, variants: (s.variants ?? []).map((v) => v.name), description: s.description };
      });
      if (flags.json) { io.out(JSON.stringify(list, null, 2) + '\n'); return; }
      const w = Math.max(...list.map((s) => s.name.length));
      for (const s of list) io.out(`${s.name.padEnd(w)}  ${s.title}${s.variants.length > 0 ? ` [${s.variants.join(', ')}]` : ''}\n`);
    });
  scenario.command('run [name]')
    .description('Run a scenario (or --all); prints each expectation with PASS/FAIL; exit 0 only when all hold.')
    .option('--all', 'run every scenario')
    .option('--out <dir>', 'directory for the journals (one per scenario and variant)', 'out/scenarios')
    .option('--dir <dir>', 'scenario directory', SCENARIOS_DIR)
    .option('--json', 'print the results as JSON')
    .option('--async-gateway <seed>', 'put the venue behind the asynchronous test gateway (seeded delays, reordering, PossDup redeliveries)')
    .action((name: string | undefined, flags: { all?: boolean; out: string; dir: string; json?: boolean; asyncGateway?: string }) => {
      const asyncSeed = flags.asyncGateway === undefined ? undefined : /^\d{1,9}$/.test(flags.asyncGateway) ? Number(flags.asyncGateway) : null;
      if (asyncSeed === null) throw new ReckonError('USAGE', `--async-gateway: "${flags.asyncGateway}" is not a seed (an integer 0-999999999)`);
      if (!flags.all && !name) throw new ReckonError('USAGE', 'scenario run: give a scenario name or --all (see `reckon scenario list`)');
      if (flags.all && name) throw new ReckonError('USAGE', 'scenario run: give a name or --all, not both');
      const files = flags.all ? scenarioFiles(flags.dir) : [join(flags.dir, `${name}.json`)];
      if (!flags.all && !existsSync(files[0]!)) throw new ReckonError('USAGE', `scenario "${name}" not found in ${flags.dir} (see \`reckon scenario list\`)`);
      const outDir = resolve(flags.out);
      const results: ScenarioResult[] = [];
      for (const f of files) for (const plan of planScenario(f)) results.push(runScenario(plan, outDir, asyncSeed === undefined ? {} : { asyncSeed }));
      if (flags.json) io.out(JSON.stringify(results, null, 2) + '\n');
      else io.out(renderResults(results));
      if (results.some((r) => !r.pass)) setExit(1);
    });
}
