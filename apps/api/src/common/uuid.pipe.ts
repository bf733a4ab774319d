import { Injectable, type PipeTransform } from '@nestjs/common';
import { validationProblem } from './api.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A path id that is not a UUID is a 400 naming the parameter, never a database error. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  constructor(private readonly field = 'id') {}

  transform(value: string): string {
    if (!isUuid(value)) throw validationProblem([{ field: this.field, code: 'invalid_format', message: `${this.field} must be a UUID` }]);
    return value.toLowerCase();
  }
}
