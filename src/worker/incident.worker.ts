// A worker that generates, checks and runs incidents on the real engine, so
// the UI thread never runs the engine or SQL. It only adapts src/incidents
// over comlink.
import * as Comlink from 'comlink';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import type { SqlJsStatic } from '../engine/index.ts';
import { findIncident } from '../incidents/check.ts';
import { runIncident } from '../incidents/run.ts';
import type { IncidentApi } from './protocol/incident.ts';
import { replyAsync } from './protocol/reply.ts';

// The wasm is served by the site itself, never a CDN.
const sqlReady = initSqlJs({ locateFile: () => wasmUrl });
const sql = async () => (await sqlReady) as unknown as SqlJsStatic;

const incidentRunner: IncidentApi = {
  find: (seed, level, cause) => replyAsync(async () => findIncident(await sql(), seed, level, cause), 'incident'),
  run: (incident, remedy) => replyAsync(async () => runIncident(await sql(), incident, remedy), 'incident'),
};

Comlink.expose(incidentRunner);
