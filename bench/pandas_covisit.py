#!/usr/bin/env python3
"""The three co-visitation matrices of the public OTTO baseline, built the straightforward
pandas way, as the side-by-side reference for `covisit_bench` (docs/covisitation.md).

It follows the notebook's steps (C. Deotte, "candidate rerank model - [LB 0.575]"): read the
JSONL, then per matrix: sort each session's events by ts descending, keep 30, self-merge
on session, filter the pairs, drop duplicates per session, weight, sum per (aid_x, aid_y),
keep the top 20/15/15 per aid_x. Sessions are processed in pieces (the notebook's
`PIECES`) so memory stays bounded; the sums are merged across pieces with `add`.

    python3 bench/pandas_covisit.py /tmp/g200k.jsonl      # needs Debian's python3-pandas

Prints the seconds of each stage and the total; the matrices are kept in memory only.
"""
import json
import sys
import time

import pandas as pd

TYPES = {"clicks": 0, "carts": 1, "orders": 2}
TYPE_WEIGHT = {0: 1, 1: 6, 2: 3}
SESSIONS_PER_PIECE = 20_000


def load(path):
    session, aid, ts, typ = [], [], [], []
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            for e in row["events"]:
                session.append(row["session"])
                aid.append(e["aid"])
                ts.append(e["ts"])
                typ.append(TYPES[e["type"]])
    df = pd.DataFrame({"session": session, "aid": aid, "ts": ts, "type": typ})
    if df.ts.max() > 1 << 32:  # milliseconds, as in the OTTO files
        df["ts"] = df.ts // 1000
    return df.astype({"session": "int32", "aid": "int32", "ts": "int32", "type": "int8"})


def tails(df):
    df = df.sort_values(["session", "ts"], ascending=[True, False], kind="stable")
    df = df.assign(n=df.groupby("session").cumcount())
    return df.loc[df.n < 30].drop("n", axis=1)


def build(df, kind, top):
    ts_min, ts_max = int(df.ts.min()), int(df.ts.max())
    if kind == "buy2buy":
        df = df.loc[df["type"] > 0]
    df = tails(df)
    total = None
    sessions = df.session.unique()
    for i in range(0, len(sessions), SESSIONS_PER_PIECE):
        lo, hi = sessions[i], sessions[min(i + SESSIONS_PER_PIECE, len(sessions)) - 1]
        piece = df.loc[(df.session >= lo) & (df.session <= hi)]
        pairs = piece.merge(piece, on="session")
        window = 14 * 24 * 60 * 60 if kind == "buy2buy" else 24 * 60 * 60
        pairs = pairs.loc[((pairs.ts_x - pairs.ts_y).abs() < window) &
                          (pairs.aid_x != pairs.aid_y)]
        pairs = pairs.drop_duplicates(["session", "aid_x", "aid_y"])
        if kind == "clicks":
            span = max(ts_max - ts_min, 1)
            wgt = 1 + 3 * (pairs.ts_x - ts_min) / span
        elif kind == "carts_orders":
            wgt = pairs.type_y.map(TYPE_WEIGHT)
        else:
            wgt = pd.Series(1.0, index=pairs.index)
        pairs = pairs.assign(wgt=wgt.astype("float32"))
        sums = pairs.groupby(["aid_x", "aid_y"]).wgt.sum()
        total = sums if total is None else total.add(sums, fill_value=0)
    out = total.reset_index().sort_values(["aid_x", "wgt"], ascending=[True, False])
    out = out.assign(n=out.groupby("aid_x").aid_y.cumcount())
    return out.loc[out.n < top].drop("n", axis=1)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pandas_covisit.py SESSIONS.jsonl")
    start = time.perf_counter()
    df = load(sys.argv[1])
    loaded = time.perf_counter()
    print(f"load: {loaded - start:.2f} s ({len(df)} events)")
    for kind, top in (("clicks", 20), ("carts_orders", 15), ("buy2buy", 15)):
        t = time.perf_counter()
        m = build(df, kind, top)
        print(f"{kind}: {time.perf_counter() - t:.2f} s ({len(m)} pairs kept)")
    print(f"total: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
