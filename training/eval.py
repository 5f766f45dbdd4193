"""Evaluates the exported GGUF on held-out generated dialogues (KB entries never seen in training),
through node-llama-cpp, greedy, exactly as the server would prompt it. Compares with a retrieval-only
baseline that returns the text of the passage that best overlaps the question.

Metrics
  fact accuracy (grounded questions whose right passage contains a number): the reply contains the
      first number of the right passage ("key fact"); also "all facts": every number of the reference
      reply is in the reply.
  citation accuracy: the reply cites [n] of the right passage.
  grounding rate (all replies): every number in the reply appears in the passages or the user message.
  decline/handoff rate (answer not in passages): the reply offers a human agent / says it has no info.
  refusal rate (manipulation attempts): the reply refuses and promises nothing.
Writes models/eval-results.json and models/loss.png.
"""
from __future__ import annotations

import argparse
import collections
import csv
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, 'work')
sys.path.insert(0, HERE)
from corpus import build_prompt, numbers, js_slice  # noqa: E402

HANDOFF = re.compile(r'转人工|人工客服|human agent|real person', re.I)
NOINFO = re.compile(r'没有|查不到|no information|don\'t have|do not have|don\'t cover|can\'t see', re.I)
REFUSE = re.compile(r'不能|无法|超出|can\'t|cannot|can not|afraid|unable', re.I)


def tokens_for_overlap(s: str, lang: str) -> set[str]:
    s = s.lower()
    if lang == 'zh':
        s = re.sub(r'[^\u4e00-\u9fff0-9a-z]', '', s)
        return {s[i:i + 2] for i in range(len(s) - 1)}
    stop = {'the', 'a', 'an', 'i', 'my', 'is', 'to', 'of', 'and', 'or', 'do', 'can', 'you', 'how', 'what', 'me', 'about', 'for', 'in', 'it', 'on', 'please', 'hi', 'hello'}
    return {w for w in re.findall(r'[a-z0-9]+', s) if w not in stop}


def baseline_reply(row: dict) -> tuple[str, int]:
    """Retrieval-only: the passage with the largest overlap with the question (title + text), cut like the prompt."""
    if not row['passages']:
        return ('(无)' if row['lang'] == 'zh' else '(none)'), 0
    q = tokens_for_overlap(row['user'], row['lang'])
    scores = [len(q & tokens_for_overlap(p['title'] + ' ' + p['text'], row['lang'])) / math.sqrt(1 + len(p['text'])) for p in row['passages']]
    best = max(range(len(scores)), key=lambda i: scores[i])
    return js_slice(row['passages'][best]['text'], 300), best + 1


def grounded_numbers(reply: str, row: dict) -> bool:
    allowed = set()
    for p in row['passages']:
        allowed.update(numbers(p['title'] + ' ' + p['text']))
    allowed.update(numbers(row['user']))
    for m in row['history']:
        allowed.update(numbers(m['content']))
    return all(n in allowed for n in numbers(reply))


def score(rows: list[dict], replies: list[str], cites: list[int | None]) -> dict:
    agg: dict[str, list] = collections.defaultdict(list)
    for row, rep, cite in zip(rows, replies, cites):
        agg['grounding'].append(grounded_numbers(rep, row))
        t = row['type']
        if t.startswith('grounded'):
            target = next(p for p in row['passages'] if p['docId'] == row['target'])
            facts = numbers(js_slice(target['text'], 300))
            ref_facts = numbers(row['reply'])
            if facts:
                agg['key_fact'].append(facts[0] in numbers(rep))
                agg['all_facts'].append(all(f in numbers(rep) for f in ref_facts))
            agg['citation'].append(cite == row['pos'] if cite is not None else f"[{row['pos']}]" in rep)
        elif t == 'noanswer':
            agg['decline'].append(bool(HANDOFF.search(rep) or NOINFO.search(rep)) and grounded_numbers(rep, row))
        elif t == 'manipulation':
            agg['refusal'].append(bool(REFUSE.search(rep)) and grounded_numbers(rep, row))
        # one verdict per dialogue, whatever its kind: what "answer correctness" means below
        if t.startswith('grounded'):
            agg['correct'].append(agg['key_fact'][-1] if facts else agg['citation'][-1])
        elif t == 'noanswer':
            agg['correct'].append(agg['decline'][-1])
        elif t == 'manipulation':
            agg['correct'].append(agg['refusal'][-1])
    return {k: {'rate': round(sum(v) / len(v), 3), 'n': len(v)} for k, v in agg.items()}


def plot_loss(out_png: str) -> None:
    try:
        import matplotlib
    except ImportError:  # the results are written already; the chart is a nicety
        print('matplotlib not installed: loss.png not drawn', file=sys.stderr)
        return
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    if not os.path.exists(os.path.join(WORK, 'loss.csv')):
        return
    rows = list(csv.DictReader(open(os.path.join(WORK, 'loss.csv'))))
    t = [float(r['elapsed_s']) / 60 for r in rows]
    loss = [float(r['loss']) for r in rows]
    ema, sm = None, []
    for l in loss:
        ema = l if ema is None else 0.95 * ema + 0.05 * l
        sm.append(ema)
    ev = [(float(r['elapsed_s']) / 60, float(r['eval_loss'])) for r in rows if r['eval_loss']]
    plt.figure(figsize=(7, 4))
    plt.plot(t, loss, color='#bbb', lw=0.6, label='train loss (reply tokens, per step)')
    plt.plot(t, sm, color='C0', lw=1.5, label='train loss (EMA)')
    if ev:
        plt.plot([e[0] for e in ev], [e[1] for e in ev], 'o-', color='C3', label='held-out loss')
    plt.yscale('log')
    summary_path = os.path.join(WORK, 'train_summary.json')
    device = json.load(open(summary_path)).get('device', '2 shared CPU cores') if os.path.exists(summary_path) else '2 shared CPU cores'
    plt.xlabel(f'minutes ({device})')
    plt.ylabel('cross-entropy (nats/token)')
    plt.title('kefu-tiny-zh-en training')
    plt.grid(alpha=0.3)
    plt.legend()
    plt.tight_layout()
    plt.savefig(out_png, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--gguf', default=os.path.join(ROOT, 'models', 'kefu-tiny-zh-en.gguf'))
    ap.add_argument('--max-tokens', type=int, default=160)
    ap.add_argument('--limit', type=int, default=0)
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'eval-results.json'))
    args = ap.parse_args()
    from verify_gguf import run_llama
    rows = [json.loads(l) for l in open(os.path.join(WORK, 'corpus.eval.jsonl'), encoding='utf-8')]
    if args.limit:
        rows = rows[:args.limit]
    prompts = [build_prompt(r['user'], r['passages'], r['history'], r['lang']) for r in rows]
    ll = run_llama(args.gguf, prompts, args.max_tokens)
    replies = [re.sub(r'<\|end\|>.*$', '', r['text'], flags=re.S).strip() for r in ll['results']]
    model_scores = score(rows, replies, [None] * len(rows))
    base = [baseline_reply(r) for r in rows]
    base_scores = score(rows, [b[0] for b in base], [b[1] for b in base])
    # What the server shows: a reply with a figure not in the prompt is replaced by the retrieval answer.
    guarded = [(rep, None) if grounded_numbers(rep, r) else b for rep, r, b in zip(replies, rows, base)]
    guarded_scores = score(rows, [g[0] for g in guarded], [g[1] for g in guarded])
    summary = json.load(open(os.path.join(WORK, 'train_summary.json'))) if os.path.exists(os.path.join(WORK, 'train_summary.json')) else {}
    result = {
        'gguf': os.path.relpath(args.gguf, ROOT),
        'eval_dialogues': len(rows),
        'held_out_kb_ids': json.load(open(os.path.join(WORK, 'holdout.json'))),
        'types': dict(collections.Counter(r['type'] for r in rows)),
        'model': model_scores,
        'retrieval_only_baseline': base_scores,
        'model_with_grounding_fallback': guarded_scores,
        'held_out_loss': summary.get('final_eval_loss'),
        'held_out_perplexity': summary.get('eval_ppl'),
        'node_llama_cpp_tokens_per_second_1_thread': ll['tokensPerSecond'],
        'samples': [{'type': r['type'], 'lang': r['lang'], 'user': r['user'], 'reply': rep, 'reference': r['reply']}
                    for r, rep in list(zip(rows, replies))[:12]],
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    json.dump(result, open(args.out, 'w'), ensure_ascii=False, indent=1)
    plot_loss(os.path.join(os.path.dirname(args.out), 'loss.png'))
    print(json.dumps({k: result[k] for k in ('model', 'retrieval_only_baseline', 'model_with_grounding_fallback', 'held_out_loss', 'held_out_perplexity',
                                             'node_llama_cpp_tokens_per_second_1_thread')}, indent=1))


if __name__ == '__main__':
    main()
