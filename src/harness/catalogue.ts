/**
 * The requirement catalogue (suites/requirements.json), loaded once for the whole process: the graders,
 * JUnit, coverage and the report all read it from here. A requirement's grading strength comes from its
 * level (draft 3.2 words, N16): MUST / MUST NOT fail a case, SHOULD / SHOULD NOT warn, MAY never fails
 * (INFO); a RULE or EXAMPLE is graded at the strength its `gradedAs` names, for the reason `gradedBecause`.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../paths.js';
import type { RequirementId } from './requirement-ids.js';

export type RequirementLevel = 'MUST' | 'MUST NOT' | 'SHOULD' | 'SHOULD NOT' | 'MAY' | 'RULE' | 'EXAMPLE';

/** How a failed check weighs: MUST fails the case, SHOULD warns, MAY is information only. */
export type Strength = 'MUST' | 'SHOULD' | 'MAY';

export interface CatalogueRequirement {
  id: RequirementId;
  section: string;
  level: RequirementLevel;
  text: string;
  roles: string[];
  notes?: string[];
  untestable?: string;
  cases?: string[];
  /** RULE / EXAMPLE: the strength it is graded at, and why. */
  gradedAs?: Strength;
  gradedBecause?: string;
  /** How the project reads a statement the conversion garbled. */
  reading?: string;
}

export interface Catalogue {
  /** The draft, e.g. draft-melnikov-smime-msa-to-mda-02. */
  spec: string;
  requirements: CatalogueRequirement[];
}

export const CATALOGUE_FILE = packagePath('suites/requirements.json');

let cached: { catalogue: Catalogue; byId: Map<string, CatalogueRequirement> } | undefined;

function load(): NonNullable<typeof cached> {
  if (!cached) {
    const catalogue = JSON.parse(readFileSync(CATALOGUE_FILE, 'utf8')) as Catalogue;
    cached = { catalogue, byId: new Map(catalogue.requirements.map((r) => [r.id, r])) };
  }
  return cached;
}

export function loadCatalogue(): Catalogue {
  return load().catalogue;
}

/** Every requirement by id. */
export function requirementCatalogue(): ReadonlyMap<string, CatalogueRequirement> {
  return load().byId;
}

export function requirement(id: RequirementId): CatalogueRequirement {
  const r = load().byId.get(id);
  if (!r) throw new Error(`requirement ${id} is not in suites/requirements.json`);
  return r;
}

/** The strength a catalogue level is graded at (N16). */
export function strengthOfLevel(level: RequirementLevel, gradedAs?: Strength): Strength {
  if (level === 'MUST' || level === 'MUST NOT') return 'MUST';
  if (level === 'SHOULD' || level === 'SHOULD NOT') return 'SHOULD';
  if (level === 'MAY') return 'MAY';
  if (!gradedAs) throw new Error(`a ${level} needs gradedAs in suites/requirements.json`);
  return gradedAs;
}

/** The strength a check on this requirement is graded at. */
export function strengthOf(id: RequirementId): Strength {
  const r = requirement(id);
  return strengthOfLevel(r.level, r.gradedAs);
}
