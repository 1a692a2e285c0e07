import { ValidateBy, type ValidationArguments } from 'class-validator';

/**
 * A development switch NODE_ENV=production refuses to see on (`true`), naming the setting and `why`; unset or
 * false passes. For what must not exist in production at all, such as a route that shows texted codes unsigned.
 */
export function OffInProduction(why: string): PropertyDecorator {
  return ValidateBy({
    name: 'offInProduction',
    validator: {
      validate: (value: unknown, args?: ValidationArguments): boolean =>
        value !== true || (args?.object as { NODE_ENV?: string } | undefined)?.NODE_ENV !== 'production',
      defaultMessage: (args?: ValidationArguments): string =>
        `${args?.property ?? 'setting'} must not be enabled in production: ${why}`,
    },
  });
}
