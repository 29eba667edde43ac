/**
 * The `mailNickname` Graph requires when creating a group, even one without mail. Graph's group
 * reference allows at most 64 characters of ASCII 0–127 and forbids @ ( ) \ [ ] " ; : < > , and
 * space (revisions of the page also list / ' and .); we keep only letters, digits, '-' and '_',
 * which every revision accepts.
 */
import { createHash } from 'node:crypto';

export const MAIL_NICKNAME_MAX_LENGTH = 64;

const FALLBACK = 'clearway-group';

export function mailNicknameFor(displayName: string): string {
  const ascii = displayName.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const slug = ascii
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .toLowerCase()
    .slice(0, MAIL_NICKNAME_MAX_LENGTH)
    .replace(/[-_]+$/, '');
  if (slug) return slug;
  // A name with no Latin letters or digits still gets a nickname of its own, not a shared one.
  return `${FALLBACK}-${createHash('sha256').update(displayName).digest('hex').slice(0, 8)}`;
}
