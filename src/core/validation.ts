/** The value rules of blog-server's inputs, applied by the services on every write. */
import { BlogError } from './errors.ts';

export interface TextLimits {
  titleMaxLength: number;
  contentMaxLength: number;
}

/** Counts user-perceived characters as code points, so one CJK character or emoji counts once. */
function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** Trims the title and checks both fields against the limits; returns the cleaned values. */
export function validateBlogText(input: { title: string; content: string }, limits: TextLimits): { title: string; content: string } {
  const title = input.title.trim();
  if (title.length === 0) throw new BlogError('TITLE_REQUIRED');
  if (characterCount(title) > limits.titleMaxLength) {
    throw new BlogError('TITLE_TOO_LONG', `最多 ${limits.titleMaxLength} 个字符`);
  }
  if (characterCount(input.content) > limits.contentMaxLength) {
    throw new BlogError('CONTENT_TOO_LONG', `最多 ${limits.contentMaxLength} 个字符`);
  }
  return { title, content: input.content };
}

export interface AccountRules {
  usernameMinLength: number;
  usernameMaxLength: number;
  realnameMaxLength: number;
  passwordMinLength: number;
  passwordMaxLength: number;
}

/** A username is letters of any script, digits, `_`, `-` and `.`, its length within the rules. */
export function validateUsername(username: string, rules: AccountRules): string {
  const pattern = new RegExp(`^[\\p{L}\\p{N}_.-]{${rules.usernameMinLength},${rules.usernameMaxLength}}$`, 'u');
  if (!pattern.test(username)) {
    throw new BlogError('USERNAME_INVALID', `${rules.usernameMinLength} 到 ${rules.usernameMaxLength} 个字母、数字、下划线、连字符或点`);
  }
  return username;
}

export function validateNewPassword(password: string, rules: AccountRules): string {
  const length = characterCount(password);
  if (length < rules.passwordMinLength || length > rules.passwordMaxLength) {
    throw new BlogError('PASSWORD_INVALID', `${rules.passwordMinLength} 到 ${rules.passwordMaxLength} 个字符`);
  }
  return password;
}

export function validateRealname(realname: string, rules: AccountRules): string {
  const trimmed = realname.trim();
  if (characterCount(trimmed) > rules.realnameMaxLength) {
    throw new BlogError('REALNAME_INVALID', `最多 ${rules.realnameMaxLength} 个字符`);
  }
  return trimmed;
}
