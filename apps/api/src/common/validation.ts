import { type ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldError, FieldErrorCode } from '@verkiezingstafel/domain';
import { validationProblem } from './api.errors';

/** Deeper than any body or query of the API; deeper JSON is refused before anything recurses into it. */
const MAX_JSON_DEPTH = 32;
const MAX_REPORTED = 20;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Keys that class-transformer and Nest's pipe drop without a word (`__proto__`, `constructor`, `toString`, ...). */
function isDroppedKey(key: string): boolean {
  return key === 'prototype' || key in Object.prototype;
}

/**
 * What the validators cannot be trusted with, found before they run: JSON nested deeper than
 * {@link MAX_JSON_DEPTH} (the transformers recurse), text PostgreSQL cannot store as sent (NUL,
 * lone surrogates), and keys the transformers would silently drop. Walks without recursion.
 */
export function unreadableJsonErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: '', depth: 0 }];
  while (stack.length > 0 && errors.length < MAX_REPORTED) {
    const { value: current, field, depth } = stack.pop()!;
    const name = field === '' ? 'body' : field;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) errors.push({ field: name, code: 'invalid_text', message: `${name} must not contain NUL characters` });
      else if (LONE_SURROGATE.test(current)) errors.push({ field: name, code: 'invalid_text', message: `${name} must be well-formed Unicode text` });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      errors.push({ field: name, code: 'too_deep', message: `${name} is nested deeper than ${MAX_JSON_DEPTH} levels` });
      continue;
    }
    const children: { value: unknown; field: string; depth: number }[] = [];
    if (Array.isArray(current)) {
      current.forEach((item: unknown, i) => children.push({ value: item, field: field === '' ? String(i) : `${field}[${i}]`, depth: depth + 1 }));
    } else {
      for (const [key, item] of Object.entries(current)) {
        const path = field === '' ? key : `${field}.${key}`;
        if (isDroppedKey(key)) errors.push({ field: path, code: 'not_allowed', message: `unknown field ${key} is not allowed` });
        else children.push({ value: item, field: path, depth: depth + 1 });
      }
    }
    // In order, and without spreading: a body may hold hundreds of thousands of items.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return errors;
}

/**
 * The machine code of each class-validator constraint the DTOs use, by constraint name (the
 * key of `ValidationError.constraints`). The one table from validator to field error code; a
 * test walks the metadata of every DTO and fails on a constraint that is missing here.
 */
export const CONSTRAINT_CODES: Readonly<Record<string, FieldErrorCode>> = {
  whitelistValidation: 'not_allowed',
  nestedValidation: 'wrong_type',
  isString: 'wrong_type',
  isInt: 'wrong_type',
  isBoolean: 'wrong_type',
  isArray: 'wrong_type',
  isObject: 'wrong_type',
  min: 'out_of_range',
  max: 'out_of_range',
  maxTextLength: 'too_long',
  minTextLength: 'too_short',
  notEmptyText: 'required',
  arrayMaxSize: 'too_many',
  arrayMinSize: 'too_few',
  arrayUnique: 'duplicate',
  isIn: 'not_one_of',
  isUuid: 'invalid_format',
  matches: 'invalid_format',
  isEmail: 'invalid_format',
  isUrl: 'invalid_url',
  isTimestamp: 'invalid_date',
  isCalendarDate: 'invalid_date',
  isNotStateSecret: 'state_secret',
};

/** The code of a constraint; one the table does not know is a defect the DTO test names. */
export function codeOfConstraint(name: string): FieldErrorCode {
  const code = CONSTRAINT_CODES[name];
  if (code === undefined) throw new Error(`the validation constraint ${name} has no field error code in CONSTRAINT_CODES`);
  return code;
}

/**
 * Flattens class-validator errors into `{ field, code, message }` with dotted/indexed paths. A
 * field that is missing or `null` where a value is needed is one `required` error, whatever
 * constraints it failed on the way.
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = parent === '' ? error.property : isIndex ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    const constraints = Object.entries(error.constraints ?? {});
    const unknown = constraints.some(([name]) => name === 'whitelistValidation');
    const missing = 'value' in error && (error.value === undefined || error.value === null);
    if (constraints.length > 0 && missing && !unknown) {
      result.push({ field, code: 'required', message: error.value === null ? `${field} must not be null` : `${field} is required` });
    } else {
      for (const [name, message] of constraints) {
        result.push({ field, code: codeOfConstraint(name), message: unknownFieldMessage(message) });
      }
    }
    if (error.children && error.children.length > 0) {
      result.push(...flattenValidationErrors(error.children, field));
    }
  }
  return result;
}

function unknownFieldMessage(message: string): string {
  return message.replace(/^property (\S+) should not exist$/, 'unknown field $1 is not allowed');
}

/** Checks bodies and queries for {@link unreadableJsonErrors} before class-validator sees them. */
class HubValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const errors = unreadableJsonErrors(value);
      if (errors.length > 0) throw validationProblem(errors);
    }
    return super.transform(value, metadata);
  }
}

/** The one validation pipe of the API: unknown fields are an error, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new HubValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // The value is read to tell a missing field from a wrong one; it never leaves the server.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}
