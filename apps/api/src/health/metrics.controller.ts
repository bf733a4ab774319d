import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthError, authProblem } from '../auth/auth.errors';
import { Public } from '../auth/auth.context';
import { notFound } from '../common/api.errors';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { carriesMetricsToken, metricsOnPublicPort } from './metrics-access';
import { MetricsService } from './metrics.service';

/** `GET /metrics` on the public port, where the configuration allows it (see `metricsOnPublicPort`). */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    // Not served here: answered as any path that does not exist.
    if (!metricsOnPublicPort(this.config)) throw notFound('route');
    if (!carriesMetricsToken(authorization, this.config.metricsToken)) {
      throw authProblem(AuthError.Unauthenticated, {
        detail: 'The metrics need the bearer token of METRICS_TOKEN.',
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      });
    }
    return this.metrics.registry.metrics();
  }
}
