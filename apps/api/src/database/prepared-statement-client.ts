import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** Beyond this many statements a connection runs new texts unprepared, so a backend never hoards plans. */
const MAX_PREPARED_PER_CONNECTION = 500;
const MAX_REMEMBERED_NAMES = 5000;
const names = new Map<string, string>();

/** The statement name of a query text: the same text always gets the same name. */
export function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `vt_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    if (names.size < MAX_REMEMBERED_NAMES) names.set(text, name);
  }
  return name;
}

/**
 * The `pg` client of the hub's pool. It prepares every parameterised statement once per
 * connection and then only binds and executes it. PostgreSQL plans an unnamed statement anew on every call; for the
 * short indexed queries of the hub (the session check of every request, a signal by id, a
 * page) planning costs several times the execution. Texts without parameters (migrations,
 * transaction control, several statements in one string) run as they are.
 */
export class PreparedStatementClient extends Client {
  readonly prepared = new Set<string>();

  constructor(config?: ConstructorParameters<typeof Client>[0]) {
    super(config);
    // The pool listens for errors of idle clients and the query runner for those of the
    // client it holds; a connection killed the instant it is handed from one to the other
    // (its ReadyForQuery and the FATAL in one read) would otherwise emit an error nobody
    // hears, and that ends the process. The client is broken then: its next query fails and
    // the runner releases it, as for any lost connection.
    this.on('error', () => undefined);
  }
}

const unprepared = Client.prototype.query;

function preparedQuery(this: PreparedStatementClient, ...args: unknown[]): unknown {
  const [text, values, callback] = args;
  if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
    const name = statementName(text);
    if (this.prepared.has(name) || this.prepared.size < MAX_PREPARED_PER_CONNECTION) {
      this.prepared.add(name);
      const rest = callback === undefined ? [] : [callback];
      return (unprepared as (...a: unknown[]) => unknown).call(this, { name, text, values }, ...rest);
    }
  }
  return (unprepared as (...a: unknown[]) => unknown).apply(this, args);
}

// `query` has a dozen overloads in @types/pg; the one function above serves them all.
PreparedStatementClient.prototype.query = preparedQuery as unknown as Client['query'];
