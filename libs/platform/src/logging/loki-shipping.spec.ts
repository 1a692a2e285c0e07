import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { parseLokiLabels, traceIdsMixin } from './loki-shipping';

describe('Loki stream labels from LOKI_LABELS', () => {
  it('reads name=value pairs and ignores blanks', () => {
    expect(parseLokiLabels(' team=casino, region=eu-west.1 ,,')).toEqual({ team: 'casino', region: 'eu-west.1' });
    expect(parseLokiLabels('')).toEqual({});
  });

  it.each(['team', 'team=', 'te am=x', 'team=a b', 'team="x"', 'app=other', 'level=debug', 'player_id=p1', 'userId=u'])(
    'refuses %s',
    (text) => {
      expect(() => parseLokiLabels(text)).toThrow(/bad label/);
    },
  );
});

describe('trace ids on log lines', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => context.disable());

  it('names the active span inside one and nothing outside', () => {
    expect(traceIdsMixin()).toEqual({});
    const span = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 });
    const inside = context.with(trace.setSpan(context.active(), span), () => traceIdsMixin());
    expect(inside).toEqual({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    expect(traceIdsMixin()).toEqual({});
  });
});
