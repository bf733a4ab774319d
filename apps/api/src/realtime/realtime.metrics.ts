import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../health/metrics.service';
import type { OutboxEvent } from './outbox-tail.service';

@Injectable()
export class RealtimeMetrics {
  readonly connections: Gauge;
  readonly replays: Counter;
  readonly delivered: Counter<'type'>;
  readonly commitToEmit: Histogram;
  readonly fanOutSeconds: Histogram;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.connections = new Gauge({ name: 'realtime_connections', help: 'Open sockets on this instance', registers });
    this.replays = new Counter({ name: 'realtime_replays_total', help: 'Resumes that replayed events', registers });
    this.delivered = new Counter({ name: 'realtime_events_total', help: 'Outbox events delivered', labelNames: ['type'], registers });
    this.commitToEmit = new Histogram({
      name: 'realtime_commit_to_emit_seconds',
      help: 'From the outbox row to its emit on this instance',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers,
    });
    this.fanOutSeconds = new Histogram({
      name: 'realtime_fan_out_seconds',
      help: 'Time to evaluate and emit one event to every audience',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1],
      registers,
    });
  }

  observeDelivery(event: OutboxEvent, started: bigint): void {
    this.delivered.inc({ type: event.type });
    this.fanOutSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    this.commitToEmit.observe(Math.max(0, Date.now() - Date.parse(event.at)) / 1000);
  }
}
