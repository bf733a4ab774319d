import type { FieldErrorCode } from '@verkiezingstafel/domain';
import { ApiError, apiProblem, validationProblem } from './api.errors';
import type { ProblemException } from './problem.exception';

/** What the PostgreSQL driver tells of a refused statement (`pg`'s DatabaseError, copied onto TypeORM's QueryFailedError). */
interface DatabaseError {
  code: string;
  table?: string;
  column?: string;
  constraint?: string;
}

function asDatabaseError(error: unknown): DatabaseError | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, table, column, constraint, driverError } = error as Record<string, unknown>;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return {
      code,
      ...(typeof table === 'string' ? { table } : {}),
      ...(typeof column === 'string' ? { column } : {}),
      ...(typeof constraint === 'string' ? { constraint } : {}),
    };
  }
  return driverError !== undefined && driverError !== error ? asDatabaseError(driverError) : null;
}

const camel = (snake: string) => snake.replace(/_([a-z])/g, (_m, letter: string) => letter.toUpperCase());

/**
 * The request field a refused column stands for: the column the error names, else the one
 * PostgreSQL's own constraint names spell (`signals_title_check`, `signals_lead_agency_fkey`,
 * `elections_code_key`, `signals_title_probe_key`: table, column, then a suffix).
 */
function fieldOf(error: DatabaseError): string | null {
  if (error.column) return camel(error.column);
  const { constraint, table } = error;
  if (!constraint || !table || !constraint.startsWith(`${table}_`)) return null;
  const rest = constraint.slice(table.length + 1).replace(/_(check|fkey|key|pkey|excl)(_[a-z0-9]+)?$/, '');
  if (rest === '' || rest === constraint.slice(table.length + 1)) return null;
  // A constraint named after the table alone (`measures_check`) covers several columns.
  return /^[a-z][a-z0-9_]*$/.test(rest) ? camel(rest) : null;
}

/** The code of a missing reference, by the column that holds it. */
function unknownReference(field: string | null): FieldErrorCode {
  if (field === null) return 'invalid_value';
  if (/agency$/i.test(field) || field === 'sharedWith' || field === 'agencyCode') return 'unknown_agency';
  if (/^election/i.test(field)) return 'unknown_election';
  if (/^signal/i.test(field)) return 'unknown_signal';
  if (/(user|author|createdBy|recipients)/i.test(field)) return 'unknown_user';
  return 'invalid_value';
}

/** The field error code of a data exception (class 22), by its SQLSTATE. */
const DATA_EXCEPTION_CODES: Readonly<Record<string, FieldErrorCode>> = {
  '22001': 'too_long',
  '22003': 'out_of_range',
  '22007': 'invalid_date',
  '22008': 'invalid_date',
  '22009': 'invalid_date',
  '2201B': 'invalid_format',
  '22021': 'invalid_text',
  '22P02': 'invalid_format',
  '22P05': 'invalid_text',
  '22023': 'invalid_value',
};

/**
 * A statement refused because of the data the client sent (integrity constraints, class 23;
 * data exceptions, class 22) is the client's error, never a 500: a 400 (409 for a value that
 * must be unique) naming the field where the error says which. The transaction rolled back,
 * so nothing was written. Any other database error is not answered here.
 */
export function clientDataProblem(error: unknown): ProblemException | null {
  const refused = asDatabaseError(error);
  if (!refused || !(refused.code.startsWith('23') || refused.code.startsWith('22'))) return null;
  const field = fieldOf(refused);
  const name = field ?? 'body';
  switch (refused.code) {
    case '23505':
      return apiProblem(ApiError.AlreadyExists, {
        detail: `${name}: a record with this value exists already.`,
        errors: [{ field: name, code: 'already_exists', message: 'a record with this value exists already' }],
      });
    case '23502':
      return validationProblem([{ field: name, code: 'required', message: `${name} is required` }]);
    case '23503':
      return validationProblem([{ field: name, code: unknownReference(field), message: `${name} names a record that does not exist` }]);
    default: {
      const code = DATA_EXCEPTION_CODES[refused.code] ?? 'invalid_value';
      return validationProblem([{ field: name, code, message: `${name} is not a value the hub can store` }]);
    }
  }
}
