/** The demo provider's settings, from the environment, with development defaults. */
export interface DemoProviderConfig {
  host: string;
  port: number;
  /** Where players' browsers reach this app. */
  publicUrl: string;
  /** The operator's wallet endpoints for this provider (its code in the path). */
  operatorWalletUrl: string;
  /** Key pairs shared with the operator's demo seeder (generated there or here when missing). */
  keysDir: string;
  /** The operator id the operator sends in games API calls. */
  operatorId: number;
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be an integer`);
  return Number(value);
}

export function loadConfig(env: Record<string, string | undefined> = process.env): DemoProviderConfig {
  const host = env['DEMO_PROVIDER_HOST'] || '127.0.0.1';
  const port = integer(env['DEMO_PROVIDER_PORT'], 4100, 'DEMO_PROVIDER_PORT');
  return {
    host,
    port,
    publicUrl: env['DEMO_PROVIDER_PUBLIC_URL'] || `http://${host}:${port}`,
    operatorWalletUrl: env['DEMO_PROVIDER_OPERATOR_WALLET_URL'] || 'http://127.0.0.1:3000/api/v1/providers/demo',
    keysDir: env['DEMO_PROVIDER_KEYS_DIR'] || '.run/demo-provider-keys',
    operatorId: integer(env['DEMO_PROVIDER_OPERATOR_ID'], 1, 'DEMO_PROVIDER_OPERATOR_ID'),
  };
}
