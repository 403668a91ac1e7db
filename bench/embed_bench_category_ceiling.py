#!/usr/bin/env python3
"""How far can category co-occurrence carry the next-item check on the Taobao sample?

Reproduces the split of `embed_bench quality --preset taobao --days 0.02` (user logs cut at
30-minute gaps, fav dropped; split_ts = max_ts - 0.02 days; training = sessions cut before
split_ts with >= 2 events; test = sessions starting after it) and, over every position of the
test sessions, the pairs (last item, next clicked other item) whose items both have a vector
(occur in a training session with another item). It prints how many share a category, and,
for the cross-category pairs, how often a count-based category similarity (co-occurrence
count, PPMI, count / sqrt(n_a n_b), over the training sessions' category sets) ranks the
next item's category above a random vector item's category (ties count 1/2; the random
item in the last item's own category counts as a loss). docs/embeddings.md, session 6.

Usage: bench/embed_bench_category_ceiling.py [UserBehavior.csv]
"""
import collections
import csv
import math
import random
import sys

PATH = sys.argv[1] if len(sys.argv) > 1 else \
    '/work/shared/data/taobao-userbehavior-2h/UserBehavior.time-prefix.csv'

rows = []
for r in csv.reader(open(PATH)):
    user, item, category, kind, ts = int(r[0]), int(r[1]), int(r[2]), r[3], int(r[4])
    if kind != 'fav':
        rows.append((user, ts, item, category, kind))
cat = {}
for _, _, item, category, _ in rows:
    cat.setdefault(item, category)
rows.sort(key=lambda x: (x[0], x[1]))
sessions, prev = [], None
for user, ts, item, _, kind in rows:
    if prev is None or prev[0] != user or ts - prev[1] > 1800:
        sessions.append([])
    sessions[-1].append((ts, item, kind))
    prev = (user, ts)
split = max(r[1] for r in rows) - 0.02 * 86400
train, test = [], []
for s in sessions:
    if s[0][0] > split:
        test.append(s)
    else:
        kept = [e for e in s if e[0] < split]
        if len(kept) >= 2:
            train.append(kept)

with_vector, cat_sessions, pair_sessions = set(), collections.Counter(), collections.Counter()
for s in train:
    seq = []
    for e in s:
        if not seq or seq[-1] != e[1]:
            seq.append(e[1])
    if len(set(seq)) >= 2:
        with_vector |= set(seq)
    cats = sorted(set(cat[i] for i in seq))
    for a in cats:
        cat_sessions[a] += 1
    for x in range(len(cats)):
        for y in range(x + 1, len(cats)):
            pair_sessions[(cats[x], cats[y])] += 1
total = sum(cat_sessions.values())


def count(a, b):
    return pair_sessions.get((min(a, b), max(a, b)), 0)


sims = {
    'count': count,
    'ppmi': lambda a, b: max(0.0, math.log(count(a, b) * total /
                                           (cat_sessions[a] * cat_sessions[b])))
    if count(a, b) else 0.0,
    'count/sqrt(na nb)': lambda a, b: count(a, b) / math.sqrt(cat_sessions[a] * cat_sessions[b]),
}
random.seed(1)
vector_items = sorted(with_vector)
same = cross = cross_cooccurring = 0
wins = {k: 0.0 for k in sims}
for s in test:
    for k in range(1, len(s)):
        last, j = s[k - 1][1], k
        while j < len(s) and (s[j][2] != 'pv' or s[j][1] == last):
            j += 1
        if j == len(s):
            continue
        nxt = s[j][1]
        if last not in with_vector or nxt not in with_vector:
            continue
        a, b = cat[last], cat[nxt]
        if a == b:
            same += 1
            continue
        cross += 1
        cross_cooccurring += count(a, b) > 0
        rnd = random.choice(vector_items)
        while rnd in (last, nxt):
            rnd = random.choice(vector_items)
        c = cat[rnd]
        for name, f in sims.items():
            x, y = f(a, b), (math.inf if c == a else f(a, c))
            wins[name] += 1.0 if x > y else (0.5 if x == y else 0.0)
print(f'training sessions {len(train)}, test sessions {len(test)}; pairs with vectors: '
      f'{same} same category, {cross} cross-category '
      f'({cross_cooccurring} of them with categories sharing a training session)')
for name, w in wins.items():
    print(f'cross-category pairs won by {name}: {w / cross:.3f}')
