export { RoutingModule } from './routing.module';
export { UpstreamPool, Upstream } from './upstream-pool';
export { UpstreamHealthChecker } from './upstream-health-checker';
export { registerUpstreamProxy, PROXIED_ROUTES } from './upstream-proxy';
