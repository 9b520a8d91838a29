import { type AuthRecord, redactRecord } from '../model/auth-record.js';
import { INSPECT_CUSTOM, type Inspect } from '../model/inspect-hook.js';

/**
 * Gives a record returned by a store non-enumerable `inspect` and `toJSON` hooks that show its
 * redacted view, so `console.log(record)`, `util.inspect` and `JSON.stringify` print no token
 * (SPEC §10). Field access, spreading and `structuredClone` are unaffected: the tokens are still
 * there for the code that asks for them by name.
 */
export function withRedaction(record: AuthRecord): AuthRecord {
  const view = () => redactRecord(record);
  Object.defineProperties(record, {
    [INSPECT_CUSTOM]: {
      value: (_depth: number, _options: object, inspect: Inspect) =>
        `AuthRecord ${inspect(view())}`,
    },
    toJSON: { value: view },
  });
  return record;
}
