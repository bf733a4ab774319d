import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { AppConfig } from './config/app-config';
import type { Runtime } from './config/runtime';

/** Requests too frequent to log: scrapes and liveness probes. */
const QUIET_URLS = new Set(['/metrics', '/api/health']);

/** What Nest says about itself while starting (modules loaded, routes mapped, messages subscribed). */
const STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'NestApplication']);

/**
 * Outside production the console is for a person: what the framework says while starting,
 * where the server listens (on every interface, by address) and every request are debug
 * lines there, so the start banner stays the last thing on screen. `LOG_LEVEL=debug` shows them.
 */
function isStartupChatter(args: unknown[]): boolean {
  const [first, second] = args;
  if (typeof first === 'object' && first !== null && STARTUP_CONTEXTS.has(String((first as { context?: unknown }).context))) return true;
  const message = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
  return message.startsWith('Server listening at ');
}

/** Whether request lines are debug lines (outside production) or info lines (production). */
export function requestLogLevel(config: Pick<AppConfig, 'production'>): 'info' | 'debug' {
  return config.production ? 'info' : 'debug';
}

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
    hooks: config.production
      ? {}
      : {
          logMethod(args, method, level) {
            if (level === 30 && isStartupChatter(args)) {
              if (this.isLevelEnabled('debug')) method.apply(this, args);
              return;
            }
            method.apply(this, args);
          },
        },
  });
}

/** One line per answered request: id, method, URL, address, status and duration. */
export function logRequests(fastify: FastifyInstance, logger: Logger, level: 'info' | 'debug'): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled(level) && !QUIET_URLS.has(request.url)) {
      request.log[level]({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
    done();
  });
}
