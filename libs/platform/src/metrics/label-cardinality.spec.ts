import { highCardinalityLabels } from './label-cardinality';

describe('highCardinalityLabels', () => {
  it('passes bounded labels: route patterns, codes, currencies, version strings, bucket bounds', () => {
    const text = [
      '# HELP http_request_duration_seconds x',
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/payments/:id",status_code="200"} 3',
      'wallet_transactions_total{type="bet",currency="EUR"} 12',
      'nodejs_version_info{version="v24.11.0",major="24",minor="11",patch="0"} 1',
      'gateway_upstream_available{upstream="upstream-1"} 1',
      'api_error_responses_total{code="RATE_LIMITED",status_code="429"} 2',
    ].join('\n');
    expect(highCardinalityLabels(text)).toEqual([]);
  });

  it('names a per-player label, a UUID, an IP address, a long number and an email', () => {
    const text = [
      'a_total{user_id="u1"} 1',
      'b_total{route="/api/v1/payments/0b6f4f7e-9a9c-4c2b-8f57-3b1f1a2c9d10"} 1',
      'c_total{peer="203.0.113.9"} 1',
      'd_total{ref="123456789012"} 1',
      'e_total{to="alice@example.test"} 1',
      'f_total{ip="::1"} 1',
    ].join('\n');
    expect(highCardinalityLabels(text)).toEqual([
      'a_total: label name user_id',
      'b_total: route="/api/v1/payments/0b6f4f7e-9a9c-4c2b-8f57-3b1f1a2c9d10" looks like a uuid',
      'c_total: peer="203.0.113.9" looks like a ipv4',
      'd_total: ref="123456789012" looks like a long number',
      'e_total: to="alice@example.test" looks like a email',
      'f_total: label name ip',
      'f_total: ip="::1" looks like a ipv6',
    ]);
  });
});
