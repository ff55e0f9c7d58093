/**
 * The requirement catalogue (suites/requirements.json) as the report needs it: every normative statement
 * of the draft with its section, level, roles and, when it cannot be tested over SMTP, why.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';

export interface CatalogueRequirement {
  id: string;
  section: string;
  /** MUST, MUST NOT, SHOULD, SHOULD NOT, MAY, RULE (a Section 5 processing step), EXAMPLE. */
  level: string;
  text: string;
  roles: string[];
  notes?: string[];
  untestable?: string;
}

export interface Catalogue {
  /** The draft, e.g. draft-melnikov-smime-msa-to-mda-02. */
  spec: string;
  requirements: CatalogueRequirement[];
}

const FILE = packagePath('suites/requirements.json');
let cached: Catalogue | undefined;

export function loadCatalogue(): Catalogue {
  cached ??= JSON.parse(readFileSync(FILE, 'utf8')) as Catalogue;
  return cached;
}

/** The draft on the IETF datatracker. */
export function specUrl(spec: string): string | undefined {
  return /^[a-z0-9-]+$/.test(spec) ? `https://datatracker.ietf.org/doc/html/${spec}` : undefined;
}

/** The draft's section on the IETF datatracker; undefined for a section that is not a plain number. */
export function sectionUrl(spec: string, section: string): string | undefined {
  const base = specUrl(spec);
  if (!base || !/^[0-9]+(\.[0-9]+)*$/.test(section)) return undefined;
  return `${base}#section-${section}`;
}
