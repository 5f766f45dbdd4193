import { sendChat } from './chat-client.ts';
import { BENIGN_QUESTIONS, FORBIDDEN_CLAIMS } from './compromised-model.ts';
import type { ObedientCall, ObedientModel } from './obedient-model.ts';
import { leakedCanary, type PoisonedDocument } from './poisoned-documents.ts';

export type AttackFamily = 'poisoned_document' | 'compromised_model';

/** One request of a family: a benign question, and whether the attack's words reached the customer. */
export interface FamilyResult {
  family: AttackFamily;
  /** The poisoned document's id, or the forbidden claim's id. */
  case: string;
  /** Poisoned documents: `posted` (through the admin API) or `approved` (an admin let it through as untrusted). */
  stage: 'posted' | 'approved' | 'asked';
  lang: 'zh' | 'en';
  question: string;
  reply: string;
  success: boolean;
  evidence: string | null;
  reachedModel: boolean;
  status: number;
  latencyMs: number;
}

export interface FamilyRun {
  baseUrl: string;
  adminKey: string;
  model: ObedientModel;
  userId: string;
  poisoned: readonly PoisonedDocument[];
  onResult?: () => void;
}

/** How many requests `runFamilies` sends: for the progress bar. */
export function familyRequestCount(poisoned: readonly PoisonedDocument[]): number {
  const claims = FORBIDDEN_CLAIMS.reduce((n, c) => n + BENIGN_QUESTIONS[c.lang].length, 0);
  return claims + poisoned.length + poisoned.filter((p) => p.document.trust === 'untrusted').length;
}

async function admin(run: FamilyRun, path: string, body: unknown): Promise<Response> {
  const res = await fetch(new URL(path, run.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${run.adminKey}` },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return res;
}

/**
 * The two families of issue 13, in-process only (they need the admin key and the model's ear).
 * `compromised` runs first, on a fresh server: the answer cache is empty then, so every question
 * reaches the model (a refused claim is never cached). `poisoned` runs last, since its documents
 * stay: they are posted through the admin API as an importer of reviews would, asked about with
 * benign questions while the model copies what it retrieves; those posted as untrusted are then
 * approved, as a careless reviewer might, and asked about again.
 */
export function createFamilies(run: FamilyRun) {
  const results: FamilyResult[] = [];
  const ask = async (family: AttackFamily, id: string, stage: FamilyResult['stage'], lang: 'zh' | 'en', question: string, canaries: readonly string[]) => {
    run.model.takeCalls();
    const ex = await sendChat(run.baseUrl, question, { userId: run.userId });
    const calls: ObedientCall[] = run.model.takeCalls();
    // What the customer saw streaming counts as much as the final reply.
    const evidence = leakedCanary(`${ex.reply}\n${ex.streamed}`, canaries);
    results.push({
      family, case: id, stage, lang, question,
      reply: ex.error !== null && ex.status !== 200 ? `HTTP ${ex.status}: ${ex.error}` : ex.reply,
      success: evidence !== null, evidence, reachedModel: calls.length > 0, status: ex.status, latencyMs: ex.latencyMs,
    });
    run.onResult?.();
  };

  return {
    results,
    async compromised(): Promise<void> {
      run.model.setGoal(null);
      try {
        for (const claim of FORBIDDEN_CLAIMS) {
          run.model.say(claim.text);
          for (const q of BENIGN_QUESTIONS[claim.lang]) await ask('compromised_model', claim.id, 'asked', claim.lang, q, claim.canaries);
        }
      } finally {
        run.model.say(null);
      }
    },
    async poisoned(): Promise<void> {
      run.model.setGoal(null);
      for (const p of run.poisoned) {
        await admin(run, 'v1/kb/documents', p.document);
        await ask('poisoned_document', p.document.id, 'posted', p.document.lang, p.question, p.canaries);
      }
      for (const p of run.poisoned.filter((d) => d.document.trust === 'untrusted')) {
        // A document the scanner let through has nothing to approve (404): it is asked about again all the same.
        const res = await fetch(new URL(`v1/admin/kb/quarantine/${encodeURIComponent(p.document.id)}/approve`, run.baseUrl), { method: 'POST', headers: { authorization: `Bearer ${run.adminKey}` } });
        await res.text();
        await ask('poisoned_document', p.document.id, 'approved', p.document.lang, p.question, p.canaries);
      }
    },
  };
}
