/**
 * `alice.smith@example.com` → `a***@e***.com`: enough to tell addresses apart in an audit record, not to
 * write to them. The stars are a fixed run, so the length of neither part shows.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return '***';
  const domain = email.slice(at + 1);
  const lastDot = domain.lastIndexOf('.');
  const topLevel = lastDot > 0 ? domain.slice(lastDot) : '';
  return `${email[0]}***@${domain[0]}***${topLevel}`;
}
