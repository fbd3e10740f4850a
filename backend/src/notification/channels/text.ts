/** Cuts `text` to at most `max` UTF-16 code units, ending in "…" when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  // A lone high surrogate would make the receiver reject or mangle the whole string.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Folds every run of whitespace (newlines included) into one space, so a reason stays one log line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
