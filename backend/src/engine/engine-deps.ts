import type { Logger } from 'pino';
import type { ChangedIncidents } from '../domain/records';
import type { Metrics } from '../metrics/metrics';
import type { IncidentNotifier } from '../notification/notifier';
import type { AutoResponder } from '../remediation/auto-responder';
import type { IncidentType } from '../schema/enums';
import type { Store } from '../store/store';
import type { Clock } from '../util/clock';
import type { ChangeBus } from './change-bus';
import type { Changes } from './changes';

/** What the engine is built with: its limits, and the parts of the product it works through. */
export interface EngineOptions {
  retentionSeconds: number;
  maxEvents: number;
  prolongedSeconds: number;
  alertnameTypes: Record<string, IncidentType>;
  /** Stored events that no incident holds are deleted this long after arrival. */
  eventLogRetentionSeconds: number;
  /** Other replicas append to the log too: a step reads what it has not seen from the store. */
  sharedLog?: boolean;
}

export interface EngineDeps {
  store: Store;
  clock: Clock;
  bus: ChangeBus;
  metrics: Metrics;
  logger: Logger;
  responder: AutoResponder;
  notifier: IncidentNotifier;
  /** Called after each durable commit (the relay and the action runner wake up). */
  afterCommit?: (changes: Changes) => void;
  /** Called first in each commit's transaction with the incidents it changes; throws when this replica may no longer write. */
  fence?: (tx: Store, changed: ChangedIncidents) => Promise<void>;
}
