import { type INestApplication, type Provider, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { Logger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { AppModule } from './app.module';
import { BODY_LIMIT_BYTES, registerBoard, registerJsonBody, securityHeaders } from './common/http-plumbing';
import { answerClientError, routerErrorHandler } from './common/problem-details.filter';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import type { Runtime } from './config/runtime';
import { MetricsService } from './health/metrics.service';
import { createLogger, logRequests, requestLogLevel } from './logging';

const REQUEST_ID = /^[\w.-]{1,100}$/;

/** The client's X-Request-Id where it is a plain token, else a new one. */
function requestId(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Builds the configured Nest application (not yet listening); used by `main` and by tests
 * (`overrides` replace providers, e.g. the registry of realtime projections).
 */
export async function createApp(config: AppConfig, runtime: Runtime, boardDir: string | null, overrides: Provider[] = []): Promise<INestApplication> {
  const logger = createLogger(config, runtime);
  const https = config.publicOrigin.startsWith('https:');
  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", config.publicOrigin.replace(/^http/, 'ws')],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        // Only where the board is served over HTTPS: on http://localhost they would break it.
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https,
    // Agrees with frame-ancestors 'none' above, for browsers that read only the older header.
    xFrameOptions: { action: 'deny' },
  });
  /** What every response carries: the security headers, its request id, no caching of the API. */
  const stamp = (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api')) reply.header('cache-control', 'no-store');
  };
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request, written by logRequests.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    trustProxy: config.trustProxy ? 1 : false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Long malformed ids still reach the route, which names them as the wrong field.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 8192 },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      stamp(request, reply);
      routerErrorHandler(error, request, reply);
    },
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, runtime, logger, overrides), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  // First, so that every answer carries them, also one refused while reading the request.
  fastify.addHook('onRequest', (request, reply, done) => {
    stamp(request, reply);
    done();
  });
  registerJsonBody(fastify);
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime);
    done();
  });
  logRequests(fastify, logger, requestLogLevel(config));

  app.enableCors({ origin: [config.publicOrigin], credentials: true });
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useGlobalPipes(createValidationPipe());
  if (boardDir !== null && existsSync(boardDir)) await registerBoard(fastify, boardDir);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Verkiezingstafel API')
      .setDescription(
        'The coordination hub of the Dutch election tables. Errors are application/problem+json (RFC 9457).',
      )
      .setVersion('1')
      .addCookieAuth('vt_session')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
