import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { AppConfig } from './config/app-config';
import type { Runtime } from './config/runtime';

/** Requests too frequent to log: scrapes and liveness probes. */
const QUIET_URLS = new Set(['/metrics', '/api/health']);

/**
 * The one JSON logger of the process: Fastify's request logs and Nest's own logs (through
 * nestjs-pino) write to it, each line with the instance; request lines carry the request id.
 */
export function createLogger(config: AppConfig, runtime: Runtime): Logger {
  return pino({
    level: config.logLevel,
    base: { pid: process.pid, instance: runtime.instanceId },
    // What a request log line needs, and nothing that identifies a session.
    serializers: {
      req: (request: { id: unknown; method: string; url: string; ip?: string }) => ({
        id: request.id,
        method: request.method,
        url: request.url,
        remoteAddress: request.ip,
      }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  });
}

/** One line per answered request: id, method, URL, address, status and duration. */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info') && !QUIET_URLS.has(request.url)) {
      request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
    done();
  });
}
