import { type INestApplication, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'body-parser';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { bodyParserProblem } from './common/problem-details.filter';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import type { Runtime } from './config/runtime';
import { HttpMetricsMiddleware, MetricsService } from './health/metrics.service';

export const BODY_LIMIT = '1mb';

/** JSON bodies up to 1 MB; a body that cannot be read becomes a problem naming `body`. */
function jsonBody() {
  const parse = json({ limit: BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] });
  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => next(error === undefined ? undefined : bodyParserProblem(error)));
  };
}

/** Builds the configured Nest application (not yet listening); used by `main` and by tests. */
export async function createApp(config: AppConfig, runtime: Runtime, boardDir: string | null): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, runtime, boardDir), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.disable('x-powered-by');
  app.use(
    helmet({
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
          upgradeInsecureRequests: config.production ? [] : null,
        },
      },
      strictTransportSecurity: config.production,
    }),
  );
  // Request durations for /metrics, for every route (a plain Express middleware: Nest's
  // wildcard routes for middleware are in flux between its path syntaxes).
  const httpMetrics = new HttpMetricsMiddleware(app.get(MetricsService));
  app.use((request: Request, response: Response, next: NextFunction) => httpMetrics.use(request, response, next));
  app.use(jsonBody());
  app.use(cookieParser());
  app.use('/api', (_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.enableCors({ origin: [config.publicOrigin], credentials: true });
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useGlobalPipes(createValidationPipe());

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
