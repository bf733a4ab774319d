import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  messages: { ruleId: string | null; message: string; fatal?: boolean }[];
}

let errors: Record<string, string[]>;
/** Per probe: whether ESLint linted it (a result of its own, not ignored, parsed, typed), and what else it said. */
let linted: Record<string, { found: boolean; problems: string[] }>;
/** What ESLint wrote besides its results, e.g. that the boundaries rule had no project graph and skipped itself. */
let warnings: string;

beforeAll(async () => {
  for (const [path, source] of Object.entries(PROBES)) writeFileSync(join(ROOT, path), source);
  try {
    // The boundaries rule reads Nx's project graph and skips itself (with only a warning) when
    // there is none yet: compute it first, as `nx run-many -t lint` does before ESLint runs.
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: ROOT, env: { ...process.env, NX_DAEMON: 'false' } });
    const eslint = join(ROOT, 'node_modules/.bin/eslint');
    const output = join(mkdtempSync(join(tmpdir(), 'vt-boundaries-')), 'results.json');
    const run = await promisify(execFile)(eslint, ['--format', 'json', '--output-file', output, ...Object.keys(PROBES)], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }).catch(
      // eslint exits with 1 when it reports errors: that is the point here.
      (failure: { stdout?: string; stderr?: string }) => ({ stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' }),
    );
    warnings = `${run.stdout}${run.stderr}`;
    const results = JSON.parse(readFileSync(output, 'utf8')) as LintResult[];
    linted = Object.fromEntries(
      Object.keys(PROBES).map((path) => {
        const result = results.find((r) => r.filePath === join(ROOT, path));
        // An ignored file, one that does not parse or one outside every tsconfig comes back as a
        // message without a rule (or fatal): then no rule ran on it, and "no error" proves nothing.
        const problems = (result?.messages ?? []).filter((m) => m.ruleId === null || m.fatal === true).map((m) => m.message);
        return [path, { found: result !== undefined, problems }];
      }),
    );
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
  it('lint every probe file with the workspace configuration (none ignored, none unparsed, the boundaries rule not skipped)', () => {
    expect(linted).toEqual(Object.fromEntries(Object.keys(PROBES).map((path) => [path, { found: true, problems: [] }])));
    expect(warnings).not.toMatch(/will be skipped/);
  });

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
