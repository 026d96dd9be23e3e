// Small DOM helpers. Nothing here accepts HTML: text always goes in through textContent.

/** The element with this id, checked to be of the expected class (a missing one is a bug in a page). */
export function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return element;
}

interface ElementProps {
  className?: string;
  text?: string;
  attrs?: Record<string, string>;
}

/** Creates an element with text and attributes; children are appended in order. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

const pendingMessages = new WeakMap<HTMLElement, number>();

/**
 * Shows a message in a live region (an empty text clears it). The text is set a moment after
 * clearing so screen readers announce a message again when it repeats (a second failed login).
 */
export function showMessage(region: HTMLElement, text: string): void {
  const pending = pendingMessages.get(region);
  if (pending !== undefined) clearTimeout(pending);
  region.textContent = '';
  if (text === '') return;
  pendingMessages.set(region, window.setTimeout(() => {
    pendingMessages.delete(region);
    region.textContent = text;
  }, 30));
}

/** Reads a positive integer query parameter; anything else gives the fallback. */
export function positiveInt(value: string | null, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : fallback;
}
