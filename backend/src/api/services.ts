import type { Leadership } from '../cluster/leadership';
import type { Config } from '../config/schema';
import type { ChangeBus } from '../engine/change-bus';
import type { IncidentEngine } from '../engine/engine';
import type { IncidentService } from '../incidents/incident-service';
import type { IngestService } from '../ingest/ingest-service';
import type { Metrics } from '../metrics/metrics';
import type { NotificationRelay } from '../notification/relay';
import type { PostmortemService } from '../postmortem/postmortem-service';
import type { ActionRunner } from '../remediation/action-runner';
import type { RemediationService } from '../remediation/remediation-service';
import type { RuleService } from '../rules/rule-service';
import type { AuditLog } from '../security/audit';
import type { RequestSecurity } from '../security/authenticate';
import type { StoreHealth } from '../store/health';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';

/** What the HTTP layer may call. Controllers call services, never stores, except for plain reads. */
export interface Services {
  config: Config;
  clock: Clock;
  store: Store;
  engine: IncidentEngine;
  ingest: IngestService;
  incidents: IncidentService;
  rules: RuleService;
  remediation: RemediationService;
  postmortems: PostmortemService;
  runner: ActionRunner;
  relay: NotificationRelay;
  bus: ChangeBus;
  metrics: Metrics;
  security: RequestSecurity;
  audit: AuditLog;
  /** Which replica runs the engine (always this one on SQLite). */
  cluster: Leadership;
  /** Whether the store works now (a lost database, a full disk): `/readyz` and the intake read it. */
  storeHealth: StoreHealth;
}
