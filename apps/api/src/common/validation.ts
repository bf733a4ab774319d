import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from '@verkiezingstafel/domain';
import { validationProblem } from './problem.exception';

/** Flattens class-validator errors into `{ field, message }` with dotted/indexed paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const result: FieldError[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = parent === '' ? error.property : isIndex ? `${parent}[${error.property}]` : `${parent}.${error.property}`;
    for (const message of Object.values(error.constraints ?? {})) {
      result.push({ field, message: unknownFieldMessage(message) });
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

/** The one validation pipe of the API: unknown fields are an error, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationProblem(flattenValidationErrors(errors)),
  });
}
