import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RUNTIME, type Runtime } from '../config/runtime';
import { dataSourceOptions } from './data-source';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => ({
        ...dataSourceOptions(runtime.databaseUrl, { applicationName: `verkiezingstafel-${runtime.instanceId}` }),
        // Keep trying at start-up is the job of the orchestrator; fail fast and clearly here.
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  // Every feature writes through the one unit of work (row, timeline, audit, outbox, then the 2xx).
  providers: [UnitOfWork],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
