import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectCi, type Env } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const cases: Env[] = [
  {},
  { CI: 'true' },
  { CI: 'false' },
  { CI: '0' },
  { CI: '' },
  { CI: 'false', GITHUB_ACTIONS: 'true' },
  { GITHUB_ACTIONS: 'true' },
  { BUILDKITE: 'true' },
  { GITLAB_CI: 'true', CI: 'true' },
  { JENKINS_URL: 'http://127.0.0.1/', BUILD_ID: '7' },
  { BUILD_ID: '7' },
  { NODE: '/app/.heroku/node/bin/node' },
  { TF_BUILD: 'True' },
  { CONTINUOUS_INTEGRATION: '1' },
  { RUN_ID: 'x', TASK_ID: 'y' },
  { NOW_BUILDER: '1', VERCEL: '1' },
  { CI_NAME: 'codeship' },
  { CF_PAGES: '1' },
];

/**
 * ci-info itself, evaluated in a real child process for each env: it reads process.env when it
 * loads, so the child resets process.env and reloads it per case.
 */
function ciInfoVerdicts(envs: Env[]): Array<{ ci: boolean; ciName: string | null }> {
  const script = `
    const envs = JSON.parse(process.argv[1]);
    const path = require.resolve('ci-info');
    const out = envs.map((env) => {
      for (const key of Object.keys(process.env)) delete process.env[key];
      Object.assign(process.env, env);
      delete require.cache[path];
      const ci = require(path);
      return { ci: ci.isCI, ciName: ci.name };
    });
    process.stdout.write(JSON.stringify(out));
  `;
  const output = execFileSync(process.execPath, ['-e', script, JSON.stringify(envs)], {
    cwd: packageDir,
    env: {},
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

describe('detectCi', () => {
  it('agrees with ci-info itself on every case', () => {
    const expected = ciInfoVerdicts(cases);
    const actual = cases.map((env) => {
      const { ci, ciName } = detectCi(env);
      return { ci, ciName };
    });
    expect(actual).toEqual(expected);
    // The table must exercise both answers and several vendors, or agreeing proves little.
    expect(new Set(expected.map((v) => v.ciName)).size).toBeGreaterThan(5);
    expect(expected.some((v) => !v.ci)).toBe(true);
  });

  it('keeps CI=false as not CI', () => {
    expect(detectCi({ CI: 'false' })).toEqual({ ci: false, ciName: null, evidence: null });
  });

  it.each([
    ['GITHUB_ACTIONS', 'GitHub Actions'],
    ['BUILDKITE', 'Buildkite'],
    ['GITLAB_CI', 'GitLab CI'],
  ])('%s is CI named %s, with the variable as evidence', (key, name) => {
    expect(detectCi({ [key]: 'true' })).toEqual({ ci: true, ciName: name, evidence: key });
  });

  it('names the generic variable when no vendor matches', () => {
    expect(detectCi({ BUILD_NUMBER: '12' })).toEqual({
      ci: true,
      ciName: null,
      evidence: 'BUILD_NUMBER',
    });
  });
});
