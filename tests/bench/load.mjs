// A closed-loop load generator in its own process: `concurrency` workers each send the next
// request as soon as the previous one answered, for `durationMs` after a warm-up.
// Input: one JSON argument. Output: one JSON line { count, seconds, rps, p50, p99, errors }.
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const spec = JSON.parse(process.argv[2]);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function httpRunner() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const url = new URL(spec.url);
  let i = 0;
  return () =>
    new Promise((resolve, reject) => {
      const path = spec.paths[i++ % spec.paths.length];
      const request = http.request(
        { host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${spec.token}` } },
        (response) => {
          response.on('data', () => undefined);
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${response.statusCode}`))));
        },
      );
      request.on('error', reject);
      request.end();
    });
}

async function pgRunner() {
  const { Pool } = require('pg');
  const pool = new Pool({ connectionString: spec.databaseUrl, max: spec.concurrency });
  let i = 0;
  return async () => {
    const params = spec.params[i++ % spec.params.length];
    const result = await pool.query(spec.sql, params);
    // The API answers JSON: the baseline serialises the same rows too.
    JSON.stringify(result.rows);
  };
}

const run = spec.mode === 'pg' ? await pgRunner() : await httpRunner();
const latencies = [];
let errors = 0;
let measuring = false;
let stop = false;
async function worker() {
  while (!stop) {
    const started = process.hrtime.bigint();
    try {
      await run();
      if (measuring) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    } catch {
      if (measuring) errors++;
    }
  }
}
const workers = Array.from({ length: spec.concurrency }, worker);
await new Promise((resolve) => setTimeout(resolve, spec.warmupMs));
measuring = true;
const t0 = process.hrtime.bigint();
await new Promise((resolve) => setTimeout(resolve, spec.durationMs));
measuring = false;
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
stop = true;
await Promise.all(workers);
latencies.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({ count: latencies.length, seconds, rps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors }) + '\n',
);
process.exit(0);
