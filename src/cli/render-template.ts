/**
 * Fills a text template (the files of deploy/): `{{name}}` is replaced by a value; a value of several
 * lines whose placeholder stands alone on its line gets that line's indentation on every line; a
 * line `{{#name}}` … `{{/name}}` keeps what is between when `name` is true, `{{^name}}` when false.
 * A placeholder without a value, a section without a flag, or a value the template never uses is a
 * mistake in the code that calls it, and throws.
 */

export interface TemplateInput {
  readonly values: Readonly<Record<string, string>>;
  readonly flags: Readonly<Record<string, boolean>>;
}

const SECTION = /^\s*\{\{([#^/])(\w+)\}\}\s*$/;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const ALONE = /^(\s*)\{\{(\w+)\}\}\s*$/;

export function renderTemplate(template: string, { values, flags }: TemplateInput): string {
  const used = new Set<string>();
  const valueOf = (name: string): string => {
    const value = values[name];
    if (value === undefined) throw new Error(`template: no value for {{${name}}}`);
    used.add(name);
    return value;
  };
  const open: { name: string; keep: boolean }[] = [];
  const output: string[] = [];
  for (const line of template.split('\n')) {
    const section = SECTION.exec(line);
    if (section) {
      const [, kind, name = ''] = section;
      if (kind === '/') {
        if (open.pop()?.name !== name) throw new Error(`template: {{/${name}}} closes no open section`);
        continue;
      }
      const flag = flags[name];
      if (flag === undefined) throw new Error(`template: no flag for {{${kind}${name}}}`);
      used.add(name);
      open.push({ name, keep: kind === '#' ? flag : !flag });
      continue;
    }
    if (!open.every((section) => section.keep)) continue;
    const alone = ALONE.exec(line);
    if (alone) {
      const [, indent = '', name = ''] = alone;
      output.push(...valueOf(name).split('\n').map((part) => (part === '' ? '' : indent + part)));
    } else {
      output.push(line.replace(PLACEHOLDER, (_match, name: string) => valueOf(name)));
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) throw new Error(`template: {{#${unclosed.name}}} is never closed`);
  // Sections left out still count: their values are used when the flag is the other way.
  const unused = Object.keys(values).filter((name) => !used.has(name) && !template.includes(`{{${name}}}`));
  if (unused.length > 0) throw new Error(`template: values never used: ${unused.join(', ')}`);
  return output.join('\n');
}
