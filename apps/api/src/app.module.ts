import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { realtimeProjections } from '@verkiezingstafel/domain';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AgenciesModule } from './agencies/agencies.module';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { ElectionsModule } from './elections/elections.module';
import { PlatformReportsModule } from './platform-reports/platform-reports.module';
import { RealtimeModule } from './realtime/realtime.module';
import { REALTIME_PROJECTIONS } from './realtime/realtime.tokens';
import { SignalsModule } from './signals/signals.module';
import { APP_CONFIG, type AppConfig } from './config/app-config';
import { RUNTIME, type Runtime } from './config/runtime';
import { CLOCK, systemClock } from './common/clock';
import { MailModule } from './mail/mail.module';
import { UsersModule } from './users/users.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';

@Module({})
export class AppModule {
  /** `overrides` replace providers of the whole app (tests: a registry with a toy kind of record). */
  static register(config: AppConfig, runtime: Runtime, logger: Logger, overrides: Provider[] = []): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        // Nest's own log lines go to the process logger; request lines are Fastify's (logging.ts).
        LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] }),
        DatabaseModule,
        MailModule,
        HealthModule,
        AuthModule,
        AgenciesModule,
        ElectionsModule,
        SignalsModule,
        PlatformReportsModule,
        AuditModule,
        UsersModule,
        RealtimeModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: RUNTIME, useValue: runtime },
        { provide: CLOCK, useValue: systemClock },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: REALTIME_PROJECTIONS, useValue: realtimeProjections },
        ...overrides,
      ],
      exports: [APP_CONFIG, RUNTIME, REALTIME_PROJECTIONS, CLOCK],
    };
  }
}
