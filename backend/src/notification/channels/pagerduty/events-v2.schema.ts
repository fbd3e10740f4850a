import { z } from 'zod';

/**
 * PagerDuty Events API v2 requests as documented at
 * https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ (and the acknowledge and
 * resolve pages beside it), strict so a test sees any field PagerDuty would not expect.
 */

/** PagerDuty refuses a request body of 512 KB or more. */
export const PAGERDUTY_MAX_BODY_BYTES = 512 * 1024;

/** Alert severities PagerDuty knows, highest first. */
export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

const RoutingKey = z.string().min(1);
const DedupKey = z.string().min(1).max(255);

/** The alert itself, required for a trigger. */
export const PagerDutyPayloadSchema = z
  .object({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(PAGERDUTY_SEVERITIES),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const LinkSchema = z.object({ href: z.url(), text: z.string().optional() }).strict();
const ImageSchema = z.object({ src: z.url(), href: z.url().optional(), alt: z.string().optional() }).strict();

/** A trigger opens an alert, or adds to the open one with the same dedup_key. */
export const PagerDutyTriggerSchema = z
  .object({
    routing_key: RoutingKey,
    event_action: z.literal('trigger'),
    dedup_key: DedupKey.optional(),
    payload: PagerDutyPayloadSchema,
    links: z.array(LinkSchema).optional(),
    images: z.array(ImageSchema).optional(),
    client: z.string().optional(),
    client_url: z.url().optional(),
  })
  .strict();

/** Acknowledge and resolve name the alert by its dedup_key and carry nothing else. */
const followUp = <A extends 'acknowledge' | 'resolve'>(action: A) =>
  z.object({ routing_key: RoutingKey, event_action: z.literal(action), dedup_key: DedupKey }).strict();

/** Acknowledge: the alert stops escalating but stays open. */
export const PagerDutyAcknowledgeSchema = followUp('acknowledge');
/** Resolve: the alert is closed. */
export const PagerDutyResolveSchema = followUp('resolve');

/** Any Events API v2 request. */
export const PagerDutyEventV2Schema = z.discriminatedUnion('event_action', [
  PagerDutyTriggerSchema,
  PagerDutyAcknowledgeSchema,
  PagerDutyResolveSchema,
]);

/** Any Events API v2 request, as parsed. */
export type PagerDutyEventV2 = z.output<typeof PagerDutyEventV2Schema>;
/** A trigger request, as parsed. */
export type PagerDutyTrigger = z.output<typeof PagerDutyTriggerSchema>;
/** One of PagerDuty's alert severities. */
export type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];
