#include "data/split.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iterator>

#include "absl/container/flat_hash_set.h"
#include "core/str_cat.h"
#include "data/otto_jsonl.h"
#include "data/python_random.h"

namespace sessionrec {
namespace {

// Smallest power of ten, at least 1000, above `longest`.
int64_t PrefixMultiplier(size_t longest) {
  int64_t m = 1000;
  while (static_cast<uint64_t>(m) <= longest) m *= 10;
  return m;
}

void AddQuery(SessionId id, std::span<const Event> events, size_t kept, SplitResult* out) {
  Session q;
  q.id = id;
  q.events.assign(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(kept));
  SessionLabels l = LabelsAfterCut(id, events, kept);
  SplitCounts& c = out->counts;
  ++c.queries;
  c.query_events += kept;
  c.click_labels += l.click.has_value() ? 1 : 0;
  c.cart_labels += l.carts.size();
  c.order_labels += l.orders.size();
  out->queries.push_back(std::move(q));
  out->labels.push_back(std::move(l));
}

}  // namespace

StatusOr<SplitResult> SplitOtto(const EventStore& data, const SplitParams& params) {
  if (!(params.days > 0) || !std::isfinite(params.days) || params.days > 1e5) {
    return absl::InvalidArgumentError(StrCat("split: --days must be > 0 (got ", params.days, ")"));
  }
  if (data.num_events() == 0) return absl::InvalidArgumentError("split: the input has no events");
  SplitResult out;
  SplitCounts& c = out.counts;
  c.input_sessions = data.num_sessions();
  c.input_events = data.num_events();
  // testset.py get_max_ts: the last event of each session (events are in time order).
  uint32_t max_ts = 0;
  for (size_t s = 0; s < data.num_sessions(); ++s) {
    const SessionView v = data.session(s);
    if (v.size() > 0) max_ts = std::max(max_ts, v.ts[v.size() - 1]);
  }
  out.max_ts = max_ts;
  // Integer milliseconds, as testset.py compares (it reads ms timestamps).
  const int64_t split_ms =
      int64_t{max_ts} * 1000 - static_cast<int64_t>(std::llround(params.days * 86'400'000.0));
  out.split_ts = static_cast<double>(split_ms) / 1000.0;
  auto ms = [](uint32_t ts) { return int64_t{ts} * 1000; };

  // train_test_split: test sessions start after split_ts; training ones are cut before it.
  EventStoreBuilder train;
  std::vector<uint8_t> known(data.num_items(), 0);  // by dense index of `data`
  std::vector<size_t> test_full;
  std::vector<Event> events;
  for (size_t s = 0; s < data.num_sessions(); ++s) {
    const SessionView v = data.session(s);
    if (v.size() == 0) continue;
    if (ms(v.ts[0]) > split_ms) {
      test_full.push_back(s);
      continue;
    }
    events.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      if (ms(v.ts[i]) < split_ms) {
        events.push_back({data.item_id(v.items[i]), static_cast<Timestamp>(v.ts[i]), v.type(i)});
      }
    }
    if (events.size() < 2) {
      ++c.train_dropped_sessions;
      continue;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (ms(v.ts[i]) < split_ms) known[v.items[i]] = 1;
    }
    SR_RETURN_IF_ERROR(train.AddSession(v.id, events));
    ++c.train_sessions;
    c.train_events += events.size();
  }
  c.train_items = static_cast<uint64_t>(std::count(known.begin(), known.end(), uint8_t{1}));
  out.train = train.Finish();
  c.test_sessions_full = test_full.size();

  // filter_unknown_items, then create_kaggle_testset in input order.
  std::vector<Session> tests;
  absl::flat_hash_set<SessionId> test_ids;
  size_t longest = 0;
  for (size_t s : test_full) {
    const SessionView v = data.session(s);
    Session t;
    t.id = v.id;
    for (size_t i = 0; i < v.size(); ++i) {
      if (known[v.items[i]]) {
        t.events.push_back({data.item_id(v.items[i]), static_cast<Timestamp>(v.ts[i]), v.type(i)});
      } else {
        ++c.test_dropped_events;
      }
    }
    if (t.events.size() < 2) {
      ++c.test_dropped_sessions;
      continue;
    }
    if (!test_ids.insert(t.id).second) {
      return absl::InvalidArgumentError(
          StrCat("split: session id ", t.id, " occurs twice among the test sessions"));
    }
    longest = std::max(longest, t.events.size());
    tests.push_back(std::move(t));
  }
  c.test_sessions = tests.size();

  if (params.all_prefixes) {
    const int64_t m = PrefixMultiplier(longest);
    out.prefix_id_multiplier = m;
    for (const Session& t : tests) {
      if (t.id > (INT64_MAX - m) / m || t.id < (INT64_MIN + m) / m) {
        return absl::InvalidArgumentError(
            StrCat("split: --all-prefixes query id ", t.id, " * ", m, " overflows 64 bits"));
      }
      for (size_t k = 1; k < t.events.size(); ++k) {
        AddQuery(t.id * m + static_cast<int64_t>(k), t.events, k, &out);
      }
    }
  } else {
    PythonRandom rng(params.seed);  // testset.py main(): random.seed(seed)
    for (const Session& t : tests) {
      // split_events: randint(1, len(ground_truth(events))) with len = n - 1.
      const auto kept =
          static_cast<size_t>(rng.RandInt(1, static_cast<int64_t>(t.events.size()) - 1));
      AddQuery(t.id, t.events, kept, &out);
    }
  }
  return out;
}

Status WriteSplit(const SplitResult& split, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return absl::PermissionDeniedError(StrCat(dir, ": cannot create: ", ec.message()));
  const OttoJsonlWriteOptions ms{.ts_in_milliseconds = true};
  SR_RETURN_IF_ERROR(WriteOttoJsonl(split.train, dir + "/train.jsonl", ms));
  SR_ASSIGN_OR_RETURN(OttoJsonlWriter w, OttoJsonlWriter::Open(dir + "/test_sessions.jsonl", ms));
  for (const Session& q : split.queries) SR_RETURN_IF_ERROR(w.Add(q));
  SR_RETURN_IF_ERROR(w.Finish());
  return WriteLabelsJsonl(split.labels, dir + "/test_labels.jsonl");
}

std::string SplitSummary(const SplitResult& split) {
  const SplitCounts& c = split.counts;
  std::string s;
  auto out = std::back_inserter(s);
  fmt::format_to(out, "input            {} sessions, {} events\n", c.input_sessions,
                 c.input_events);
  fmt::format_to(out, "max_ts           {}\nsplit_ts         {:.3f}\n", split.max_ts,
                 split.split_ts);
  fmt::format_to(out,
                 "train            {} sessions, {} events, {} items ({} sessions dropped: < 2 "
                 "events before split_ts)\n",
                 c.train_sessions, c.train_events, c.train_items, c.train_dropped_sessions);
  fmt::format_to(out,
                 "test             {} sessions after split_ts; {} events on unknown aids "
                 "dropped; {} sessions dropped (< 2 events); {} kept\n",
                 c.test_sessions_full, c.test_dropped_events, c.test_dropped_sessions,
                 c.test_sessions);
  fmt::format_to(out, "queries          {} ({} events)", c.queries, c.query_events);
  if (split.prefix_id_multiplier != 0) {
    fmt::format_to(out, ", all prefixes: query id = session * {} + prefix length",
                   split.prefix_id_multiplier);
  }
  fmt::format_to(out, "\nlabels           clicks {}, carts {}, orders {}\n", c.click_labels,
                 c.cart_labels, c.order_labels);
  return s;
}

}  // namespace sessionrec
