import { forEachBackend } from '../support/shared-state-backends.ts';
import { runKpiQueriesContract } from './kpi-queries.contract.ts';
import { runOutcomeTrackerContract } from './outcome-tracker.contract.ts';

await forEachBackend('OutcomeTracker and KpiQueries contracts', (name, open) => {
  runOutcomeTrackerContract(name, open);
  runKpiQueriesContract(name, open);
});
