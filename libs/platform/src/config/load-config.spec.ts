import { IsBoolean, IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { BooleanSetting, IntegerSetting } from './setting-decorators';
import { ConfigError, loadConfig } from './load-config';

class SampleConfig {
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(65535)
  public PORT = 3000;

  @IsIn(['development', 'test', 'production'])
  public NODE_ENV = 'development';

  @BooleanSetting()
  @IsBoolean()
  public RUN_MIGRATIONS = true;

  @IsString()
  public SECRET!: string;
}

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig(SampleConfig, { SECRET: 's', RUN_MIGRATIONS: 'false' });
    expect(config).toMatchObject({ PORT: 3000, NODE_ENV: 'development', RUN_MIGRATIONS: false });
  });

  it('reads a numeric port', () => {
    expect(loadConfig(SampleConfig, { SECRET: 's', PORT: '8080' }).PORT).toBe(8080);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '3.5'],
    ['PORT', '70000'],
    ['NODE_ENV', 'staging'],
    ['RUN_MIGRATIONS', 'maybe'],
  ])('names the malformed setting %s=%s', (name, value) => {
    const attempt = (): unknown => loadConfig(SampleConfig, { SECRET: 's', [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^Invalid configuration:\\n  - ${name}: `));
  });

  it('names a missing required setting and never echoes values', () => {
    try {
      loadConfig(SampleConfig, { PORT: 'hunter2' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toContain('SECRET');
      expect(message).toContain('PORT');
      expect(message).not.toContain('hunter2');
    }
  });
});
