import { maskDigits, maskEmail, maskName, maskPhone, serializePlayerPii } from './player-pii.serializer';

describe('player PII serializer', () => {
  const player = {
    id: '7a1d4c9e-0000-4000-8000-000000000001',
    email: 'alice@example.com',
    phone: '+447700900089',
    telegramId: '123456789',
    displayName: 'Ali',
    firstName: 'Alice',
    lastName: 'Łukasiewicz',
    birthDate: '1990-04-02',
    country: 'GB',
  };

  it('masks as the brief shows: a***@example.com, +44*******89', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskPhone('+447700900089')).toBe('+44********89');
    expect(maskPhone('+4412')).toBe('*****');
    expect(maskDigits('123456789')).toBe('*******89');
    expect(maskName('Łukasiewicz')).toBe('Ł***');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('masks every personal field for a role without players.pii and leaves the rest', () => {
    expect(serializePlayerPii(player, ['player', 'support'])).toEqual({
      id: player.id,
      email: 'a***@example.com',
      phone: '+44********89',
      telegramId: '*******89',
      displayName: 'A***',
      firstName: 'A***',
      lastName: 'Ł***',
      birthDate: '****-**-**',
      country: 'GB',
    });
    expect(serializePlayerPii({ ...player, phone: null }, ['finance']).phone).toBeNull();
  });

  it('shows them as stored to admin, risk and compliance', () => {
    for (const role of ['admin', 'risk', 'compliance'] as const) {
      expect(serializePlayerPii(player, ['player', role])).toEqual(player);
    }
  });
});
