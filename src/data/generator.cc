#include "data/generator.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <utility>

#include "core/str_cat.h"

namespace sessionrec {
namespace {

// OTTO: 1,855,603 items for 12,899,779 sessions.
constexpr double kOttoItemsPerSession = 1855603.0 / 12899779.0;
constexpr uint64_t kMinItems = 200;

uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// SplitMix64: tiny, fast, and good enough for synthetic data; one stream per session so
// that the output does not depend on how sessions are spread over threads.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    s_ += 0x9e3779b97f4a7c15ULL;
    return Mix64(s_);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1p-53; }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }
  // Standard normal (Box-Muller; one value per call keeps the stream simple).
  double Normal() {
    const double u1 = 1.0 - Uniform();  // (0, 1]
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  uint64_t s_;
};

// Inverse-CDF sampler for a continuous power law x^-s on [1, n+1), floored to a rank in
// [0, n): O(1) per draw, which matters at 217M events. `norm` = (n+1)^(1-s) - 1.
double ZipfNorm(uint64_t n, double s) {
  const double np1 = static_cast<double>(n) + 1.0;
  if (std::abs(1.0 - s) < 1e-9) return std::log(np1);
  return std::pow(np1, 1.0 - s) - 1.0;
}
uint64_t ZipfRank(uint64_t n, double s, double norm, double u) {
  double x;
  if (std::abs(1.0 - s) < 1e-9) {
    x = std::exp(u * norm);
  } else {
    x = std::pow(1.0 + u * norm, 1.0 / (1.0 - s));
  }
  const uint64_t r = static_cast<uint64_t>(x) - 1;
  return std::min(r, n - 1);
}

// Inverse of a modulo n (gcd(a, n) = 1), by the extended Euclidean algorithm.
uint64_t ModInverse(uint64_t a, uint64_t n) {
  int64_t t = 0, new_t = 1;
  int64_t r = static_cast<int64_t>(n), new_r = static_cast<int64_t>(a % n);
  while (new_r != 0) {
    const int64_t q = r / new_r;
    t = std::exchange(new_t, t - q * new_t);
    r = std::exchange(new_r, r - q * new_r);
  }
  if (t < 0) t += static_cast<int64_t>(n);
  return static_cast<uint64_t>(t);
}

Status Validate(const GeneratorParams& p) {
  auto bad = [](std::string_view what) {
    return absl::InvalidArgumentError(StrCat("generate: ", what));
  };
  if (p.num_sessions == 0) return bad("--sessions must be at least 1");
  if (p.num_sessions > (uint64_t{1} << 40)) return bad("--sessions is absurdly large");
  if (p.num_items != 0 && p.num_items < static_cast<uint64_t>(p.max_group_size)) {
    return bad(StrCat("the catalogue needs at least ", p.max_group_size, " items"));
  }
  if (GeneratorNumItems(p) >= (uint64_t{1} << 31)) return bad("catalogue above 2^31 items");
  if (p.min_group_size < 1 || p.max_group_size < p.min_group_size) return bad("group sizes");
  if (p.max_session_length < 2) return bad("max_session_length must be at least 2");
  if (p.days < 1 || p.start_ts < 0 || p.start_ts + int64_t{p.days} * 86400 > UINT32_MAX) {
    return bad("time window outside 1970..2106");
  }
  if (p.batch_sessions == 0) return bad("batch_sessions must be at least 1");
  return absl::OkStatus();
}

}  // namespace

uint64_t GeneratorNumItems(const GeneratorParams& params) {
  if (params.num_items != 0) return params.num_items;
  const auto scaled = static_cast<uint64_t>(
      std::llround(static_cast<double>(params.num_sessions) * kOttoItemsPerSession));
  return std::max(scaled, kMinItems);
}

SessionGenerator::SessionGenerator(const GeneratorParams& params)
    : p_(params), num_items_(GeneratorNumItems(params)) {
  SR_CHECK(num_items_ >= 1 && num_items_ < (uint64_t{1} << 31));
  // Groups: consecutive internal items, sizes from a stream of their own.
  Rng r(Mix64(p_.seed ^ 0x67726f757073ULL));
  const auto span = static_cast<uint64_t>(p_.max_group_size - p_.min_group_size + 1);
  group_start_.push_back(0);
  uint64_t at = 0;
  while (at < num_items_) {
    at = std::min(num_items_, at + p_.min_group_size + r.Below(span));
    group_start_.push_back(static_cast<uint32_t>(at));
  }
  // A short remainder joins the previous group.
  if (group_start_.size() > 2 && group_start_.back() - group_start_[group_start_.size() - 2] <
                                     static_cast<uint32_t>(p_.min_group_size)) {
    group_start_.erase(group_start_.end() - 2);
  }
  group_zipf_norm_ = ZipfNorm(num_groups(), p_.group_zipf);
  uint32_t max_size = 0;
  for (size_t g = 0; g < num_groups(); ++g) {
    max_size = std::max(max_size, group_start_[g + 1] - group_start_[g]);
  }
  item_zipf_norm_.resize(max_size + 1);
  for (uint32_t n = 1; n <= max_size; ++n) item_zipf_norm_[n] = ZipfNorm(n, p_.item_zipf);
  // Scramble internal indices into aids so that neither popularity nor groups show in
  // the ids: a must be coprime with n.
  perm_a_ = static_cast<uint64_t>(static_cast<double>(num_items_) * 0.6180339887) | 1;
  while (std::gcd(perm_a_, num_items_) != 1) perm_a_ += 2;
  perm_a_ %= num_items_;
  if (perm_a_ == 0) perm_a_ = 1;
  perm_a_inv_ = ModInverse(perm_a_, num_items_);
  perm_b_ = r.Below(num_items_);
}

ItemId SessionGenerator::AidOf(uint32_t item) const {
  return 1 + (perm_a_ * item + perm_b_) % num_items_;
}

uint32_t SessionGenerator::GroupOfAid(ItemId aid) const {
  SR_CHECK(aid >= 1 && aid <= num_items_);
  const uint64_t item = perm_a_inv_ * ((aid - 1 + num_items_ - perm_b_) % num_items_) % num_items_;
  const auto it = std::upper_bound(group_start_.begin(), group_start_.end(), item);
  return static_cast<uint32_t>(it - group_start_.begin() - 1);
}

uint32_t SessionGenerator::SampleGroup(double u) const {
  return static_cast<uint32_t>(ZipfRank(num_groups(), p_.group_zipf, group_zipf_norm_, u));
}

uint32_t SessionGenerator::SampleInGroup(uint32_t group, double u) const {
  const uint32_t n = group_start_[group + 1] - group_start_[group];
  return group_start_[group] +
         static_cast<uint32_t>(ZipfRank(n, p_.item_zipf, item_zipf_norm_[n], u));
}

void SessionGenerator::Generate(uint64_t index, Session* out) const {
  Rng r(Mix64(p_.seed * 0x9e3779b97f4a7c15ULL + Mix64(index + 1)));
  out->id = static_cast<SessionId>(index);
  std::vector<Event>& ev = out->events;
  ev.clear();

  const double raw_len = p_.length_median * std::exp(p_.length_sigma * r.Normal());
  const auto len = static_cast<size_t>(std::clamp(std::llround(std::min(raw_len, 1e9)), 2LL,
                                                  static_cast<long long>(p_.max_session_length)));

  // Reused storage would otherwise ratchet up to the longest session each batch slot ever
  // held (heavy tail: hundreds of MB at OTTO size); keep it near this session's length.
  if (ev.capacity() > 4 * len + 64) std::vector<Event>().swap(ev);
  ev.reserve(len);

  const uint32_t groups = static_cast<uint32_t>(num_groups());
  const uint32_t g1 = SampleGroup(r.Uniform());
  uint32_t g2 = g1;
  if (groups > 1 && r.Uniform() < p_.second_group_prob) {
    if (r.Uniform() < p_.neighbour_group_prob) {
      const uint32_t off = 1 + static_cast<uint32_t>(r.Below(std::min<uint32_t>(3, groups - 1)));
      g2 = (g1 + off) % groups;
    } else {
      g2 = SampleGroup(r.Uniform());
    }
  }
  uint32_t current = g1;

  // An earlier click of this session, the latest one half of the time; the first event
  // is always a click, so walking back always finds one.
  auto pick_clicked = [&]() -> ItemId {
    size_t j = r.Uniform() < 0.5 ? ev.size() - 1 : r.Below(ev.size());
    while (ev[j].type != EventType::kClick) --j;
    return ev[j].aid;
  };

  thread_local std::vector<ItemId> carted;
  carted.clear();
  const double log_return_lo = std::log(3600.0), log_return_hi = std::log(5.0 * 86400.0);
  auto gap = [&]() -> Timestamp {
    if (r.Uniform() < p_.return_prob) {
      return std::llround(std::exp(log_return_lo + r.Uniform() * (log_return_hi - log_return_lo)));
    }
    const double g = p_.gap_median_s * std::exp(p_.gap_sigma * r.Normal());
    return std::max<Timestamp>(1, std::llround(std::min(g, 1e7)));
  };

  Timestamp t = 0;
  while (ev.size() < len) {
    if (!ev.empty()) t += gap();
    const double u = r.Uniform();
    if (!ev.empty() && u < p_.cart_prob) {
      const ItemId aid = pick_clicked();
      ev.push_back({aid, t, EventType::kCart});
      if (std::find(carted.begin(), carted.end(), aid) == carted.end()) carted.push_back(aid);
    } else if (!carted.empty() && u < p_.cart_prob + p_.order_prob) {
      // Checkout: the carted items ordered now share one timestamp; the rest are dropped.
      bool any = false;
      for (size_t k = 0; k < carted.size() && ev.size() < len; ++k) {
        if (r.Uniform() < p_.order_item_prob || (!any && k + 1 == carted.size())) {
          ev.push_back({carted[k], t, EventType::kOrder});
          any = true;
        }
      }
      carted.clear();
    } else {
      const double v = r.Uniform();
      ItemId aid;
      if (!ev.empty() && v < p_.repeat_prob) {
        aid = pick_clicked();
      } else if (v < p_.repeat_prob + p_.jump_prob) {
        const uint32_t g = SampleGroup(r.Uniform());
        aid = AidOf(SampleInGroup(g, r.Uniform()));
      } else {
        if (g2 != g1 && r.Uniform() < p_.switch_group_prob) current = current == g1 ? g2 : g1;
        aid = AidOf(SampleInGroup(current, r.Uniform()));
      }
      ev.push_back({aid, t, EventType::kClick});
    }
  }

  // Place the session in the window; squeeze the rare session longer than the window.
  const Timestamp window = Timestamp{p_.days} * 86400;
  Timestamp duration = ev.back().ts;
  if (duration > window - 1) {
    const double f = static_cast<double>(window - 1) / static_cast<double>(duration);
    for (Event& e : ev) e.ts = static_cast<Timestamp>(static_cast<double>(e.ts) * f);
    duration = ev.back().ts;
  }
  const Timestamp start =
      p_.start_ts + static_cast<Timestamp>(r.Below(static_cast<uint64_t>(window - duration)));
  for (Event& e : ev) e.ts += start;
}

double GeneratorStats::MeanLength() const {
  return sessions == 0 ? 0.0 : static_cast<double>(events) / static_cast<double>(sessions);
}

uint64_t GeneratorStats::MedianLength() const {
  if (sessions == 0) return 0;
  const uint64_t half = (sessions + 1) / 2;
  uint64_t seen = 0;
  for (size_t n = 0; n < length_histogram.size(); ++n) {
    seen += length_histogram[n];
    if (seen >= half) return n;
  }
  return length_histogram.size() - 1;
}

double GeneratorStats::TypeShare(EventType t) const {
  return events == 0
             ? 0.0
             : static_cast<double>(type_counts[static_cast<int>(t)]) / static_cast<double>(events);
}

std::string GeneratorStats::ToString() const {
  std::string s = StrCat("sessions            ", sessions, "\n", "events              ", events,
                         "\n", "items used          ", items_used, " of ", catalogue_items, "\n");
  s += fmt::format("events per session  mean {:.2f}, median {}\n", MeanLength(), MedianLength());
  for (EventType t : kAllEventTypes) {
    s += fmt::format("{:<20}{} ({:.2f}%)\n", EventTypeName(t), type_counts[static_cast<int>(t)],
                     100.0 * TypeShare(t));
  }
  return s;
}

Status GenerateSessions(const GeneratorParams& params, const SessionBatchSink& sink,
                        GeneratorStats* stats) {
  SR_RETURN_IF_ERROR(Validate(params));
  const SessionGenerator gen(params);
  const int threads = params.threads > 0 ? params.threads : omp_get_max_threads();

  GeneratorStats st;
  st.catalogue_items = gen.num_items();
  st.length_histogram.assign(params.max_session_length + 1, 0);
  std::vector<uint8_t> used(gen.num_items() + 1, 0);  // by aid

  std::vector<Session> batch;
  for (uint64_t begin = 0; begin < params.num_sessions; begin += params.batch_sessions) {
    const uint64_t n = std::min(params.batch_sessions, params.num_sessions - begin);
    batch.resize(n);
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads)
    for (uint64_t i = 0; i < n; ++i) gen.Generate(begin + i, &batch[i]);
    for (const Session& s : batch) {
      ++st.sessions;
      st.events += s.events.size();
      ++st.length_histogram[s.events.size()];
      for (const Event& e : s.events) {
        ++st.type_counts[static_cast<int>(e.type)];
        used[e.aid] = 1;
      }
    }
    SR_RETURN_IF_ERROR(sink(batch));
  }
  st.items_used = static_cast<uint64_t>(std::count(used.begin(), used.end(), uint8_t{1}));
  if (stats != nullptr) *stats = std::move(st);
  return absl::OkStatus();
}

}  // namespace sessionrec
