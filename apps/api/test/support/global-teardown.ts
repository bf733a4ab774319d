import { rmSync } from 'node:fs';
import type { EmbeddedDatabase } from '../../src/database/embedded-database';

export default async function globalTeardown(): Promise<void> {
  const database = (globalThis as { __vtDatabase?: EmbeddedDatabase }).__vtDatabase;
  await database?.stop();
  const dataDir = process.env['VT_TEST_DATA_DIR'];
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
