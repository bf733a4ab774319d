// `npm run bench`: the figures of quality.md, each against a baseline measured in the same
// run, as medians over repeated runs. Prints a table and writes bench/results.json.
// Everything runs here: an embedded PostgreSQL, built API processes, load and socket clients
// in processes of their own. BENCH_REPEATS (default 3) and BENCH_SECONDS (default 8) tune it.
import { fork, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const MAIN = join(ROOT, 'dist/api/apps/api/src/main.js');
const { startEmbeddedDatabase } = require(join(ROOT, 'dist/api/apps/api/src/database/embedded-database.js'));
const { Client } = require('pg');

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 100_000);
const SESSION_SECRET = 'bench-session-secret-of-at-least-32-bytes!';
const children = new Set();
const cleanups = [];

const median = (values) => {
  const sorted = values.filter((v) => v !== null && !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)];
};
const percentile = (sorted, p) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const round = (value, digits = 2) => (value === null ? null : Number(value.toFixed(digits)));
const log = (...args) => process.stderr.write(`${args.join(' ')}\n`);

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function waitForOutput(child, pattern, ms = 90_000) {
  return new Promise((done, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`timed out waiting for ${pattern}:\n${output}`)), ms);
    const onData = (chunk) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    };
    child.stdout.on('data', onData);
    child.stderr?.on('data', (chunk) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited with ${code}:\n${output}`));
    });
  });
}

async function startApi(databaseUrl, name) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = process.hrtime.bigint();
  const child = track(
    spawn(process.execPath, [...(process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []), MAIN], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: databaseUrl,
        SESSION_SECRET,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_ORIGIN: url,
        LOG_LEVEL: 'warn',
        INSTANCE_ID: name,
        BOARD_DIR: join(ROOT, 'dist/board/browser'),
      },
    }),
  );
  await waitForOutput(child, /Verkiezingstafel is running/);
  for (;;) {
    const response = await fetch(`${url}/api/health/ready`).catch(() => null);
    if (response?.status === 200) break;
    await sleep(20);
  }
  return { child, url, startSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

async function login(api, email) {
  const response = await fetch(`${api.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'demo' }),
  });
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status}`);
  return (await response.json()).token;
}

function runLoad(spec) {
  return new Promise((done, fail) => {
    const child = track(spawn(process.execPath, [join(HERE, 'load.mjs'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'inherit'] }));
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => (code === 0 ? done(JSON.parse(output)) : fail(new Error(`load exited ${code}`))));
  });
}

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks
}

/** Write system calls and bytes written by a process so far (/proc/<pid>/io). */
function writes(pid) {
  const io = Object.fromEntries(readFileSync(`/proc/${pid}/io`, 'utf8').trim().split('\n').map((line) => line.split(': ')));
  return { calls: Number(io.syscw), bytes: Number(io.wchar) };
}

/**
 * Fan-out runs pin the server under test (the authorised fan-out instance, or the raw
 * socket.io server) to a core of its own, and everything else (clients, writer, PostgreSQL)
 * to the other cores: both servers are measured on the same quiet core, whatever the rest
 * of the system does. BENCH_PIN=0 turns it off; it needs taskset and two or more cores.
 */
const CORES = (await import('node:os')).cpus().length;
const PIN = process.env.BENCH_PIN !== '0' && CORES >= 2 && spawnSync('taskset', ['-V']).status === 0;
const SERVER_CORE = String(CORES - 1);
const OTHER_CORES = CORES > 2 ? `0-${CORES - 2}` : '0';

function descendants(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  const all = [];
  const visit = (pid) => {
    all.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return all;
}

function pinTree(root, cpus) {
  if (!PIN) return;
  for (const pid of descendants(root)) spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** 100,000 signals in one statement: a realistic mix of markings, agencies, places, states. */
async function seedSignals(db, electionId, count) {
  const users = await db.query(`SELECT id, agency_code FROM users WHERE active ORDER BY email`);
  const creator = users.rows[0].id;
  await db.query(
    `INSERT INTO signals (election_id, title, description, category, severity, status, marking, classification,
                          owner_agency, lead_agency, shared_with, affected_municipalities, platforms, created_by,
                          created_at, updated_at)
     SELECT $1,
            'Signaal ' || g || ': ' || (ARRAY['nepbericht over stemmen','ddos op gemeente','bedreiging kandidaat','inmenging via advertenties'])[1 + g % 4],
            'Beschrijving van signaal ' || g || ' met details over de verspreiding en de betrokken partijen.',
            (ARRAY['disinformation','foreign_interference','cyber','physical_security','threat_to_persons','process_integrity','synthetic_media','political_advertising','other'])[1 + g % 9],
            (ARRAY['low','medium','high','critical'])[1 + g % 4],
            (ARRAY['new','triaged','in_progress','monitoring','mitigated','closed','rejected','duplicate'])[1 + g % 8],
            (ARRAY['CLEAR','GREEN','GREEN','AMBER','AMBER','AMBER_STRICT','RED'])[1 + g % 7],
            CASE WHEN g % 23 = 0 THEN 'DEP_V' ELSE 'NONE' END,
            (ARRAY['AIVD','NCTV','NCSC','KIESRAAD','ACM','BZK','GM0363','GM0599'])[1 + g % 8],
            CASE WHEN g % 3 = 0 THEN 'NCTV' ELSE NULL END,
            CASE WHEN g % 5 = 0 THEN ARRAY['BZK'] ELSE '{}'::text[] END,
            CASE WHEN g % 4 = 0 THEN ARRAY['GM0363'] WHEN g % 4 = 1 THEN ARRAY['GM0599'] ELSE '{}'::text[] END,
            ARRAY['x'],
            $2,
            now() - (g || ' seconds')::interval,
            now() - (g || ' seconds')::interval
       FROM generate_series(1, $3) g`,
    [electionId, creator, count],
  );
  await db.query('ANALYZE signals');
}

async function readBenchmarks(api, db, databaseUrl) {
  const token = await login(api, 'voorzitter@bzk.demo');
  const [{ id: electionId }] = (await db.query(`SELECT id FROM elections WHERE code = 'TK2029-BENCH'`)).rows;
  // Non-sensitive signals (GREEN, no Dep.V.): reading them writes no audit row.
  const ids = (
    await db.query(`SELECT id FROM signals WHERE election_id = $1 AND marking = 'GREEN' AND classification = 'NONE' ORDER BY random() LIMIT 500`, [electionId])
  ).rows.map((r) => r.id);
  const select = readFileSync(join(ROOT, 'dist/api/apps/api/src/signals/signals.repository.js'), 'utf8').match(/SIGNAL_SELECT = `([\s\S]*?)`/)[1];
  const statuses = ['new', 'triaged', 'in_progress', 'monitoring'];
  const scenarios = [
    {
      name: 'GET /api/signals/:id',
      http: { paths: ids.map((id) => `/api/signals/${id}`) },
      pg: { sql: `SELECT ${select} FROM signals s WHERE s.id = $1`, params: ids.map((id) => [id]) },
    },
    {
      name: 'GET /api/signals?electionId&status&limit=50',
      http: { paths: statuses.map((status) => `/api/signals?electionId=${electionId}&status=${status}&limit=50`) },
      // The same rows: the chair reads CLEAR, GREEN and AMBER without Dep.V. restrictions
      // (it holds the clearance), AMBER_STRICT shared with BZK or owned by BZK, RED of BZK.
      pg: {
        sql: `SELECT ${select} FROM signals s
               WHERE s.election_id = $1 AND s.status = $2
                 AND (s.marking IN ('CLEAR','GREEN','AMBER') OR s.owner_agency = 'BZK' OR 'BZK' = ANY(s.shared_with) AND s.marking = 'AMBER_STRICT')
               ORDER BY s.created_at DESC, s.id DESC LIMIT 51`,
        params: statuses.map((status) => [electionId, status]),
      },
    },
  ];
  const results = [];
  for (const scenario of scenarios) {
    const runs = [];
    for (let r = 0; r < REPEATS; r++) {
      const common = { concurrency: 50, durationMs: SECONDS * 1000, warmupMs: 1500 };
      const viaApi = await runLoad({ ...common, mode: 'http', url: api.url, token, paths: scenario.http.paths });
      const raw = await runLoad({ ...common, mode: 'pg', databaseUrl, sql: scenario.pg.sql, params: scenario.pg.params });
      runs.push({ api: viaApi, raw, ratio: viaApi.rps / raw.rps });
      log(`  ${scenario.name} run ${r + 1}: api ${viaApi.rps.toFixed(0)}/s p99 ${viaApi.p99?.toFixed(1)} ms, raw ${raw.rps.toFixed(0)}/s`);
    }
    results.push({
      what: scenario.name,
      concurrency: 50,
      apiRps: round(median(runs.map((r) => r.api.rps)), 0),
      rawRps: round(median(runs.map((r) => r.raw.rps)), 0),
      ratio: round(median(runs.map((r) => r.ratio))),
      apiP50Ms: round(median(runs.map((r) => r.api.p50))),
      apiP99Ms: round(median(runs.map((r) => r.api.p99))),
      rawP99Ms: round(median(runs.map((r) => r.raw.p99))),
      errors: runs.reduce((n, r) => n + r.api.errors + r.raw.errors, 0),
      target: 'ratio >= 0.6, p99 <= 10 ms',
      met: median(runs.map((r) => r.ratio)) >= 0.6 && median(runs.map((r) => r.api.p99)) <= 10,
    });
  }
  return results;
}

async function startClients(url, tokens, count) {
  const perProcess = 5000;
  const processes = [];
  for (let made = 0; made < count; made += perProcess) {
    const child = track(fork(join(HERE, 'clients.mjs'), [JSON.stringify({ url, tokens, count: Math.min(perProcess, count - made) })], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    await new Promise((done) => child.once('message', done));
    processes.push(child);
  }
  const connected = await Promise.all(
    processes.map(
      (child) =>
        new Promise((done) => {
          child.once('message', done);
          child.send({ type: 'connect' });
        }),
    ),
  );
  const ready = connected.reduce((n, m) => n + m.ready, 0);
  if (ready !== count) throw new Error(`only ${ready} of ${count} sockets connected`);
  return processes;
}

async function report(processes, sent) {
  const reports = await Promise.all(
    processes.map(
      (child) =>
        new Promise((done) => {
          child.once('message', done);
          child.send({ type: 'report', sent });
        }),
    ),
  );
  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return { latencies, deliveries: reports.reduce((n, r) => n + r.deliveries, 0) };
}

async function closeClients(processes) {
  for (const child of processes) {
    child.send({ type: 'close' });
    await Promise.race([new Promise((done) => child.once('exit', done)), sleep(5000)]);
  }
}

/** Sends `changes` at `rate` per second; returns the send time of each change by its mark. */
async function drive(rate, changes, send) {
  const sent = {};
  const interval = 1000 / rate;
  const start = Date.now();
  const pending = [];
  for (let n = 0; n < changes; n++) {
    const due = start + n * interval;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const mark = `bench-${process.pid}-${Date.now()}-${n}`;
    sent[mark] = Date.now();
    pending.push(send(mark));
  }
  await Promise.all(pending);
  return sent;
}

function startRawServer() {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = track(spawn(process.execPath, [...profile, join(HERE, 'raw-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] }));
  return waitForOutput(child, /READY (\d+)/).then(([, port]) => ({ child, url: `http://127.0.0.1:${port}` }));
}

async function fanOutScenario({ sockets, rate, db, databaseUrl }) {
  const [{ id: electionId }] = (await db.query(`SELECT id FROM elections WHERE code = 'TK2025'`)).rows;
  const changes = rate * SECONDS;
  // Everything so far (this process, PostgreSQL, and what they start from now on) leaves the
  // server core to the server under test.
  pinTree(process.pid, OTHER_CORES);
  // The writer takes the writes; the fan-out instance only tails the outbox and serves the
  // sockets, so its CPU is the cost of authorised fan-out alone.
  const writer = await startApi(databaseUrl, 'bench-writer');
  try {
    const readers = ['voorzitter@bzk.demo', 'liaison@aivd.demo', 'liaison@nctv.demo', 'liaison@ncsc.demo', 'liaison@kiesraad.demo', 'liaison@acm.demo', 'ambtenaar@amsterdam.demo', 'ambtenaar@rotterdam.demo', 'ambtenaar@utrecht.demo', 'waarnemer@ec.demo', 'flagger@bzk.demo'];
    const tokens = [];
    for (const email of readers) tokens.push(await login(writer, email));
    const author = await login(writer, 'liaison@ncsc.demo');
    let payload = null;
    const postSignal = async (mark) => {
      const response = await fetch(`${writer.url}/api/signals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${author}` },
        body: JSON.stringify({ electionId, title: mark, description: 'Benchmark van de verspreiding naar alle borden.', category: 'other', severity: 'low', marking: 'GREEN' }),
      });
      if (response.status !== 201) throw new Error(`write ${response.status}`);
      payload = await response.json();
    };
    await postSignal('bench-warmup');
    let position = 0;
    const postRawTo = (rawUrl) => async (mark) => {
      const response = await fetch(`${rawUrl}/emit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ position: ++position, type: 'signal.created', at: new Date().toISOString(), data: { ...payload, title: mark } }),
      });
      if (response.status !== 204) throw new Error(`raw ${response.status}`);
    };

    /** One run against a fresh server process, pinned to the server core. */
    const measure = async (label, server, send) => {
      pinTree(server.child.pid, SERVER_CORE);
      const serverPid = server.child.pid;
      await sleep(500);
      const rssBefore = rssBytes(serverPid);
      const processes = await startClients(server.url, tokens, sockets);
      await sleep(1500);
      const rssAfter = rssBytes(serverPid);
      const cpuBefore = cpuSeconds(serverPid);
      const writesBefore = writes(serverPid);
      const sent = await drive(rate, changes, send);
      await sleep(2000);
      const cpu = cpuSeconds(serverPid) - cpuBefore;
      const writesAfter = writes(serverPid);
      const { latencies, deliveries } = await report(processes, sent);
      await closeClients(processes);
      await stopChild(server.child);
      const result = {
        cpuMsPerChange: (cpu * 1000) / changes,
        writeCallsPerChange: (writesAfter.calls - writesBefore.calls) / changes,
        bytesWrittenPerChange: (writesAfter.bytes - writesBefore.bytes) / changes,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        deliveries,
        expected: changes * sockets,
        bytesPerConnection: (rssAfter - rssBefore) / sockets,
      };
      log(`  ${label} ${sockets} sockets @ ${rate}/s: cpu ${result.cpuMsPerChange.toFixed(2)} ms/change, ${result.writeCallsPerChange.toFixed(0)} writes ${(result.bytesWrittenPerChange / 1024).toFixed(0)} KB/change, commit to socket p50 ${result.p50} ms, p99 ${result.p99} ms, ${deliveries}/${result.expected} delivered, ${(result.bytesPerConnection / 1024).toFixed(1)} KB/conn`);
      return result;
    };

    const runs = [];
    const repeats = sockets > 5000 ? Math.max(1, Math.min(REPEATS, 2)) : REPEATS;
    for (let r = 0; r < repeats; r++) {
      const viaApi = await measure('authorised', await startApi(databaseUrl, `bench-fanout-${r}`), postSignal);
      const rawServer = await startRawServer();
      const baseline = await measure('raw      ', rawServer, postRawTo(rawServer.url));
      runs.push({ api: viaApi, raw: baseline });
    }
    const m = (f) => median(runs.map(f));
    const ratio = m((r) => r.api.cpuMsPerChange / r.raw.cpuMsPerChange);
    const p99Target = sockets >= 10_000 ? 200 : 50;
    return {
      what: `fan-out, ${sockets} sockets, ${rate} changes/s`,
      runs: runs.length,
      changesPerRun: changes,
      pinned: PIN ? `server on core ${SERVER_CORE}, the rest on ${OTHER_CORES}` : 'no',
      apiCpuMsPerChange: round(m((r) => r.api.cpuMsPerChange)),
      rawCpuMsPerChange: round(m((r) => r.raw.cpuMsPerChange)),
      cpuRatio: round(ratio),
      apiWritesPerChange: round(m((r) => r.api.writeCallsPerChange), 0),
      rawWritesPerChange: round(m((r) => r.raw.writeCallsPerChange), 0),
      apiP50Ms: m((r) => r.api.p50),
      apiP99Ms: m((r) => r.api.p99),
      rawP50Ms: m((r) => r.raw.p50),
      rawP99Ms: m((r) => r.raw.p99),
      delivered: `${m((r) => r.api.deliveries)}/${changes * sockets}`,
      apiKbPerConnection: round(m((r) => r.api.bytesPerConnection) / 1024, 1),
      rawKbPerConnection: round(m((r) => r.raw.bytesPerConnection) / 1024, 1),
      target: `cpu ratio <= 1.1, p99 <= ${p99Target} ms${sockets >= 10_000 ? ', <= 25 KB/connection' : ''}`,
      met: ratio <= 1.1 && m((r) => r.api.p99) <= p99Target && (sockets < 10_000 || m((r) => r.api.bytesPerConnection) <= 25 * 1024),
    };
  } finally {
    await stopChild(writer.child);
  }
}

function boardFirstLoad() {
  const dir = join(ROOT, 'dist/board/browser');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((m) => m[1]);
  const bytes = files.reduce((n, file) => n + gzipSync(readFileSync(join(dir, file))).length, 0);
  return { what: 'board first load: initial JS, gzip', files: files.length, kB: round(bytes / 1024, 1), target: '<= 300 kB', met: bytes <= 300 * 1024 };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'vt-bench-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  log(`Embedded PostgreSQL in ${dataDir}`);
  const database = await startEmbeddedDatabase({ dataDir, port: await freePort() });
  cleanups.unshift(() => database.stop());
  const databaseUrl = database.url;

  // First start migrates and seeds the demo; the second start (already built) is the cold start.
  const first = await startApi(databaseUrl, 'bench-setup');
  await stopChild(first.child);
  const api = await startApi(databaseUrl, 'bench-read');
  const coldStart = { what: 'cold start of the built hub to ready', seconds: round(api.startSeconds), target: '<= 5 s', met: api.startSeconds <= 5 };

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  cleanups.unshift(() => db.end());
  const admin = await login(api, 'beheer@bzk.demo');
  const created = await fetch(`${api.url}/api/elections`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ code: 'TK2029-BENCH', name: 'Benchmarkverkiezing', type: 'TK', electionDay: '2029-03-21' }),
  });
  if (created.status !== 201) throw new Error(`election: ${created.status} ${await created.text()}`);
  const [{ id: electionId }] = (await db.query(`SELECT id FROM elections WHERE code = 'TK2029-BENCH'`)).rows;
  log(`Seeding ${SIGNALS} signals...`);
  await seedSignals(db, electionId, SIGNALS);

  const only = process.env.BENCH_ONLY; // `reads` or `fanout`: one part alone, while tuning
  log('Reads over 100,000 signals (API vs raw pg, 50 connections):');
  const reads = only === 'fanout' ? [] : await readBenchmarks(api, db, databaseUrl);
  await stopChild(api.child);

  log('Fan-out (authorised vs raw socket.io room broadcast):');
  const fanOut = [];
  if (only !== 'reads') {
    fanOut.push(await fanOutScenario({ sockets: Number(process.env.BENCH_SOCKETS_SMALL ?? 2000), rate: 20, db, databaseUrl }));
    fanOut.push(await fanOutScenario({ sockets: Number(process.env.BENCH_SOCKETS_LARGE ?? 10000), rate: 5, db, databaseUrl }));
  }

  const results = { measuredAt: new Date().toISOString(), machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, repeats: REPEATS, secondsPerRun: SECONDS, reads, fanOut, coldStart, board: boardFirstLoad() };
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');

  const rows = [
    ...reads.map((r) => [r.what, `${r.apiRps}/s vs raw ${r.rawRps}/s = ${r.ratio}x; p50 ${r.apiP50Ms} ms, p99 ${r.apiP99Ms} ms`, r.target, r.met]),
    ...fanOut.map((f) => [f.what, `cpu ${f.apiCpuMsPerChange} vs raw ${f.rawCpuMsPerChange} ms/change = ${f.cpuRatio}x; p50 ${f.apiP50Ms} ms, p99 ${f.apiP99Ms} ms (raw p99 ${f.rawP99Ms}); ${f.apiKbPerConnection} KB/conn (raw ${f.rawKbPerConnection}); delivered ${f.delivered}`, f.target, f.met]),
    [coldStart.what, `${coldStart.seconds} s`, coldStart.target, coldStart.met],
    [results.board.what, `${results.board.kB} kB in ${results.board.files} files`, results.board.target, results.board.met],
  ];
  console.log('\n| what | measured (median) | target | met |\n| --- | --- | --- | --- |');
  for (const [what, measured, target, met] of rows) console.log(`| ${what} | ${measured} | ${target} | ${met ? 'yes' : 'NO'} |`);
  console.log('\nWritten to bench/results.json');
}

async function cleanup() {
  for (const child of [...children]) child.kill('SIGKILL');
  for (const step of cleanups) {
    try {
      await step();
    } catch {
      // best effort
    }
  }
}

process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
main().then(
  () => cleanup().then(() => process.exit(0)),
  (error) => {
    log(`bench failed: ${error.stack ?? error}`);
    void cleanup().then(() => process.exit(1));
  },
);
