import type { IncidentService } from '../incidents/incident-service';
import { deliveryDto } from '../notification/delivery-dto';
import type { RemediationService } from '../remediation/remediation-service';
import type { Postmortem, PostmortemPatch } from '../schema/postmortem';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import { iso } from '../util/time';
import { peakErrorRate } from './peak-error-rate';
import { renderPostmortem } from './render';

/** Most events read to find a post-mortem's peak error rate. */
const PEAK_SCAN_LIMIT = 200_000;

/** Post-mortems: generated at resolution, refreshed at closing, rendered from the data plus people's edits. */
export class PostmortemService {
  constructor(
    private readonly store: Store,
    private readonly incidents: IncidentService,
    private readonly remediation: RemediationService,
    private readonly clock: Clock
  ) {}

  async get(incidentId: string): Promise<Postmortem> {
    const inc = await this.incidents.get(incidentId);
    const now = this.clock.now();
    const [timeline, actions, deliveries, row, events] = await Promise.all([
      this.incidents.timeline(incidentId, { limit: 100_000 }),
      this.remediation.list(incidentId),
      this.store.outbox.ofIncident(incidentId),
      this.store.postmortems.get(incidentId),
      this.store.events.fromSources(inc.affected_components, inc.started_at, inc.resolved_at ?? now, PEAK_SCAN_LIMIT),
    ]);
    return renderPostmortem({
      incident: inc,
      timeline,
      actions,
      deliveries: deliveries.map(deliveryDto),
      edits: row.edits,
      peakErrorRate: peakErrorRate(events),
      generatedAt: row.generated_at,
      refreshedAt: row.refreshed_at,
      now,
    });
  }

  /** Replaces the summary, follow-ups or lessons; appends notes. */
  async patch(incidentId: string, p: PostmortemPatch, actor: string | null): Promise<Postmortem> {
    await this.incidents.get(incidentId);
    const row = await this.store.postmortems.get(incidentId);
    const edits = { ...row.edits };
    if (p.summary !== undefined) edits.summary = p.summary;
    if (p.users_impacted !== undefined) edits.users_impacted = p.users_impacted;
    if (p.follow_ups !== undefined) edits.follow_ups = p.follow_ups;
    if (p.went_well !== undefined) edits.went_well = p.went_well;
    if (p.to_improve !== undefined) edits.to_improve = p.to_improve;
    const notes = p.notes === undefined ? [] : Array.isArray(p.notes) ? p.notes : [p.notes];
    edits.notes = [...edits.notes, ...notes.map((text) => ({ at: iso(this.clock.now()), author: actor ?? p.actor ?? null, text }))];
    await this.store.postmortems.put({ ...row, edits });
    return this.get(incidentId);
  }
}
