import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, fieldProblem } from './api.errors';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** `application/json` and the `application/*+json` types, whatever their case or parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json(?:\s*;|\s*$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/**
 * The one body parser of the API: JSON objects and arrays in UTF-8, up to 1 MB. Anything else
 * is a problem naming the part of the request that is wrong, before any handler runs.
 */
export function registerJsonBody(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    JSON_MEDIA_TYPE,
    { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES },
    (request: FastifyRequest, text: string | Buffer, done: (error: Error | null, body?: unknown) => void) => {
      const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        done(fieldProblem(ApiError.UnsupportedEncoding, 'Content-Type', 'not_one_of', `charset ${charset} is not supported: send UTF-8`));
        return;
      }
      const source = typeof text === 'string' ? text : text.toString('utf8');
      // An empty body is an empty object, as a client that sends only the header means.
      if (source.trim() === '') {
        done(null, {});
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(source);
      } catch {
        done(fieldProblem(ApiError.MalformedJson, 'body', 'invalid_format', 'The request body is not valid JSON.'));
        return;
      }
      if (body === null || typeof body !== 'object') {
        done(fieldProblem(ApiError.MalformedJson, 'body', 'wrong_type', 'The request body must be a JSON object or array.'));
        return;
      }
      done(null, body);
    },
  );
  // A compressed body would reach the parser as bytes it cannot read: refuse it by name.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      done(fieldProblem(ApiError.UnsupportedEncoding, 'Content-Encoding', 'not_one_of', `Content-Encoding ${encoding} is not supported: send the body uncompressed`));
      return;
    }
    done();
  });
}

/**
 * The security headers helmet sets for these options. They do not depend on the request, so
 * they are computed once at start and set on every response in one step.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader(name: string) {
      return headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error(String(error));
    finished = true;
  });
  if (!finished) throw new Error('helmet did not finish synchronously: its headers depend on the request');
  return Object.freeze(headers);
}

/** Board routes answer the board's index.html; these paths belong to the API and the sockets. */
function isServerPath(url: string): boolean {
  return /^\/(?:api|metrics|socket\.io)(?:[/?#]|$)/.test(url);
}

/**
 * Serves the built board at `/`: its files as they are, and index.html for any other GET of
 * a page (deep links into the board), never for a path of the API.
 */
export async function registerBoard(fastify: FastifyInstance, boardDir: string): Promise<void> {
  const fastifyStatic = (await import('@fastify/static')).default;
  await fastify.register(fastifyStatic, { root: boardDir, prefix: '/', wildcard: false, index: ['index.html'], maxAge: 0 });
  fastify.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
    if (isServerPath(request.url)) {
      reply.callNotFound();
      return reply;
    }
    return reply.sendFile('index.html');
  });
}
