/*!
 * ci-info's vendor table (vendors.json), bundled into this file when env-detect is built.
 * The MIT License (MIT). Copyright (c) 2016 Thomas Watson Steen. https://github.com/watson/ci-info
 * Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
 * associated documentation files (the "Software"), to deal in the Software without restriction,
 * including without limitation the rights to use, copy, modify, merge, publish, distribute,
 * sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
 * furnished to do so, subject to the following conditions: The above copyright notice and this
 * permission notice shall be included in all copies or substantial portions of the Software.
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
 * NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
 * NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
 * DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */
import ciVendors from 'ci-info/vendors.json' with { type: 'json' };
import type { Env } from './types.js';

/** What {@link detectCi} concluded, and from which variable. */
export interface CiVerdict {
  /** Running under CI. */
  ci: boolean;
  /** The vendor's name as ci-info spells it, or `null` for generic CI or no CI. */
  ciName: string | null;
  /** The variable that gave it away (`'GITHUB_ACTIONS'`, `'CI'`), or `null`. */
  evidence: string | null;
}

/** One condition of a vendor in ci-info's `vendors.json`. */
type VendorCondition =
  | string
  | { env: string; includes: string }
  | { any: string[] }
  | Record<string, string>;

interface Vendor {
  name: string;
  constant: string;
  env: VendorCondition | VendorCondition[];
}

/**
 * Vendor-neutral variables that ci-info's `isCI` also accepts, in its order. ci-info evaluates
 * `process.env` once at import time and has no function over another env, so we apply its data
 * (`vendors.json`) and this list to the injected env ourselves; a test runs ci-info itself in a
 * child process to prove the two agree.
 */
const GENERIC_CI_VARS = [
  'BUILD_ID',
  'BUILD_NUMBER',
  'CI',
  'CI_APP_ID',
  'CI_BUILD_ID',
  'CI_BUILD_NUMBER',
  'CI_NAME',
  'CONTINUOUS_INTEGRATION',
  'RUN_ID',
] as const;

/**
 * ci-info's vendor table. It is bundled into `dist/` when this package is built (ci-info is a
 * build-time dependency), so installing env-detect installs no extra package for 7 KB of data; a
 * ci-info release reaches users with our next release (bench/README.md, "Install footprint").
 */
function vendors(): readonly Vendor[] {
  return ciVendors as readonly Vendor[];
}

function conditionHolds(env: Env, condition: VendorCondition): boolean {
  if (typeof condition === 'string') return Boolean(env[condition]);
  if ('env' in condition && 'includes' in condition) {
    return Boolean(env[condition.env]?.includes(condition.includes));
  }
  if ('any' in condition && Array.isArray(condition.any)) {
    return condition.any.some((key) => Boolean(env[key]));
  }
  return Object.entries(condition as Record<string, string>).every(([k, v]) => env[k] === v);
}

function firstKey(condition: VendorCondition): string {
  if (typeof condition === 'string') return condition;
  if ('env' in condition && typeof condition.env === 'string') return condition.env;
  if ('any' in condition && Array.isArray(condition.any)) return condition.any[0] ?? 'CI';
  return Object.keys(condition)[0] ?? 'CI';
}

/**
 * Decides whether `env` describes a CI run, with ci-info's rules: `CI=false` switches every check
 * off; a vendor matches when all its conditions hold (the last match in ci-info's list names the
 * vendor, as in ci-info); otherwise any vendor-neutral variable (`CI`, `BUILD_ID`, …) that is a
 * non-empty string means CI without a vendor name. Note that, as in ci-info, `CI=0` is still CI.
 *
 * @example
 * ```ts
 * detectCi({ GITHUB_ACTIONS: 'true' }); // { ci: true, ciName: 'GitHub Actions', evidence: 'GITHUB_ACTIONS' }
 * detectCi({ CI: 'false', GITHUB_ACTIONS: 'true' }); // { ci: false, ciName: null, evidence: null }
 * ```
 */
export function detectCi(env: Env): CiVerdict {
  if (env.CI === 'false') return { ci: false, ciName: null, evidence: null };
  let match: CiVerdict | null = null;
  for (const vendor of vendors()) {
    const conditions = Array.isArray(vendor.env) ? vendor.env : [vendor.env];
    if (conditions.every((c) => conditionHolds(env, c))) {
      match = { ci: true, ciName: vendor.name, evidence: firstKey(conditions[0] ?? 'CI') };
    }
  }
  for (const key of GENERIC_CI_VARS) {
    if (env[key]) return match ?? { ci: true, ciName: null, evidence: key };
  }
  return match ?? { ci: false, ciName: null, evidence: null };
}
