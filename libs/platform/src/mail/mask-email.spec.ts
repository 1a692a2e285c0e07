import { maskEmail } from './mask-email';

describe('maskEmail', () => {
  it('keeps the first letter of the mailbox and of the domain, and the top-level domain', () => {
    expect(maskEmail('alice.smith@example.com')).toBe('a***@e***.com');
    expect(maskEmail('bob@mail.example.co.uk')).toBe('b***@m***.uk');
  });

  it('shows the length of neither part', () => {
    expect(maskEmail('a@b.de')).toBe('a***@b***.de');
    expect(maskEmail('anna-maria@beispiel-firma.de')).toBe('a***@b***.de');
  });

  it('masks a domain without a dot, and anything that is not an address, whole', () => {
    expect(maskEmail('root@localhost')).toBe('r***@l***');
    expect(maskEmail('not-an-address')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('alice@')).toBe('***');
  });
});
