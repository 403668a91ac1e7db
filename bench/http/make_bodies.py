#!/usr/bin/env python3
"""Turns OTTO JSONL sessions ({"session":..,"events":[{"aid","ts","type"}..]}) into request
bodies for the HTTP benchmark: one /recommend body per line (recommend.txt) and one
/batch_recommend body of N sessions (batch.json).

Usage: make_bodies.py SESSIONS.jsonl OUT_DIR [--batch-size 1000] [--top-k 20]
Sessions are cut to their last 500 events (the API's limit); the batch cycles through the
sessions when there are fewer than --batch-size."""
import argparse
import json
import os

ap = argparse.ArgumentParser()
ap.add_argument("sessions")
ap.add_argument("out_dir")
ap.add_argument("--batch-size", type=int, default=1000)
ap.add_argument("--top-k", type=int, default=20)
args = ap.parse_args()

sessions = []
with open(args.sessions) as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        s = json.loads(line)
        events = [{"aid": e["aid"], "ts": e["ts"], "type": e["type"]} for e in s["events"][-500:]]
        if events:
            sessions.append({"session_id": s["session"], "events": events})
if not sessions:
    raise SystemExit(f"no sessions in {args.sessions}")
os.makedirs(args.out_dir, exist_ok=True)
with open(os.path.join(args.out_dir, "recommend.txt"), "w") as out:
    for s in sessions:
        out.write(json.dumps(dict(s, top_k=args.top_k), separators=(",", ":")) + "\n")
batch = [sessions[i % len(sessions)] for i in range(args.batch_size)]
with open(os.path.join(args.out_dir, "batch.json"), "w") as out:
    json.dump({"sessions": batch, "top_k": args.top_k}, out, separators=(",", ":"))
print(f"{len(sessions)} sessions -> {args.out_dir}/recommend.txt, batch of {args.batch_size}")
