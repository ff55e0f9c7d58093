/**
 * Certificate lookup for DCA encryption (draft 4.1): the interface and rules (lookup.ts), the local
 * store (local-store.ts), the LDAP directory (ldap.ts), LDIF for a test PKI (ldif.ts), a private slapd
 * (slapd.ts); the CLI glue (cli.ts) is imported by the commands directly.
 */
export * from './lookup.js';
export * from './local-store.js';
export * from './ldap.js';
export * from './ldif.js';
export * from './slapd.js';
export * from './open.js';
export { freePort } from '../local-server.js';
