/**
 * `npm run bench` (issue 8): see src/bench/options.ts for the options and src/bench/run.ts for what is
 * measured.
 */
import { HELP, optionsFromArgv } from './options.js';
import { runBenchmark, type BenchOptions } from './run.js';

async function main(): Promise<number> {
  let opts: BenchOptions | 'help';
  try {
    opts = optionsFromArgv(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${HELP}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  await runBenchmark(opts);
  return 0;
}

process.exitCode = await main();
