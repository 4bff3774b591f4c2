// `npm run bench:coordinator`: the sandbox's coordinator (EngineHost: engine,
// trace views, frames, load driver) in Node, without real time or workers:
// the read side is a ReadSide in the same process behind the same wire
// protocol (envelope cache, replies). It runs BENCH_RATE commands/s of
// virtual time for BENCH_SECONDS and prints the coordinator's CPU per 1,000
// events apart from the read side's, and the read-side round trips per event,
// twice: with projection.commitIntervalMs 0 and with BENCH_INTERVAL (default
// 10 ms; BENCH_SETTINGS may set other settings, its own interval is
// overridden). Machine-independent enough to compare one change with the
// next; with --cpu-prof it tells where the coordinator's time goes.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import initSqlJs from 'sql.js';
import { getDomain } from '../../src/domain/index.ts';
import { ReadSide, WriteSide, type SettingsPatch } from '../../src/engine/index.ts';
import { EngineHost } from '../../src/worker/engineHost.ts';
import { EnvelopeReceiver } from '../../src/worker/envelopeCache.ts';
import { LoadDriver } from '../../src/worker/loadDriver.ts';
import { portMethods, type ReadSideRemote } from '../../src/worker/protocol/readSide.ts';
import { replySync } from '../../src/worker/protocol/reply.ts';

const RATE = Number(process.env['BENCH_RATE'] ?? '5000');
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? '10');
// As bench:ui: above 1,000 events/s the projections take 0.1 ms per event and 4 ms per batch, so they keep up.
const SETTINGS = JSON.parse(
  process.env['BENCH_SETTINGS'] ?? (RATE > 1000 ? '{"costs":{"projectMs":0.1,"projectBatchMs":4}}' : '{}'),
) as SettingsPatch;
const INTERVAL = Number(process.env['BENCH_INTERVAL'] ?? '10');

const SQL = await initSqlJs();
const domain = getDomain('commerce');

/** One run of RATE commands/s for SECONDS of virtual time under `settings`; prints its lines. */
async function measure(settings: SettingsPatch): Promise<void> {
  const side = new ReadSide(SQL, domain);
  const envelopes = new EnvelopeReceiver();
  let readMs = 0;
  let roundTrips = 0;
  const remote = {
    methods: async () => replySync(() => portMethods(ReadSide.prototype), 'read'),
    call: async (method: string, args: unknown[]) => {
      roundTrips++;
      // A worker receives a structured clone: pay for it here too.
      const cloned = structuredClone(args);
      // CPU, not wall time: on a busy machine wall time counts waits for a core.
      const c0 = process.cpuUsage();
      const reply = replySync(() => {
        const decoded = envelopes.args(method, cloned);
        return (side as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.apply(side, decoded);
      }, 'read');
      const c = process.cpuUsage(c0);
      readMs += (c.user + c.system) / 1000;
      return structuredClone(reply);
    },
  } as unknown as ReadSideRemote;

  const host = new EngineHost({
    domain,
    seed: 42,
    settings,
    write: new WriteSide(SQL, domain),
    read: remote as never, // the Comlink.Remote type of the same methods
    readMethods: portMethods(ReadSide.prototype),
    speed: 1,
    sql: SQL,
  });
  const engine = host.engine;
  // The real-time loop's stepping (realTimeLoop.ts #advance) without real time.
  const load = new LoadDriver(engine, 'commerce');
  load.setRate(RATE);
  async function advanceTo(t: number): Promise<void> {
    for (;;) {
      const next = engine.scheduler.nextAt();
      const genAt = load.nextDue();
      if (genAt <= t && (next === undefined || genAt < next)) {
        if (genAt > engine.now) await engine.advanceTo(genAt);
        load.submitDue();
        continue;
      }
      if (next === undefined || next > t) {
        if (t > engine.now) await engine.advanceTo(t);
        return;
      }
      await engine.stepMerged();
    }
  }
  const startEvents = engine.headPosition;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // Five frames a virtual second, as the page asks for at most.
  for (let at = 200; at <= SECONDS * 1000; at += 200) {
    await advanceTo(at);
    host.frame();
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  const events = engine.headPosition - startEvents;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const per1k = (ms: number) => ((ms / events) * 1000).toFixed(0);
  console.log(`settings: ${JSON.stringify(settings)}`);
  console.log(
    `commerce at ${RATE} commands/s for ${SECONDS} s of virtual time: ${events} events, ${engine.trace.length} trace records kept`,
  );
  console.log(
    `CPU per 1,000 events: coordinator ${per1k(cpuMs - readMs)} ms (read side ${per1k(readMs)} ms apart), wall ${per1k(wall)} ms`,
  );
  console.log(`read side: ${(roundTrips / events).toFixed(3)} round trips per event (${roundTrips})`);
  for (const p of engine.status().projections)
    console.log(`  ${p.name} ${p.status}: watermark ${p.position} of ${p.headPosition}, lag ${p.lagMs} ms, inbox ${p.inbox}`);
  host.close();
  side.close();
}

const withInterval = (ms: number): SettingsPatch => ({ ...SETTINGS, projection: { ...SETTINGS.projection, commitIntervalMs: ms } });
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} (1/5/15 min)`,
);
await measure(withInterval(0));
if (INTERVAL > 0) await measure(withInterval(INTERVAL));
