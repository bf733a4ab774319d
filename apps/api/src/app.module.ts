import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { LoggerModule } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgenciesModule } from './agencies/agencies.module';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { ElectionsModule } from './elections/elections.module';
import { PlatformReportsModule } from './platform-reports/platform-reports.module';
import { RealtimeModule } from './realtime/realtime.module';
import { SignalsModule } from './signals/signals.module';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { RUNTIME, type Runtime } from './config/runtime';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  static register(config: AppConfig, runtime: Runtime, boardDir: string | null): DynamicModule {
    const serveBoard =
      boardDir !== null && existsSync(boardDir)
        ? [
            ServeStaticModule.forRoot({
              rootPath: boardDir,
              exclude: ['/api/{*rest}', '/metrics', '/socket.io/{*rest}'],
              serveStaticOptions: { index: 'index.html', maxAge: 0 },
            }),
          ]
        : [];
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          // Every route, in the path syntax of Nest 11 (the default `*` logs a conversion warning).
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            genReqId: (request: IncomingMessage, response: ServerResponse) => {
              const incoming = request.headers['x-request-id'];
              const id =
                typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
              response.setHeader('X-Request-Id', id);
              return id;
            },
            customProps: () => ({ instance: runtime.instanceId }),
            // What a request log line needs, and nothing that identifies a session.
            serializers: {
              req: (request: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
                remoteAddress: request.remoteAddress,
              }),
              res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
            },
            redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            autoLogging: { ignore: (request) => request.url === '/metrics' || request.url === '/api/health' },
          },
        }),
        DatabaseModule,
        HealthModule,
        AuthModule,
        AgenciesModule,
        ElectionsModule,
        SignalsModule,
        PlatformReportsModule,
        AuditModule,
        RealtimeModule,
        ...serveBoard,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUNTIME, useValue: runtime },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [APP_CONFIG, RUNTIME],
    };
  }
}
