import { isCalendarDate, isStateSecretClassification, isTimestamp, type TextLimit, textLength } from '@verkiezingstafel/domain';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

/** Optional, but when present it must be valid: `null` is not a way around a required type. */
export const IsOptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Agency codes: BZK, AIVD, ..., GM0363, EC. */
export const AGENCY_CODE = /^[A-Z][A-Z0-9_]{1,15}$/;

/** A validator of one property: its constraint name is what `CONSTRAINT_CODES` turns into a field error code. */
function constraint(
  name: string,
  message: string,
  validate: (value: unknown) => boolean,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message, ...options },
      validator: { validate },
    });
  };
}

/**
 * The length of a text in code points (`textLength` of libs/domain), as the database's CHECK
 * constraints measure it; class-validator's `Length` counts with validator.js, which skips
 * variation selectors. A value that is not a string is left to `@IsString`.
 */
export function TextLength(limit: TextLimit, options?: ValidationOptions): PropertyDecorator {
  const atMost = constraint(
    'maxTextLength',
    `$property must be at most ${limit.max} characters long`,
    (value) => typeof value !== 'string' || textLength(value) <= limit.max,
    options,
  );
  if (limit.min === 0) return atMost;
  // An empty text where one is needed is a missing value; a longer minimum is a length.
  const atLeast = constraint(
    limit.min === 1 ? 'notEmptyText' : 'minTextLength',
    limit.min === 1 ? '$property must not be empty' : `$property must be at least ${limit.min} characters long`,
    (value) => typeof value !== 'string' || textLength(value) >= limit.min,
    options,
  );
  return (target: object, propertyName: string | symbol) => {
    atLeast(target, propertyName);
    atMost(target, propertyName);
  };
}

/**
 * Refuses state-secret levels with an error that says why; this hub is accredited for
 * Departementaal Vertrouwelijk at most.
 */
export function IsNotStateSecret(options?: ValidationOptions): PropertyDecorator {
  return constraint(
    'isNotStateSecret',
    'this hub is not accredited for state secrets (Stg. Confidentieel, Stg. Geheim, Stg. Zeer Geheim): do not enter such information here',
    (value) => !isStateSecretClassification(value),
    options,
  );
}

/** The largest `version` a record can have: a PostgreSQL integer. */
export const MAX_VERSION = 2_147_483_647;

/** An instant in RFC 3339 form (the part of ISO 8601 PostgreSQL reads), from 1900 to the end of 2200. */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return constraint(
    'isTimestamp',
    '$property must be a date-time like 2026-03-18T09:30:00Z, between 1900 and 2200',
    (value) => typeof value === 'string' && isTimestamp(value),
    options,
  );
}

/** A calendar date `YYYY-MM-DD` that exists, from 1900 to the end of 2200. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return constraint(
    'isCalendarDate',
    '$property must be a date (YYYY-MM-DD) between 1900 and 2200',
    (value) => typeof value === 'string' && isCalendarDate(value),
    options,
  );
}
