import { CONTROLLER_WATERMARK, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { GATEWAY_METADATA, MESSAGE_MAPPING_METADATA } from '@nestjs/websockets/constants';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IS_PUBLIC } from '../auth/auth.context';
import { AUTHENTICATED, CAN } from './can.decorator';

type Handler = (...args: unknown[]) => unknown;
type Class = { name: string; prototype: Record<string, unknown> };

/** Every `*.controller.ts` and `*.gateway.ts` of the API, so that a new one is checked too. */
function entryPointFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entryPointFiles(path);
    return /\.(controller|gateway)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function classesOf(file: string): Class[] {
  const exported = require(file) as Record<string, unknown>;
  return Object.values(exported).filter(
    (value): value is Class =>
      typeof value === 'function' &&
      (Reflect.getMetadata(CONTROLLER_WATERMARK, value) === true || Reflect.getMetadata(GATEWAY_METADATA, value) === true),
  );
}

interface EntryPoint {
  name: string;
  declared: boolean;
}

function entryPoints(type: Class): EntryPoint[] {
  const classLevel = [CAN, IS_PUBLIC, AUTHENTICATED].some((key) => Reflect.getMetadata(key, type) !== undefined);
  return Object.getOwnPropertyNames(type.prototype)
    .map((name) => ({ name, handler: Object.getOwnPropertyDescriptor(type.prototype, name)?.value as unknown }))
    .filter((entry): entry is { name: string; handler: Handler } => entry.name !== 'constructor' && typeof entry.handler === 'function')
    .filter(({ handler }) => Reflect.getMetadata(METHOD_METADATA, handler) !== undefined || Reflect.getMetadata(MESSAGE_MAPPING_METADATA, handler) === true)
    .map(({ name, handler }) => {
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      return {
        name: `${type.name}.${name}${path === undefined ? '' : ` (${path})`}`,
        declared: classLevel || [CAN, IS_PUBLIC, AUTHENTICATED].some((key) => Reflect.getMetadata(key, handler) !== undefined),
      };
    });
}

describe('coarse authorization at the edge', () => {
  const classes = entryPointFiles(join(__dirname, '..')).flatMap(classesOf);
  const all = classes.flatMap(entryPoints);

  it('finds the routes and socket messages of the API', () => {
    expect(classes.length).toBeGreaterThanOrEqual(8);
    expect(all.length).toBeGreaterThanOrEqual(25);
    expect(all.map((e) => e.name)).toEqual(expect.arrayContaining([expect.stringContaining('SignalsController.create')]));
  });

  it('every route and socket message declares who may use it: @Can, @Authenticated or @Public', () => {
    expect(all.filter((e) => !e.declared).map((e) => e.name)).toEqual([]);
  });
});
