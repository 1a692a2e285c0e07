import { ApiExceptionFilter, createValidationPipe } from '@casino/platform';
import { RequestMethod } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../../config/app-config';
import { UnknownQueryInterceptor } from './unknown-query.interceptor';

export const API_PREFIX = 'api/v1';

/** The HTTP conventions of nest-app; the e2e tests configure their app with this same function. */
export function configureHttp(app: NestFastifyApplication, config: Pick<AppConfig, 'apiDocsEnabled'>): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health/live', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useGlobalInterceptors(new UnknownQueryInterceptor());
  if (config.apiDocsEnabled) mountApiDocs(app);
}

/** The OpenAPI document at `/docs-json` and its page at `/docs` (API_DOCS_ENABLED). */
export function mountApiDocs(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Casino operator API')
      .setDescription(
        'Amounts are integer minor units as decimal strings. Errors: { error: { code, message, details }, requestId }.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
