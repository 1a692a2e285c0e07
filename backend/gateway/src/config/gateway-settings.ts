import { ValidateBy, type ValidationArguments } from 'class-validator';

/** One upstream as the gateway reads it: an http(s) origin, no credentials, path, query or fragment. */
function isOrigin(entry: string): boolean {
  if (!URL.canParse(entry)) return false;
  const url = new URL(entry);
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.username === '' &&
    url.password === '' &&
    (url.pathname === '/' || url.pathname === '') &&
    url.search === '' &&
    url.hash === '' &&
    !entry.endsWith('/')
  );
}

/** The entries of a comma-separated list setting (blanks around entries ignored); empty: none. */
export function listSetting(value: string): string[] {
  return value.trim() === '' ? [] : value.split(',').map((entry) => entry.trim());
}

/** A non-empty comma-separated list of distinct origins (`http://10.0.0.5:3000`), e.g. the nest-app instances. */
export function OriginList(options: { allowEmpty: boolean }): PropertyDecorator {
  return ValidateBy({
    name: 'originList',
    validator: {
      validate: (value: unknown): boolean => {
        if (typeof value !== 'string') return false;
        const entries = listSetting(value);
        if (entries.length === 0) return options.allowEmpty;
        return entries.every(isOrigin) && new Set(entries).size === entries.length;
      },
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be a comma-separated list of distinct origins (scheme://host:port, no path or credentials)${options.allowEmpty ? '' : ', at least one'}`,
    },
  });
}

/** A token bucket written `<burst>/<seconds>`: `burst` requests at once, refilled at burst per `seconds`. */
export interface BucketPolicy {
  burst: number;
  windowSeconds: number;
}

const POLICY_PATTERN = /^(\d{1,7})\/(\d{1,6})$/;

export function parseBucketPolicy(value: string): BucketPolicy {
  const match = POLICY_PATTERN.exec(value.trim());
  if (!match) throw new Error(`not a bucket policy: ${value}`);
  return { burst: Number(match[1]), windowSeconds: Number(match[2]) };
}

/** A rate-limit policy `<burst>/<seconds>` with both at least 1 (`20/60`: 20 at once, 20 more per minute). */
export function BucketPolicySetting(): PropertyDecorator {
  return ValidateBy({
    name: 'bucketPolicy',
    validator: {
      validate: (value: unknown): boolean => {
        if (typeof value !== 'string' || !POLICY_PATTERN.test(value.trim())) return false;
        const policy = parseBucketPolicy(value);
        return policy.burst >= 1 && policy.windowSeconds >= 1;
      },
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be <burst>/<seconds> with both at least 1 (e.g. 20/60)`,
    },
  });
}
