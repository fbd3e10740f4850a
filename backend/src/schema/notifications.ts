import { z } from 'zod';

/** One notification for one receiver, as delivered (or still being tried): the delivery history. */
export const DeliverySchema = z
  .object({
    delivery_id: z.string(),
    incident_id: z.string(),
    receiver: z.string(),
    channel_type: z.string(),
    kind: z.string(),
    status: z.enum(['pending', 'sent', 'failed']),
    attempts: z.number().int(),
    last_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    next_attempt_at: z.string().nullable(),
    sent_at: z.string().nullable(),
    /** When the latest attempt started (counted in `attempts` before it went out, so a crash mid-send still shows it). */
    last_attempt_at: z.string().nullable(),
  })
  .meta({ id: 'Delivery' });

export type Delivery = z.infer<typeof DeliverySchema>;
