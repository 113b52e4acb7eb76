#!/usr/bin/env python3
"""Writes labelled pairs of suggestion texts (title + body) for the similar-item evaluation.

Each topic has places, problem sentences, and requests (several title and request wordings and details
each). A duplicate pair is one request at one place written twice independently: different title and
request wording, different background sentences, details and length. A hard negative is the same topic
with another request at the same place, another request at another place, or the same request at another
place. The tuning and held-out sets use disjoint topics, openings and closings.
Usage: make_pairs.py tuning|heldout OUT.tsv
"""
import importlib.util, random, sys, os

CONNECTORS = ['', '', '', '另外，', '同时，', '而且', '此外，', '更严重的是，']
# Word choices two writers make differently; each text takes each swap or not, on its own.
SWAPS = [('建议', '提议'), ('希望', '期盼'), ('恳请', '请求'), ('居民', '住户'), ('群众', '老百姓'), ('非常', '十分'),
         ('很', '特别'), ('经常', '常常'), ('尽快', '尽早'), ('有关部门', '相关部门'), ('没有', '缺少'),
         ('问题', '情况'), ('严重', '突出'), ('现在', '目前'), ('老人', '老年人'), ('已经', '早已'), ('每天', '天天'),
         ('解决', '化解'), ('影响', '干扰'), ('政府', '市里'), ('可以', '可'), ('根本', '完全')]

def reword(rng, text, place):
    for a, b in SWAPS:
        if a not in place and b not in place and rng.random() < 0.5:
            text = text.replace(a, b)
    return text

def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(__file__), name + '.py'))
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m

def write(rng, g, topic, req, place, title_i, ask_i):
    t = req['titles'][title_i].format(p=place)
    while True:
        parts = []
        op = rng.choice(g['openings']).format(p=place)
        if op: parts.append(op)
        probs = rng.sample(topic['problems'], rng.randint(1, 3))
        conns = rng.sample(CONNECTORS, len(CONNECTORS))
        for i, s in enumerate(probs):
            parts.append((conns[i] if i else '') + s.format(p=place))
        dets = rng.sample(req['details'], rng.randint(1, len(req['details'])))
        ask = req['asks'][ask_i].format(p=place)
        if rng.random() < 0.5:
            parts.append(ask); parts += [d.format(p=place) for d in dets]
        else:
            parts += [d.format(p=place) for d in dets]; parts.append(ask)
        cl = rng.choice(g['closings'])
        if cl: parts.append(cl)
        body = reword(rng, ''.join(parts), place)
        if 100 <= len(body) <= 600:
            return reword(rng, t, place), body

def main():
    which, out = sys.argv[1], sys.argv[2]
    m = load('banks_tuning' if which == 'tuning' else 'banks_heldout')
    rng = random.Random(20261207 if which == 'tuning' else 777001)
    n_dup, n_neg = (60, 60) if which == 'tuning' else (120, 120)
    names = sorted(m.TOPICS)
    rows = []
    used = set()
    for k in range(n_dup):
        while True:
            tn = names[k % len(names)]; topic = m.TOPICS[tn]
            r = rng.randrange(len(topic['requests'])); p = rng.choice(topic['places'])
            if (tn, r, p) not in used: break
        used.add((tn, r, p))
        req = topic['requests'][r]
        ti = rng.sample(range(len(req['titles'])), 2); ai = rng.sample(range(len(req['asks'])), 2)
        a = write(rng, m.GENERIC, topic, req, p, ti[0], ai[0]); b = write(rng, m.GENERIC, topic, req, p, ti[1], ai[1])
        rows.append(('dup', tn, *a, *b, 'same request'))
    for k in range(n_neg):
        tn = names[k % len(names)]; topic = m.TOPICS[tn]
        kind = ['same place, other request', 'other place, other request', 'same place, other request',
                'other place, other request', 'same request, other place'][k % 5]
        r1 = rng.randrange(len(topic['requests'])); p1 = rng.choice(topic['places'])
        r2 = r1 if kind == 'same request, other place' else rng.choice([r for r in range(len(topic['requests'])) if r != r1])
        p2 = p1 if kind == 'same place, other request' else rng.choice([p for p in topic['places'] if p != p1])
        q1, q2 = topic['requests'][r1], topic['requests'][r2]
        # Like a duplicate pair, the two texts word a shared request differently.
        ti = rng.sample(range(len(q1['titles'])), 2); ai = rng.sample(range(len(q1['asks'])), 2)
        a = write(rng, m.GENERIC, topic, q1, p1, ti[0], ai[0])
        b = write(rng, m.GENERIC, topic, q2, p2, ti[1], ai[1])
        rows.append(('diff', tn, *a, *b, kind))
    with open(out, 'w', encoding='utf-8') as f:
        f.write('# Labelled pairs of suggestions (%s set), written by make_pairs.py from its phrase banks.\n' % which)
        f.write('# label (dup: the same request at the same place, worth merging; diff: not), topic, title A, body A,\n')
        f.write('# title B, body B, and what makes a diff pair hard, tab-separated.\n')
        for r in rows:
            f.write('\t'.join(r) + '\n')

main()
