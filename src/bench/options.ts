/**
 * Command-line options of `npm run bench` (src/bench/main.ts).
 *
 * `npm run bench` (issue 8): the engine in-process, the engine's CLI and `openssl cms` on the same
 * inputs at 1 KB, 1 MB, 10 MB and 100 MB, the primitive floor, vector regeneration and the full suite
 * against the reference gateway. A table on the terminal, JSON in reports/bench/bench.json.
 *
 *   npm run bench                                   everything (about 10-15 minutes on 2 cores)
 *   npm run bench -- --sizes 1KB,1MB --ops sign,verify --no-suite
 *   npm run bench:smoke                             tiny sizes, one iteration (what the test runs)
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { ENGINE_OPS, isEngineOp, type EngineOp } from './engine-ops.js';
import { DEFAULT_SIZES, REPO_ROOT, type BenchOptions } from './run.js';

export const HELP = `Usage: npm run bench -- [options]

  --sizes LIST     content sizes, e.g. 1KB,1MB,10MB,100MB (default); units B, KB, MB (decimal)
  --ops LIST       ${ENGINE_OPS.join(',')} (default all)
  --runs N         timed runs for every side (default: by size, 21 at 1 KB down to 3 at 100 MB)
  --warmup N       warm-up runs for every side (default: by size)
  --no-cli --no-openssl --no-primitives --no-memory --no-vectors --no-suite --no-startup
                   leave a side or a row out (startup: CPU of the built command vs node -e 0;
                   it runs npm run build first)
  --suite-limit N  run only the first N suite cases
  --smoke          1 KB only, one run, no warm-up, suite limited to 4 cases, no startup row (seconds, for the test)
  --json FILE      JSON report (default reports/bench/bench.json; --json - for none)
  --keys DIR       test PKI (default vectors/keys)
  --work DIR       where the input files are made (default a temp folder, removed afterwards)
`;

export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(s.trim());
  if (!m) throw new Error(`bench: bad size "${s}" (e.g. 1KB, 10MB)`);
  const unit = (m[2] ?? 'B').toUpperCase();
  return Math.round(Number(m[1]) * ({ B: 1, KB: 1e3, MB: 1e6, GB: 1e9 } as Record<string, number>)[unit]!);
}

export function optionsFromArgv(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string' }, ops: { type: 'string' }, runs: { type: 'string' }, warmup: { type: 'string' },
      'no-cli': { type: 'boolean' }, 'no-openssl': { type: 'boolean' }, 'no-primitives': { type: 'boolean' }, 'no-memory': { type: 'boolean' },
      'no-vectors': { type: 'boolean' }, 'no-suite': { type: 'boolean' }, 'no-startup': { type: 'boolean' }, 'suite-limit': { type: 'string' },
      smoke: { type: 'boolean' }, json: { type: 'string' }, keys: { type: 'string' }, work: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const int = (v: string | undefined, what: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`bench: ${what} must be a whole number, not "${v}"`);
    return n;
  };
  const ops = values.ops?.split(',').map((o) => o.trim());
  for (const o of ops ?? []) if (!isEngineOp(o)) throw new Error(`bench: unknown op "${o}" (ops: ${ENGINE_OPS.join(', ')})`);
  const runs = int(values.runs, '--runs');
  const warmup = int(values.warmup, '--warmup');
  const smoke = !!values.smoke;
  const limit = int(values['suite-limit'], '--suite-limit') ?? (smoke ? 4 : undefined);
  const opts: BenchOptions = {
    sizes: values.sizes ? values.sizes.split(',').map(parseSize) : smoke ? [1_000] : DEFAULT_SIZES,
    ...(ops ? { ops: ops as EngineOp[] } : {}),
    sides: { cli: !values['no-cli'], openssl: !values['no-openssl'], primitives: !values['no-primitives'], memory: !values['no-memory'] },
    startup: !values['no-startup'] && !smoke,
    vectors: values['no-vectors'] ? false : { again: smoke ? 0 : 2 },
    suite: values['no-suite'] ? false : { policies: smoke ? ['noEncrypt'] : ['noEncrypt', 'encrypt'], ...(limit !== undefined ? { limit } : {}) },
    ...(values.keys ? { keysDir: values.keys } : {}),
    ...(values.work ? { workDir: values.work } : {}),
  };
  if (smoke || runs !== undefined || warmup !== undefined) opts.iterations = { warmup: warmup ?? (smoke ? 0 : 1), runs: runs ?? (smoke ? 1 : 5) };
  const json = values.json ?? join(REPO_ROOT, smoke ? 'reports/bench/smoke.json' : 'reports/bench/bench.json');
  if (json !== '-') opts.jsonOut = json;
  return opts;
}

