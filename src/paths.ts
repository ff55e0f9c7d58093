/**
 * Files the commands read at run time (suites data, report templates, result schemas, the pinned PKI,
 * package.json), located from the package root (issue 17). The same module runs as src/paths.ts under tsx
 * (a source checkout) and as dist/src/paths.js (the built package), one folder deeper; a URL relative to
 * each caller would point into dist/ for the built code, where the data files are not copied. The root
 * is the nearest folder upwards that holds this package's package.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'domsec-suite';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // src/ is one level below the root, dist/src/ two: three steps up are enough.
  for (let i = 0; i < 3; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    dir = dirname(dir);
  }
  throw new Error(`${PACKAGE_NAME}: package.json not found above ${fileURLToPath(import.meta.url)}`);
}

/** The folder holding package.json, suites/, reports/, vectors/ (and src/ or dist/). */
export const PACKAGE_ROOT = findPackageRoot();

/** A file or folder of the package, by its path from the package root (e.g. 'suites/requirements.json'). */
export function packagePath(...segments: string[]): string {
  return resolve(PACKAGE_ROOT, ...segments);
}
