import { Transform } from 'class-transformer';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { isIP } from 'node:net';
import { parseLokiLabels } from '../logging/loki-shipping';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Boolean settings accept true/false/1/0/yes/no/on/off; anything else stays a string
 * so that @IsBoolean reports the setting by name instead of silently reading `true`.
 */
export function BooleanSetting(): PropertyDecorator {
  return Transform(({ obj, key, value }) => {
    const original: unknown = (obj as Record<string, unknown>)[key];
    if (typeof original !== 'string') {
      return value;
    }
    const word = original.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return original;
  });
}

/** Integer settings: "3000" becomes 3000, "abc" or "3.5" stays a string and fails @IsInt by name. */
export function IntegerSetting(): PropertyDecorator {
  return Transform(({ obj, key, value }) => {
    const original: unknown = (obj as Record<string, unknown>)[key];
    if (typeof original !== 'string') {
      return value;
    }
    return /^-?\d+$/.test(original.trim()) ? Number(original.trim()) : original;
  });
}

function inProduction(args?: ValidationArguments): boolean {
  return (args?.object as { NODE_ENV?: string } | undefined)?.NODE_ENV === 'production';
}

const developmentDefaults = new WeakMap<object, Map<string, string>>();

/**
 * The settings of a config class (and its parents) marked `NotDevelopmentDefaultInProduction`, with their
 * development defaults: what a production start refuses. Tests walk it so that no marked setting goes untested.
 */
export function developmentDefaultsOf(settingsClass: abstract new () => object): ReadonlyMap<string, string> {
  const found = new Map<string, string>();
  for (let proto: object | null = settingsClass.prototype as object; proto; proto = Object.getPrototypeOf(proto)) {
    for (const [property, value] of developmentDefaults.get(proto) ?? []) {
      if (!found.has(property)) found.set(property, value);
    }
  }
  return found;
}

/**
 * A setting whose development default may not be used with NODE_ENV=production: every secret that has a
 * development default (a key, a webhook secret, a URL with a password) and every development-only mode.
 */
export function NotDevelopmentDefaultInProduction(developmentDefault: string): PropertyDecorator {
  const validate = ValidateBy({
    name: 'notDevelopmentDefaultInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments): boolean =>
        !inProduction(args) || value !== developmentDefault,
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be set to a non-development value in production`,
    },
  });
  return (target: object, property: string | symbol): void => {
    const marked = developmentDefaults.get(target) ?? new Map<string, string>();
    marked.set(String(property), developmentDefault);
    developmentDefaults.set(target, marked);
    validate(target, property);
  };
}

/**
 * A setting NODE_ENV=production must set while `needed(settings)` holds, named in the refusal with `when`
 * (say `with SMS_SENDER=http`). Elsewhere it may stay unset. It checks presence only, and must not be
 * combined with `IsOptional`, which would skip it.
 */
export function RequiredInProduction<T extends object>(
  needed: (settings: T) => boolean,
  when: string,
): PropertyDecorator {
  return ValidateBy({
    name: 'requiredInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments): boolean =>
        value !== undefined || !inProduction(args) || !needed(args?.object as T),
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be set in production ${when}`,
    },
  });
}

/**
 * With NODE_ENV=production, an `https:` URL: what is sent there (a bearer token, one-time codes) never
 * travels unencrypted. Elsewhere any scheme passes (development and test services on localhost speak
 * http). Unset or malformed passes: presence and shape are other decorators' checks.
 */
export function HttpsInProduction(): PropertyDecorator {
  return ValidateBy({
    name: 'httpsInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments): boolean =>
        !inProduction(args) ||
        typeof value !== 'string' ||
        !URL.canParse(value) ||
        new URL(value).protocol === 'https:',
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be an https URL in production (its token and messages must not travel unencrypted)`,
    },
  });
}

/**
 * When set, a value an HTTP header can carry as a token: printable ASCII without spaces. fetch refuses a
 * header with a line break inside, at every send, by an error that quotes the header and so the secret.
 * Unset passes.
 */
export function HttpHeaderToken(): PropertyDecorator {
  return ValidateBy({
    name: 'httpHeaderToken',
    validator: {
      validate: (value: unknown): boolean =>
        value === undefined || (typeof value === 'string' && /^[\x21-\x7e]+$/.test(value)),
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be printable ASCII without spaces or line breaks (it is sent in an HTTP header)`,
    },
  });
}

const NATS_SCHEMES = new Set(['nats', 'tls', 'ws', 'wss']);

/** One NATS server as nats.js reads it: `[scheme://][user:pass@]host[:port]`, parsed as an http URL. */
function isNatsServer(entry: string): boolean {
  const withScheme = entry.includes('://') ? entry : `nats://${entry}`;
  const scheme = withScheme.slice(0, withScheme.indexOf('://'));
  return NATS_SCHEMES.has(scheme) && URL.canParse(`http${withScheme.slice(scheme.length)}`);
}

/**
 * A comma-separated list of NATS servers. nats.js refuses a malformed one only when it connects, by an
 * error that quotes the URL and so its password; here the setting is named and its value is not.
 */
export function NatsServers(): PropertyDecorator {
  return ValidateBy({
    name: 'natsServers',
    validator: {
      validate: (value: unknown): boolean =>
        typeof value === 'string' && value.split(',').every((entry) => isNatsServer(entry.trim())),
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be a comma-separated list of nats:// (or tls://, ws://, wss://) URLs`,
    },
  });
}

/** One trusted proxy as proxy-addr reads it: an IPv4 or IPv6 address, or one with a `/prefix` (CIDR). */
function isAddressOrCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = address === undefined || address.includes('%') ? 0 : isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The entries of a trusted-proxies setting (comma-separated, blanks around entries ignored); empty: none. */
export function trustedProxyList(value: string): string[] {
  return value.trim() === '' ? [] : value.split(',').map((entry) => entry.trim());
}

/**
 * A comma-separated list of the proxies whose `X-Forwarded-For` is believed: IP addresses or CIDRs
 * (`127.0.0.1,::1`, `10.0.0.0/8`). Empty trusts none. Anything else (a word such as `true`, a hop
 * count, a host name) is refused by name: trusting every peer lets any client choose its own IP.
 */
export function TrustedProxies(): PropertyDecorator {
  return ValidateBy({
    name: 'trustedProxies',
    validator: {
      validate: (value: unknown): boolean =>
        typeof value === 'string' && trustedProxyList(value).every((entry) => isAddressOrCidr(entry)),
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must be a comma-separated list of IP addresses or CIDRs (e.g. 127.0.0.1,::1 or 10.0.0.0/8), or empty to trust no proxy`,
    },
  });
}

/** `name=value,...` stream labels for Loki (see `parseLokiLabels`); a bad pair is refused at boot by name. */
export function LokiLabels(): PropertyDecorator {
  return ValidateBy({
    name: 'lokiLabels',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          parseLokiLabels(value);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args?: ValidationArguments) =>
        `${args?.property ?? 'LOKI_LABELS'} must be name=value pairs separated by commas (names a-z, 0-9, _; values of up to 64 of a-z 0-9 _ . : -), and not app, level or a per-player, per-request or per-trace label`,
    },
  });
}

/** The entries of a comma-separated URL list setting (blanks around entries ignored); empty: none. */
export function urlList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

function isHttpUrl(entry: string): boolean {
  return URL.canParse(entry) && ['http:', 'https:'].includes(new URL(entry).protocol);
}

/**
 * CLICKHOUSE_REPLICA_URLS: on a replicated ClickHouse (CLICKHOUSE_REPLICATED=true) the http(s) URL of each of at
 * least two replicas, the migrations' targets (ADR 0032); unreplicated, it must stay empty so that a half-set
 * configuration is refused at boot instead of migrating one replica only.
 */
export function ClickHouseReplicaUrls(): PropertyDecorator {
  return ValidateBy({
    name: 'clickHouseReplicaUrls',
    validator: {
      validate: (value: unknown, args?: ValidationArguments): boolean => {
        if (typeof value !== 'string') return false;
        const urls = urlList(value);
        const replicated = (args?.object as { CLICKHOUSE_REPLICATED?: unknown }).CLICKHOUSE_REPLICATED === true;
        return replicated ? urls.length >= 2 && urls.every(isHttpUrl) : urls.length === 0;
      },
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must list at least two http(s) replica URLs, comma-separated, when ` +
        'CLICKHOUSE_REPLICATED is true, and be empty otherwise',
    },
  });
}
