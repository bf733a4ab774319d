import 'reflect-metadata';
import { startHub } from './bootstrap';
import { ConfigError } from './config/app-config';

async function main(): Promise<void> {
  const hub = await startHub(process.env);
  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal} received: stopping the hub and its database...\n`);
    hub.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
  } else {
    console.error('The hub could not start:', error);
  }
  process.exit(1);
});
