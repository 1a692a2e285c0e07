import { maskPhone } from './sms-sender';

describe('maskPhone', () => {
  it('keeps the country and network prefix and the last two digits', () => {
    expect(maskPhone('+4915112345678')).toBe('+49151******78');
  });

  it('masks a number too short to show any of it', () => {
    expect(maskPhone('+123456')).toBe('*******');
    expect(maskPhone('+1234567')).toBe('********');
  });
});
