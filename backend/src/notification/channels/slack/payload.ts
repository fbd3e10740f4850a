import type { NotificationMessage } from '../../channel';
import { incidentFields, type IncidentField } from '../incident-fields';
import type { SlackChannelConfig } from './config';
import { mrkdwn, plain } from './mrkdwn';

interface PlainText {
  type: 'plain_text';
  text: string;
  emoji: true;
}

interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

interface Button {
  type: 'button';
  text: PlainText;
  url: string;
  action_id: string;
}

/** The Block Kit blocks the channel uses. */
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: MrkdwnText; fields: MrkdwnText[] }
  | { type: 'actions'; elements: Button[] }
  | { type: 'context'; elements: MrkdwnText[] };

/** The body posted to the incoming webhook. */
export interface SlackPayload {
  /** Shown in notifications and by clients that cannot draw blocks. */
  text: string;
  blocks: SlackBlock[];
  channel?: string;
  username?: string;
}

/** Block Kit limits (https://api.slack.com/reference/block-kit/blocks); Slack rejects the whole message past any one. */
const LIMITS = { header: 150, sectionText: 3000, fields: 10, fieldText: 2000, buttonText: 75, url: 3000, text: 3000 };

function field({ label, value }: IncidentField): MrkdwnText {
  const head = `*${mrkdwn(label, 100)}*\n`;
  return { type: 'mrkdwn', text: head + mrkdwn(value, LIMITS.fieldText - head.length) };
}

function sectionText(msg: NotificationMessage): string {
  const title = `*${mrkdwn(msg.incident.title || msg.incident.incident_id, 500)}*`;
  const description = msg.incident.description.trim();
  return description === '' ? title : `${title}\n${mrkdwn(description, LIMITS.sectionText - title.length - 1)}`;
}

/** Slack renders `<!date^...>` in each reader's own time zone, falling back to the ISO text. */
function when(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return mrkdwn(iso, 100);
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${mrkdwn(iso, 100)}>`;
}

/** Builds the webhook body for `msg`, within every Block Kit limit whatever the incident holds. */
export function slackPayload(msg: NotificationMessage, cfg: SlackChannelConfig): SlackPayload {
  const headline = msg.headline.trim() === '' ? `Incident ${msg.incident.incident_id}` : msg.headline;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plain(headline, LIMITS.header), emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: sectionText(msg) },
      fields: incidentFields(msg).slice(0, LIMITS.fields).map(field),
    },
  ];
  // A cut URL would lead nowhere, so an over-long one loses its button instead.
  if (msg.url !== null && msg.url.length <= LIMITS.url) {
    const button: Button = {
      type: 'button',
      text: { type: 'plain_text', text: 'Open incident', emoji: true },
      url: msg.url,
      action_id: 'open_incident',
    };
    blocks.push({ type: 'actions', elements: [button] });
  }
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `Incident \`${mrkdwn(msg.incident.incident_id, 200)}\` · ${when(msg.created_at)}` },
    ],
  });
  return {
    text: mrkdwn(headline, LIMITS.text),
    blocks,
    ...(cfg.channel === undefined ? {} : { channel: cfg.channel }),
    ...(cfg.username === undefined ? {} : { username: cfg.username }),
  };
}
