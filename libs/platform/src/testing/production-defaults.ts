import { developmentDefaultsOf } from '../config/setting-decorators';

const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|_KEY)$/;

function carriesPassword(value: string): boolean {
  return URL.canParse(value) && new URL(value).password !== '';
}

/**
 * The settings of a config class that look like secrets and have a development default: a secret's name
 * (ending in `SECRET`, `PASSWORD`, `TOKEN` or `_KEY`) with a non-empty string default, or a URL default with a
 * password in it. Each must be refused in production (`NotDevelopmentDefaultInProduction`) or be named in
 * `unusedInProduction` with the reason it cannot matter there.
 */
export function unrefusedDevelopmentSecrets(
  settingsClass: new () => object,
  unusedInProduction: Record<string, string> = {},
): string[] {
  const refused = developmentDefaultsOf(settingsClass);
  return Object.entries(new settingsClass())
    .filter(([, value]) => typeof value === 'string' && value !== '')
    .filter(([name, value]) => SECRET_NAME.test(name) || carriesPassword(value as string))
    .map(([name]) => name)
    .filter((name) => !refused.has(name) && !(name in unusedInProduction));
}

/**
 * One row per setting production refuses at its development default: the settings to load (a production
 * baseline, which must give every refused setting a value of its own, without that one) and the setting.
 */
export function productionRefusalCases(
  settingsClass: abstract new () => object,
  productionBaseline: Record<string, string>,
): { setting: string; settings: Record<string, string> }[] {
  return [...developmentDefaultsOf(settingsClass).keys()].map((setting) => {
    const { [setting]: _ownValue, ...settings } = productionBaseline;
    return { setting, settings };
  });
}
