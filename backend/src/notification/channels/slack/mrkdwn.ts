import { oneLine, truncate } from '../text';

/** Slack reads `<...>` as links and mentions: an incident title saying "<!channel>" must not page everyone. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `text` escaped for mrkdwn and cut to `max` characters after escaping, without leaving half an entity. */
export function mrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let kept = truncate(escaped, max).slice(0, -1);
  const amp = kept.lastIndexOf('&');
  if (amp !== -1 && !kept.includes(';', amp)) kept = kept.slice(0, amp);
  return `${kept}…`;
}

/** A plain_text value: one line, cut to `max`; Slack shows plain_text literally, so nothing is escaped. */
export function plain(text: string, max: number): string {
  return truncate(oneLine(text), max);
}
