import { IntegerSetting, PlatformSettings, TrustedProxies, trustedProxyList } from '@casino/platform';
import { IsInt, IsString, IsUrl, Max, Min } from 'class-validator';

/** Settings of the gateway, validated once at boot. */
export class GatewayConfig extends PlatformSettings {
  @IsString()
  public GATEWAY_HOST = '127.0.0.1';

  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(65535)
  public GATEWAY_PORT = 8080;

  /** Where the gateway routes API calls (nest-app). */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public API_UPSTREAM_URL = 'http://127.0.0.1:3000';

  /**
   * The load balancers in front of the gateway whose `X-Forwarded-For` is believed, as IP addresses or
   * CIDRs; the client IP is then the right-most forwarded entry not from one of them. Empty (the
   * default) trusts none: the edge takes the client IP from the connection, never from a header.
   */
  @TrustedProxies()
  public GATEWAY_TRUSTED_PROXIES = '';

  public get trustedProxies(): string[] {
    return trustedProxyList(this.GATEWAY_TRUSTED_PROXIES);
  }
}
