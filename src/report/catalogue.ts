/**
 * The requirement catalogue (suites/requirements.json) as the report needs it: every normative statement
 * of the draft with its section, level, roles and, when it cannot be tested over SMTP, why.
 */
import { loadCatalogue as loadHarnessCatalogue } from '../harness/catalogue.js';

export interface CatalogueRequirement {
  id: string;
  section: string;
  /** MUST, MUST NOT, SHOULD, SHOULD NOT, MAY, RULE (a Section 5 processing step), EXAMPLE. */
  level: string;
  text: string;
  roles: string[];
  notes?: string[];
  untestable?: string;
  gradedAs?: string;
  gradedBecause?: string;
  reading?: string;
}

export interface Catalogue {
  /** The draft, e.g. draft-melnikov-smime-msa-to-mda-02. */
  spec: string;
  requirements: CatalogueRequirement[];
}

/** The catalogue, loaded once for the process (src/harness/catalogue.ts). */
export function loadCatalogue(): Catalogue {
  return loadHarnessCatalogue();
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
