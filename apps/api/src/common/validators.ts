import { isStateSecretClassification } from '@verkiezingstafel/domain';
import { IsISO8601, Matches, registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

/** Optional, but when present it must be valid: `null` is not a way around a required type. */
export const IsOptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Agency codes: BZK, AIVD, ..., GM0363, EC. */
export const AGENCY_CODE = /^[A-Z][A-Z0-9_]{1,15}$/;

/**
 * Refuses state-secret levels with an error that says why; this hub is accredited for
 * Departementaal Vertrouwelijk at most.
 */
export function IsNotStateSecret(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isNotStateSecret',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message:
          'this hub is not accredited for state secrets (Stg. Confidentieel, Stg. Geheim, Stg. Zeer Geheim): do not enter such information here',
        ...options,
      },
      validator: { validate: (value: unknown) => !isStateSecretClassification(value) },
    });
  };
}

/** The largest `version` a record can have: a PostgreSQL integer. */
export const MAX_VERSION = 2_147_483_647;

/**
 * An instant as RFC 3339 writes it (or a plain date): the part of ISO 8601 that PostgreSQL reads.
 * ISO 8601 alone also admits week dates, negative years and decimal commas, which it does not.
 */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):[0-5]\d)?)?$/;

export function IsTimestamp(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    IsISO8601({ strict: true })(target, propertyName);
    Matches(TIMESTAMP, { message: '$property must be a date-time like 2026-03-18T09:30:00Z' })(target, propertyName);
  };
}
