#include "data/event_store.h"

#include <algorithm>

#include "core/str_cat.h"

namespace sessionrec {

Session EventStore::ToSession(size_t s) const {
  SessionView v = session(s);
  Session out;
  out.id = v.id;
  out.events.reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    out.events.push_back({item_ids_[v.items[i]], static_cast<Timestamp>(v.ts[i]), v.type(i)});
  }
  return out;
}

void EventStore::PointAtOwned() {
  session_ids_ = owned_->session_ids;
  offsets_ = owned_->offsets;
  items_ = owned_->items;
  ts_ = owned_->ts;
  types_ = owned_->types;
  item_ids_ = owned_->item_ids;
}

Status EventStore::Save(const std::string& path, const std::string& meta) const {
  ArtifactWriter w(kEventStoreKind, kEventStoreVersion);
  w.Add("session_ids", session_ids_);
  w.Add("offsets", offsets_);
  w.Add("items", items_);
  w.Add("ts", ts_);
  w.Add("types", types_);
  w.Add("item_ids", item_ids_);
  w.AddText("meta", meta);
  return w.Write(path);
}

StatusOr<EventStore> EventStore::Open(const std::string& path) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kEventStoreKind, kEventStoreVersion));
  EventStore st;
  st.mapped_ = std::make_shared<Artifact>(std::move(a));
  const Artifact& m = *st.mapped_;
  SR_ASSIGN_OR_RETURN(st.session_ids_, m.Get<SessionId>("session_ids"));
  SR_ASSIGN_OR_RETURN(st.offsets_, m.Get<uint64_t>("offsets"));
  SR_ASSIGN_OR_RETURN(st.items_, m.Get<ItemIndex>("items"));
  SR_ASSIGN_OR_RETURN(st.ts_, m.Get<uint32_t>("ts"));
  SR_ASSIGN_OR_RETURN(st.types_, m.Get<uint8_t>("types"));
  SR_ASSIGN_OR_RETURN(st.item_ids_, m.Get<ItemId>("item_ids"));
  // Structural validation: every later stage indexes with these values unchecked.
  const size_t n = st.items_.size();
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(StrCat(path, ": inconsistent event store: ", what));
  };
  if (st.offsets_.size() != st.session_ids_.size() + 1) return bad("offsets size");
  if (st.ts_.size() != n || st.types_.size() != n) return bad("column lengths differ");
  if (st.offsets_.front() != 0 || st.offsets_.back() != n) return bad("offsets range");
  for (size_t s = 0; s + 1 < st.offsets_.size(); ++s) {
    if (st.offsets_[s] > st.offsets_[s + 1]) return bad("offsets not monotone");
  }
  const size_t num_items = st.item_ids_.size();
  for (size_t i = 0; i < n; ++i) {
    if (st.items_[i] >= num_items) return bad("item index out of range");
    if (st.types_[i] >= kNumEventTypes) return bad("unknown event type");
  }
  return st;
}

EventStoreBuilder::EventStoreBuilder() : owned_(std::make_shared<EventStore::Owned>()) {}

namespace {
// Pending aids are indexed once this many have gathered: enough to run well ahead of the
// lookups, small enough to stay in L1.
constexpr size_t kResolveBatch = 1024;
// How many lookups ahead the prefetch runs (each is a likely cache miss).
constexpr size_t kPrefetchAhead = 16;
}  // namespace

Status EventStoreBuilder::AddSession(SessionId id, std::span<const Event> events) {
  for (const Event& e : events) {
    if (e.ts < 0 || e.ts > static_cast<Timestamp>(UINT32_MAX)) {
      return absl::InvalidArgumentError(
          StrCat("session ", id, ": timestamp ", e.ts, " is outside 1970..2106"));
    }
  }
  EventStore::Owned& o = *owned_;
  o.session_ids.push_back(id);
  // Sized once per session, then written through plain pointers: no capacity check per
  // event and per column. Item indices are filled in by ResolvePending.
  const size_t base = o.items.size();
  const size_t n = events.size();
  o.items.resize(base + n);
  o.ts.resize(base + n);
  o.types.resize(base + n);
  uint32_t* ts = o.ts.data() + base;
  uint8_t* types = o.types.data() + base;
  for (size_t i = 0; i < n; ++i) {
    pending_aids_.push_back(events[i].aid);
    ts[i] = static_cast<uint32_t>(events[i].ts);
    types[i] = static_cast<uint8_t>(events[i].type);
  }
  o.offsets.push_back(o.items.size());
  if (pending_aids_.size() >= kResolveBatch) ResolvePending();
  return absl::OkStatus();
}

void EventStoreBuilder::ResolvePending() {
  const size_t n = pending_aids_.size();
  ItemIndex* items = owned_->items.data() + (owned_->items.size() - n);
  const ItemId* aids = pending_aids_.data();
  for (size_t i = 0; i < std::min(n, kPrefetchAhead); ++i) index_.Prefetch(aids[i]);
  // In order: indices are assigned by first appearance.
  for (size_t i = 0; i < n; ++i) {
    if (i + kPrefetchAhead < n) index_.Prefetch(aids[i + kPrefetchAhead]);
    items[i] = index_.IndexOf(aids[i]);
  }
  pending_aids_.clear();
}

void EventStoreBuilder::Append(EventStoreBuilder&& other) {
  ResolvePending();
  other.ResolvePending();
  if (num_sessions() == 0 && index_.size() == 0) {  // nothing to merge with: take it whole
    std::swap(owned_, other.owned_);
    std::swap(index_, other.index_);
    return;
  }
  EventStore::Owned& o = *owned_;
  EventStore::Owned& x = *other.owned_;
  // other's items in its order of first appearance: indexing them in that order here
  // gives the same indices as adding other's sessions one by one would.
  const std::vector<ItemId>& ids = other.index_.ids();
  std::vector<ItemIndex> remap(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) remap[i] = index_.IndexOf(ids[i]);
  const uint64_t base = o.items.size();
  o.session_ids.insert(o.session_ids.end(), x.session_ids.begin(), x.session_ids.end());
  for (size_t s = 1; s < x.offsets.size(); ++s) o.offsets.push_back(base + x.offsets[s]);
  o.items.resize(base + x.items.size());
  for (size_t i = 0; i < x.items.size(); ++i) o.items[base + i] = remap[x.items[i]];
  o.ts.insert(o.ts.end(), x.ts.begin(), x.ts.end());
  o.types.insert(o.types.end(), x.types.begin(), x.types.end());
  other.owned_ = std::make_shared<EventStore::Owned>();
  other.index_ = ItemIndexer();
}

void EventStoreBuilder::Reserve(size_t sessions, size_t events) {
  EventStore::Owned& o = *owned_;
  o.session_ids.reserve(sessions);
  o.offsets.reserve(sessions + 1);
  o.items.reserve(events);
  o.ts.reserve(events);
  o.types.reserve(events);
}

EventStore EventStoreBuilder::Finish() {
  ResolvePending();
  owned_->item_ids = index_.TakeIds();
  EventStore st;
  st.owned_ = std::move(owned_);
  st.PointAtOwned();
  owned_ = std::make_shared<EventStore::Owned>();
  return st;
}

}  // namespace sessionrec
