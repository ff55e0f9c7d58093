/** The executable model of draft Sections 5 and 3.2 over abstract layer trees (see section5.ts). */
export * from './tree.js';
export * from './section5.js';
