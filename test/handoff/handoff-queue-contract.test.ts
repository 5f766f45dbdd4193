import { forEachBackend } from '../support/shared-state-backends.ts';
import { runHandoffQueueContract } from './handoff-queue.contract.ts';

await forEachBackend('HandoffQueue contract', (name, open) => runHandoffQueueContract(name, open));
