import { z } from 'zod';

/** Per-attempt time limit shared by the network channels; 1 s at least, so a slow receiver is not retried forever. */
export const TimeoutSecondsSchema = z.number().min(1).max(120).default(10);

/** Only http(s): the backend's client speaks nothing else, and a typo such as "htps" should fail at load. */
export const HttpUrlSchema = z.url({ protocol: /^https?$/ });
