import type { NotificationMessage } from '../../channel';
import { incidentFields } from '../incident-fields';
import { oneLine, truncate } from '../text';

/** Every value in the HTML body passes through here: titles and details come from alerts, i.e. from outside. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only web links become clickable; anything else in `url` is shown as text. */
const isWebUrl = (url: string | null): url is string => url !== null && /^https?:\/\//i.test(url);

/** "[HIGH] New incident inc_00001: Disk almost full", on one line and short enough for any mail client. */
export function emailSubject(msg: NotificationMessage): string {
  const headline = oneLine(msg.headline) || `Incident ${msg.incident.incident_id}`;
  return truncate(`[${msg.incident.severity.toUpperCase()}] ${headline}`, 250);
}

function footer(msg: NotificationMessage): string {
  return `Incident ${msg.incident.incident_id} · ${msg.kind} · ${msg.created_at} · delivery ${msg.delivery_id}`;
}

/** The plain-text body. */
export function emailText(msg: NotificationMessage): string {
  const lines = [msg.headline, '', `Title: ${msg.incident.title}`];
  for (const f of incidentFields(msg)) lines.push(`${f.label}: ${f.value}`);
  if (msg.incident.description.trim() !== '') lines.push('', msg.incident.description);
  if (msg.url !== null) lines.push('', `Open the incident: ${msg.url}`);
  lines.push('', '--', footer(msg));
  return lines.join('\n');
}

/** The HTML body: the same content as the text body, every value escaped. */
export function emailHtml(msg: NotificationMessage): string {
  const rows = incidentFields(msg)
    .map(
      (f) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`
    )
    .join('');
  const description =
    msg.incident.description.trim() === ''
      ? ''
      : `<p style="white-space:pre-wrap">${escapeHtml(msg.incident.description)}</p>`;
  const link = isWebUrl(msg.url)
    ? `<p><a href="${escapeHtml(msg.url)}">Open the incident</a></p>`
    : msg.url === null
      ? ''
      : `<p>Open the incident: ${escapeHtml(msg.url)}</p>`;
  return [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(msg.headline)}</h2>`,
    `<p><strong>${escapeHtml(msg.incident.title)}</strong></p>`,
    `<table>${rows}</table>`,
    description,
    link,
    `<p style="color:#666;font-size:12px">${escapeHtml(footer(msg))}</p>`,
    '</body></html>',
  ].join('\n');
}
