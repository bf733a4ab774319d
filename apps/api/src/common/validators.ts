import { isStateSecretClassification } from '@verkiezingstafel/domain';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';

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
