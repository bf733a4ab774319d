import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/*
 * The Nx module boundaries of architecture.md, proven against the workspace's own ESLint
 * configuration: probe files are written into the projects, linted by the eslint command
 * `npm test` runs, and removed again.
 */
const ROOT = resolve(__dirname, '../..');
const BOUNDARIES = '@nx/enforce-module-boundaries';

const PROBES: Record<string, string> = {
  'libs/domain/src/lib/boundary-probe-frameworks.ts': [
    "import { Injectable } from '@nestjs/common';",
    "import { Component } from '@angular/core';",
    "import fastify from 'fastify';",
    "import { DataSource } from 'typeorm';",
    'export const probe = [Injectable, Component, fastify, DataSource];',
    '',
  ].join('\n'),
  'libs/domain/src/lib/boundary-probe-casl.ts': "import { createMongoAbility } from '@casl/ability';\nexport const probe = createMongoAbility;\n",
  'apps/board/src/app/boundary-probe.ts': "import { createApp } from '../../../api/src/app.factory';\nexport const probe = createApp;\n",
  'apps/api/src/boundary-probe.ts': "import { appConfig } from '../../board/src/app/app.config';\nexport const probe = appConfig;\n",
};

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

let errors: Record<string, string[]>;

beforeAll(async () => {
  for (const [path, source] of Object.entries(PROBES)) writeFileSync(join(ROOT, path), source);
  try {
    const eslint = join(ROOT, 'node_modules/.bin/eslint');
    const run = await promisify(execFile)(eslint, ['--format', 'json', ...Object.keys(PROBES)], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).catch(
      // eslint exits with 1 when it reports errors: that is the point here.
      (failure: { stdout?: string }) => ({ stdout: failure.stdout ?? '[]' }),
    );
    const results = JSON.parse(run.stdout) as LintResult[];
    errors = Object.fromEntries(
      Object.keys(PROBES).map((path) => [
        path,
        (results.find((r) => r.filePath === join(ROOT, path))?.messages ?? []).filter((m) => m.ruleId === BOUNDARIES).map((m) => m.message),
      ]),
    );
  } finally {
    for (const path of Object.keys(PROBES)) rmSync(join(ROOT, path), { force: true });
  }
});

describe('module boundaries', () => {
  it('fail lint when libs/domain imports a framework or a server library', () => {
    expect(errors['libs/domain/src/lib/boundary-probe-frameworks.ts']).toHaveLength(4);
  });

  it('let libs/domain import CASL, the one package its rules are written in', () => {
    expect(errors['libs/domain/src/lib/boundary-probe-casl.ts']).toEqual([]);
  });

  it('fail lint when the board imports the API, or the API the board', () => {
    expect(errors['apps/board/src/app/boundary-probe.ts']!.length).toBeGreaterThan(0);
    expect(errors['apps/api/src/boundary-probe.ts']!.length).toBeGreaterThan(0);
  });
});
