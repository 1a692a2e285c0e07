import { startInMemoryTracing } from '../testing/in-memory-tracing';
import { tracePropagationActive } from './trace-context';

describe('tracePropagationActive', () => {
  it('is false with the API’s no-op propagator and true once a W3C propagator is registered', async () => {
    expect(tracePropagationActive()).toBe(false);
    const tracing = startInMemoryTracing();
    try {
      expect(tracePropagationActive()).toBe(true);
    } finally {
      await tracing.shutdown();
    }
    expect(tracePropagationActive()).toBe(false);
  });
});
