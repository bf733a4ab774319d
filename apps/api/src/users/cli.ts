import 'reflect-metadata';
import { createUser, parseCreateUser, UsageError } from './create-user';

/** `node dist/api/apps/api/src/users/cli.js create-user ...`: see `parseCreateUser`. */
async function main(): Promise<void> {
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) throw new UsageError('DATABASE_URL: required (the database of the hub)');
  const user = parseCreateUser(process.argv.slice(2));
  const created = await createUser(databaseUrl, user, process.env['TAFEL_NEW_USER_PASSWORD'] || undefined);
  process.stdout.write(`Created ${user.email} (${user.agency}, ${user.roles.join(', ')}, clearance ${user.clearance}), id ${created.id}\n`);
  if (created.generated) process.stdout.write(`Password (shown once): ${created.password}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof UsageError ? error.message : `Creating the user failed: ${String(error)}`}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
