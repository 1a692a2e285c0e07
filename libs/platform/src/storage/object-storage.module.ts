import { Global, Module, type DynamicModule } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { LocalDirectoryStorage } from './local-directory-storage';
import { OBJECT_STORAGE } from './object-storage';

export interface ObjectStorageOptions {
  /** An absolute directory; created when missing (a directory that cannot be created stops the boot). */
  directory: string;
}

/** Binds `OBJECT_STORAGE` to a `LocalDirectoryStorage` (see `ObjectStorage` for the S3-compatible plan). */
@Global()
@Module({})
export class ObjectStorageModule {
  public static forRoot(options: ObjectStorageOptions): DynamicModule {
    return {
      module: ObjectStorageModule,
      providers: [
        {
          provide: OBJECT_STORAGE,
          useFactory: () => {
            mkdirSync(options.directory, { recursive: true });
            return new LocalDirectoryStorage(options.directory);
          },
        },
      ],
      exports: [OBJECT_STORAGE],
    };
  }
}
