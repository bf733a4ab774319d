/** Values resolved while starting: the database actually used and the session secret. */
export interface Runtime {
  databaseUrl: string;
  /** SESSION_SECRET, or in demo mode a random secret kept under DATA_DIR. */
  sessionSecret: string;
  /** Unique per process; tells replicas apart in logs and realtime. */
  instanceId: string;
}

export const RUNTIME = Symbol('RUNTIME');
