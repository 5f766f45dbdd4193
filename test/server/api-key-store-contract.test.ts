import { forEachBackend } from '../support/shared-state-backends.ts';
import { runApiKeyStoreContract } from './api-key-store.contract.ts';

await forEachBackend('ApiKeyStore contract', (name, open) => runApiKeyStoreContract(name, open));
