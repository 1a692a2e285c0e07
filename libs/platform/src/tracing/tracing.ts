export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP traces endpoint, e.g. http://127.0.0.1:4318/v1/traces; tracing is off without it. */
  otlpEndpoint?: string;
}

export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry before the app's modules load, so that http, pg and ioredis are
 * patched. NATS spans are made by hand in the NATS adapter. Off (no SDK at all) without an endpoint.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.otlpEndpoint) {
    return { enabled: false, shutdown: () => Promise.resolve() };
  }
  const { NodeSDK, OTLPTraceExporter, HttpInstrumentation, PgInstrumentation, IORedisInstrumentation } =
    openTelemetry();
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    traceExporter: new OTLPTraceExporter({ url: options.otlpEndpoint }),
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => isProbe(req.url) }),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

/**
 * The SDK is loaded only when tracing is on: loaded, it holds ~30 MB of every app's resident memory (measured), which
 * an app without an endpoint would carry for nothing. Synchronous, as the patching must precede the app's modules.
 */
function openTelemetry() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    NodeSDK: (require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node')).NodeSDK,
    OTLPTraceExporter: (
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')
    ).OTLPTraceExporter,
    HttpInstrumentation: (
      require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http')
    ).HttpInstrumentation,
    PgInstrumentation: (
      require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg')
    ).PgInstrumentation,
    IORedisInstrumentation: (
      require('@opentelemetry/instrumentation-ioredis') as typeof import('@opentelemetry/instrumentation-ioredis')
    ).IORedisInstrumentation,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function isProbe(url: string | undefined): boolean {
  return url === '/metrics' || (url ?? '').startsWith('/health/');
}
