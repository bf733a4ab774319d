import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of this process, scraped at `GET /metrics`. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** One answered request; `route` is the matched route pattern (never the raw URL, which holds ids). */
  observeRequest(method: string, route: string | undefined, status: number, milliseconds: number): void {
    this.httpDuration.observe({ method, route: route ?? 'unmatched', status: String(status) }, milliseconds / 1000);
  }
}
