import { timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/app-config';

/**
 * Whether the public port serves `GET /metrics`: in development, unless the metrics have a port
 * of their own; in production only with a token (`METRICS_TOKEN`) and no port of their own.
 * Prometheus scrapes each replica on the internal network, never through the public entrance.
 */
export function metricsOnPublicPort(config: Pick<AppConfig, 'production' | 'metricsPort' | 'metricsToken'>): boolean {
  if (config.metricsPort !== null) return false;
  return !config.production || config.metricsToken !== null;
}

/** Whether an `Authorization` header carries the metrics token (always, when none is configured). */
export function carriesMetricsToken(header: string | string[] | undefined, token: string | null): boolean {
  if (token === null) return true;
  if (typeof header !== 'string') return false;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) return false;
  const sent = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}
