import { compileErrors, validate } from '@readme/openapi-parser';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

type OpenApiDocument = Exclude<Parameters<typeof validate>[0], string>;

/**
 * The OpenAPI document nest-app serves at `/docs-json`, built from the real app (every module, its DTOs and
 * decorators), checked by a maintained OpenAPI validator: the OpenAPI 3 JSON schema, every `$ref` resolved,
 * every path parameter declared and required, unique operation ids.
 */
describe('OpenAPI document (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let document: OpenApiDocument;

  beforeAll(async () => {
    environment = await createTestEnvironment('openapi');
    app = await startTestApp(environment.config);
    const response = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    document = response.json<OpenApiDocument>();
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it('documents every module, path parameters included', () => {
    expect(Object.keys(document.paths ?? {})).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/email/start',
        '/api/v1/auth/sessions/{id}',
        '/api/v1/admin/users/{id}/roles/{role}',
        '/api/v1/users/me/responsible-gaming',
      ]),
    );
  });

  it('is a valid OpenAPI 3 document', async () => {
    const result = await validate(structuredClone(document));
    expect(result.valid ? '' : compileErrors(result)).toBe('');
    expect(result.warnings).toEqual([]);
  });
});
