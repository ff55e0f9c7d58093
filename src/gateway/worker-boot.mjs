// Entry of a gateway worker thread (src/gateway/pool.ts). The gateway is TypeScript run through tsx, and a
// worker thread does not inherit the main thread's module loader, so it registers tsx's loader itself (as
// bin/domsec.js does) and then loads the worker module named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const entry = await import(workerData.entry);
await entry.serveGatewayWorker();
