import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export class ConfigError extends Error {
  public constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The one place that reads the process environment. A `.env` file in the working
 * directory, when present, fills settings the environment does not already set.
 */
export function readEnvironment(envFile = '.env'): Record<string, string | undefined> {
  if (existsSync(envFile)) {
    process.loadEnvFile(envFile);
  }
  return { ...process.env };
}

/**
 * Turns raw settings into a validated, typed config object, or throws a ConfigError
 * naming every bad setting. Values are never echoed: some are secrets.
 */
export function loadConfig<T extends object>(schema: ClassConstructor<T>, raw: Record<string, string | undefined>): T {
  const present = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(schema, present, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(errors.flatMap(describe));
  }
  return config;
}

function describe(error: ValidationError): string[] {
  const constraints = Object.values(error.constraints ?? {});
  const own = constraints.length > 0 ? [`${error.property}: ${constraints.join('; ')}`] : [];
  return [...own, ...(error.children ?? []).flatMap(describe)];
}
