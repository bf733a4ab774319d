import 'reflect-metadata';
import { FIELD_ERROR_CODES } from '@verkiezingstafel/domain';
import { getMetadataStorage, type ValidationError, ValidationTypes } from 'class-validator';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONSTRAINT_CODES, createValidationPipe, flattenValidationErrors } from './validation';

type Class = abstract new (...args: never[]) => unknown;

/** Every file of the API that may declare a DTO: DTO files, and controllers and gateways with inline ones. */
function dtoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return dtoFiles(path);
    return /\.(dto|controller|gateway)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** The constraint names class-validator gives the validators of every DTO, with where they are used. */
function constraintsInUse(): Map<string, string[]> {
  const storage = getMetadataStorage();
  const used = new Map<string, string[]>();
  const note = (name: string, where: string) => used.set(name, [...(used.get(name) ?? []), where]);
  for (const file of dtoFiles(join(__dirname, '..'))) {
    const exported = require(file) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value !== 'function') continue;
      for (const metadata of storage.getTargetValidationMetadatas(value as Class, '', true, false)) {
        const where = `${(value as Class).name}.${metadata.propertyName}`;
        if (metadata.type === ValidationTypes.CUSTOM_VALIDATION) {
          for (const constraint of storage.getTargetValidatorConstraints(metadata.constraintCls)) note(constraint.name, where);
        } else if (metadata.type === ValidationTypes.NESTED_VALIDATION) {
          note('nestedValidation', where);
        } else if (metadata.type !== ValidationTypes.CONDITIONAL_VALIDATION && metadata.type !== ValidationTypes.WHITELIST) {
          note(metadata.type, where);
        }
      }
    }
  }
  return used;
}

describe('field error codes (every validator has one)', () => {
  const used = constraintsInUse();

  it('finds the validators of the DTOs', () => {
    // A walk that finds nothing proves nothing.
    for (const name of ['isString', 'maxTextLength', 'isIn', 'isUuid', 'isTimestamp', 'isCalendarDate', 'nestedValidation', 'isNotStateSecret']) {
      expect([name, used.has(name)]).toEqual([name, true]);
    }
  });

  it('maps every constraint a DTO uses to a code of FIELD_ERROR_CODES', () => {
    const missing = [...used.entries()].filter(([name]) => CONSTRAINT_CODES[name] === undefined).map(([name, where]) => `${name} (${where.join(', ')})`);
    expect(missing).toEqual([]);
    for (const code of Object.values(CONSTRAINT_CODES)) expect(FIELD_ERROR_CODES).toContain(code);
  });

  it('answers an unknown field, a missing one and a wrong one each with its code', async () => {
    const { SignalFieldsDto } = require('../signals/dto/signal-write.dto') as { SignalFieldsDto: Class };
    const pipe = createValidationPipe();
    const error = await pipe
      .transform({ title: 7, category: 'other', severity: 'low', marking: 'ROOD', extra: 1 }, { type: 'body', metatype: SignalFieldsDto as unknown as new () => object })
      .then(
        () => null,
        (thrown: { problem?: { errors?: { field: string; code: string }[] } }) => thrown.problem?.errors ?? null,
      );
    expect(error).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'title', code: 'wrong_type' }),
        expect.objectContaining({ field: 'description', code: 'required' }),
        expect.objectContaining({ field: 'marking', code: 'not_one_of' }),
        expect.objectContaining({ field: 'extra', code: 'not_allowed' }),
      ]),
    );
  });

  it('refuses to flatten a constraint without a code rather than answer without one', () => {
    const error = { property: 'x', value: 'y', constraints: { someNewValidator: 'x is wrong' }, children: [] } as unknown as ValidationError;
    expect(() => flattenValidationErrors([error])).toThrow(/someNewValidator has no field error code/);
  });
});
