/** A form value as Stripe's SDK encodes it: `a=1&metadata[b]=2&created[gte]=3` (one level of brackets). */
export type FormValue = string | Record<string, string>;
export type FormObject = Record<string, FormValue>;

export function parseForm(encoded: string): FormObject {
  const result: FormObject = {};
  for (const [name, value] of new URLSearchParams(encoded)) {
    const nested = /^([A-Za-z0-9_]+)\[([A-Za-z0-9_]+)\]$/.exec(name);
    if (nested) {
      const [, parent, child] = nested;
      const holder = typeof result[parent] === 'object' ? (result[parent] as Record<string, string>) : {};
      holder[child] = value;
      result[parent] = holder;
    } else {
      result[name] = value;
    }
  }
  return result;
}

export function str(form: FormObject, name: string): string | undefined {
  const value = form[name];
  return typeof value === 'string' ? value : undefined;
}

export function obj(form: FormObject, name: string): Record<string, string> {
  const value = form[name];
  return typeof value === 'object' ? value : {};
}
