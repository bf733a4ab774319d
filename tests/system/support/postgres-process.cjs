// Runs the hub's embedded PostgreSQL in its own process, so that a test can stop and
// restart the database under a running API. Usage: node postgres-process.cjs <dataDir> <port>
const { startEmbeddedDatabase } = require('../../../dist/api/apps/api/src/database/embedded-database.js');

const [dataDir, port] = process.argv.slice(2);
startEmbeddedDatabase({ dataDir, port: Number(port) }).then(
  (database) => {
    process.stdout.write(`READY ${database.url}\n`);
    const stop = () => database.stop().then(() => process.exit(0), () => process.exit(1));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
