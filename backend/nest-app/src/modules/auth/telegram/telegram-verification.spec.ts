import { createHash, createHmac } from 'node:crypto';
import {
  dataCheckString,
  isFresh,
  isValidLoginWidgetHash,
  isValidWebAppHash,
  parseInitData,
} from './telegram-verification';

// Rules: /work/shared/reference/auth.md ("Telegram Login Widget", "Telegram Mini App initData").
const BOT_TOKEN = '123456789:AAEtestTOKENforUNITtests_only-0123456';

function signWidget(fields: Record<string, string>, token = BOT_TOKEN): string {
  const secret = createHash('sha256').update(token).digest();
  return createHmac('sha256', secret).update(dataCheckString(fields)).digest('hex');
}

function signWebApp(fields: Record<string, string>, token = BOT_TOKEN): string {
  const secret = createHmac('sha256', 'WebAppData').update(token).digest();
  return createHmac('sha256', secret).update(dataCheckString(fields)).digest('hex');
}

describe('Telegram Login Widget verification', () => {
  const payload = {
    id: '42',
    first_name: 'Ada',
    username: 'ada',
    photo_url: 'https://t.me/i/a.jpg',
    auth_date: '1700000000',
  };

  it('builds the data-check-string from every field but hash, sorted, key=value, line feeds', () => {
    expect(dataCheckString({ ...payload, hash: 'x' })).toBe(
      'auth_date=1700000000\nfirst_name=Ada\nid=42\nphoto_url=https://t.me/i/a.jpg\nusername=ada',
    );
  });

  it('accepts a payload signed with SHA-256(bot token)', () => {
    expect(isValidLoginWidgetHash({ ...payload, hash: signWidget(payload) }, BOT_TOKEN)).toBe(true);
    expect(isValidLoginWidgetHash({ ...payload, hash: signWidget(payload).toUpperCase() }, BOT_TOKEN)).toBe(true);
  });

  it('refuses a tampered field, another bot`s signature, the Mini App key, and malformed hashes', () => {
    const hash = signWidget(payload);
    expect(isValidLoginWidgetHash({ ...payload, id: '43', hash }, BOT_TOKEN)).toBe(false);
    expect(isValidLoginWidgetHash({ ...payload, last_name: 'Extra', hash }, BOT_TOKEN)).toBe(false);
    expect(isValidLoginWidgetHash({ ...payload, hash: signWidget(payload, '1:other') }, BOT_TOKEN)).toBe(false);
    expect(isValidLoginWidgetHash({ ...payload, hash: signWebApp(payload) }, BOT_TOKEN)).toBe(false);
    expect(isValidLoginWidgetHash({ ...payload, hash: hash.slice(0, 62) }, BOT_TOKEN)).toBe(false);
    expect(isValidLoginWidgetHash(payload, BOT_TOKEN)).toBe(false);
  });
});

describe('Telegram Mini App initData verification', () => {
  it('accepts initData signed with HMAC-SHA256("WebAppData", bot token) and refuses tampering', () => {
    const fields = { auth_date: '1700000000', query_id: 'AAH1', user: JSON.stringify({ id: 42, first_name: 'Ada' }) };
    const initData = new URLSearchParams({ ...fields, hash: signWebApp(fields) }).toString();
    const parsed = parseInitData(initData);
    expect(parsed && isValidWebAppHash(parsed, BOT_TOKEN)).toBe(true);
    const tampered = parseInitData(initData.replace('%22id%22%3A42', '%22id%22%3A43'));
    expect(tampered && isValidWebAppHash(tampered, BOT_TOKEN)).toBe(false);
    expect(isValidWebAppHash({ ...fields, hash: signWidget(fields) }, BOT_TOKEN)).toBe(false);
  });

  it('refuses initData with a repeated field', () => {
    expect(parseInitData('a=1&a=2&hash=00')).toBeNull();
  });

  it('validates a real initData that carries `signature`, which stays in the data-check-string', () => {
    // A real sample with its bot token, published in Telegram-Mini-Apps/init-data-golang issue #11
    // (validated there by the library); only `hash` is left out, `signature` is part of the string.
    const token = '7342037359:AAHI25ES9xCOMPokpYoz-p8XVrZUdygo2J4';
    const initData =
      'user=%7B%22id%22%3A279058397%2C%22first_name%22%3A%22Vladislav%20%2B%20-%20%3F%20%5C%2F%22%2C%22last_name%22%3A%22Kibenko%22%2C%22username%22%3A%22vdkfrost%22%2C%22language_code%22%3A%22ru%22%2C%22is_premium%22%3Atrue%2C%22allows_write_to_pm%22%3Atrue%2C%22photo_url%22%3A%22https%3A%5C%2F%5C%2Ft.me%5C%2Fi%5C%2Fuserpic%5C%2F320%5C%2F4FPEE4tmP3ATHa57u6MqTDih13LTOiMoKoLDRG4PnSA.svg%22%7D&chat_instance=8134722200314281151&chat_type=private&auth_date=1733509682&signature=TYJxVcisqbWjtodPepiJ6ghziUL94-KNpG8Pau-X7oNNLNBM72APCpi_RKiUlBvcqo5L-LAxIc3dnTzcZX_PDg&hash=a433d8f9847bd6addcc563bff7cc82c89e97ea0d90c11fe5729cae6796a36d73';
    const fields = parseInitData(initData);
    expect(fields).not.toBeNull();
    expect(isValidWebAppHash(fields as Record<string, string>, token)).toBe(true);
    const { signature: _signature, ...withoutSignature } = fields as Record<string, string>;
    expect(isValidWebAppHash(withoutSignature, token)).toBe(false);
  });
});

describe('auth_date freshness', () => {
  const now = 1_700_000_000;

  it('accepts up to the maximum age and refuses older, future or malformed dates', () => {
    expect(isFresh(String(now - 86_400), now, 86_400)).toBe(true);
    expect(isFresh(String(now - 86_401), now, 86_400)).toBe(false);
    expect(isFresh(String(now + 3600), now, 86_400)).toBe(false);
    expect(isFresh('17e8', now, 86_400)).toBe(false);
    expect(isFresh(undefined, now, 86_400)).toBe(false);
  });
});
