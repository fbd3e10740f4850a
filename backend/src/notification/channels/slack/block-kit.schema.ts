import { z } from 'zod';

/**
 * The Block Kit subset the Slack channel sends, with the limits Slack documents
 * (https://api.slack.com/reference/block-kit/blocks, .../composition-objects, .../block-elements),
 * so tests and recording receivers can check a payload Slack would take.
 */

const PlainText = (max: number) =>
  z.object({ type: z.literal('plain_text'), text: z.string().min(1).max(max), emoji: z.boolean().optional() }).strict();
const Mrkdwn = (max: number) =>
  z.object({ type: z.literal('mrkdwn'), text: z.string().min(1).max(max), verbatim: z.boolean().optional() }).strict();
const TextObject = (max: number) => z.union([PlainText(max), Mrkdwn(max)]);
const BlockId = z.string().max(255).optional();

const HeaderBlock = z.object({ type: z.literal('header'), text: PlainText(150), block_id: BlockId }).strict();

const SectionBlock = z
  .object({
    type: z.literal('section'),
    text: TextObject(3000).optional(),
    fields: z.array(TextObject(2000)).max(10).optional(),
    block_id: BlockId,
  })
  .strict()
  .refine((s) => s.text !== undefined || (s.fields?.length ?? 0) > 0, 'a section needs text or fields');

const Button = z
  .object({
    type: z.literal('button'),
    text: PlainText(75),
    action_id: z.string().max(255).optional(),
    url: z.string().max(3000).optional(),
    value: z.string().max(2000).optional(),
    style: z.enum(['primary', 'danger']).optional(),
  })
  .strict();

const ActionsBlock = z
  .object({ type: z.literal('actions'), elements: z.array(Button).min(1).max(25), block_id: BlockId })
  .strict();

const ContextBlock = z
  .object({ type: z.literal('context'), elements: z.array(TextObject(3000)).min(1).max(10), block_id: BlockId })
  .strict();

/** An incoming-webhook message: fallback text plus at most 50 blocks. */
export const SlackMessageSchema = z
  .object({
    text: z.string().min(1).max(40000),
    blocks: z.array(z.union([HeaderBlock, SectionBlock, ActionsBlock, ContextBlock])).max(50),
    channel: z.string().optional(),
    username: z.string().optional(),
  })
  .strict();
