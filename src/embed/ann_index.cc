#include "embed/ann_index.h"

// hnswlib 0.6.2's SSE path prefetches one link past the end of a link list (searchBaseLayer
// reads datal[j + 1] for the last j): a 4-byte over-read that stays inside malloc's
// rounding, but AddressSanitizer aborts on it. Sanitizer builds use hnswlib's plain path.
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#endif
#include <hnswlib/hnswlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <queue>

#include "core/str_cat.h"
#include "io/artifact.h"

namespace sessionrec {
namespace {

// Items inserted on one thread before the parallel insertion starts.
constexpr size_t kSerialHead = 1000;

// Asks for 2 MB pages on the 2 MB-aligned interior of [p, p + bytes), which must not have
// been touched yet. Advice only: where THP is off nothing changes.
void AdviseHugePages(void* p, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

bool Better(const ScoredItem& a, const ScoredItem& b) {
  return a.sim > b.sim || (a.sim == b.sim && a.item < b.item);
}

// A unique scratch path next to `near` (hnswlib reads and writes files only).
std::string ScratchPath(const std::string& near) {
  static std::atomic<uint64_t> counter{0};
  return StrCat(near, ".hnsw.", ::getpid(), ".", counter++, ".tmp");
}

}  // namespace

struct ItemAnnIndex::Impl {
  const EmbeddingTable* table = nullptr;
  NeighborParams params;
  std::unique_ptr<hnswlib::InnerProductSpace> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;  // null: exact search
};

ItemAnnIndex::ItemAnnIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ItemAnnIndex::~ItemAnnIndex() = default;

bool ItemAnnIndex::exact() const { return impl_->hnsw == nullptr; }

std::unique_ptr<ItemAnnIndex> ItemAnnIndex::Build(const EmbeddingTable& table,
                                                  const NeighborParams& params, int threads,
                                                  uint64_t seed, bool force_exact) {
  auto impl = std::make_unique<Impl>();
  impl->table = &table;
  impl->params = params;
  if (!force_exact && table.num_with_vector() >= params.exact_below) {
    impl->space = std::make_unique<hnswlib::InnerProductSpace>(table.dim());
    impl->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        impl->space.get(), table.num_with_vector(), params.hnsw_m, params.ef_construction, seed);
    // The level-0 array (vector and links, ~650 B per item at dim 128) is read at random
    // by every insertion and search; with 4 KB pages each such read also misses the TLB.
    // hnswlib mallocs it untouched and zeroes a node's slot only when inserting it.
    AdviseHugePages(impl->hnsw->data_level0_memory_,
                    impl->hnsw->max_elements_ * impl->hnsw->size_data_per_element_);
    std::vector<ItemIndex> items;
    for (ItemIndex i = 0; i < table.num_items(); ++i) {
      if (table.HasVector(i)) items.push_back(i);
    }
    // One thread inserts in index order, so the graph is a pure function of (table,
    // params, seed). With more threads, hnswlib's own concurrent insertion (per-node link
    // locks, as its Python add_items uses) after a serial head, so the upper levels exist
    // first; the graph then depends on the thread timing. (The ASan over-read session 3
    // blamed on concurrent insertion is the SSE prefetch above: it is there on one thread.)
    auto* h = impl->hnsw.get();
    const size_t head = threads > 1 ? std::min(items.size(), kSerialHead) : items.size();
    for (size_t j = 0; j < head; ++j) h->addPoint(table.Row(items[j]).data(), items[j]);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 256)
    for (size_t j = head; j < items.size(); ++j) {
      h->addPoint(table.Row(items[j]).data(), items[j]);
    }
    h->setEf(std::max(params.ef_search, params.k + 1));
  }
  return std::unique_ptr<ItemAnnIndex>(new ItemAnnIndex(std::move(impl)));
}

void ItemAnnIndex::Search(std::span<const float> query, size_t k,
                          std::vector<ScoredItem>& out) const {
  const EmbeddingTable& t = *impl_->table;
  SR_CHECK(query.size() == static_cast<size_t>(t.dim()));
  out.clear();
  if (k == 0) return;
  if (impl_->hnsw != nullptr) {
    // hnswlib's ef is a member, so the beam is fixed at build/load time (ef_search).
    auto heap = impl_->hnsw->searchKnn(query.data(), k);
    out.resize(heap.size());
    for (size_t j = heap.size(); j-- > 0; heap.pop()) {
      out[j] = {static_cast<ItemIndex>(heap.top().second), 1.0f - heap.top().first};
    }
    return;
  }
  // Exact: a min-heap of the best k by (sim desc, index asc).
  auto worse_on_top = [](const ScoredItem& a, const ScoredItem& b) { return Better(a, b); };
  for (ItemIndex i = 0; i < t.num_items(); ++i) {
    if (!t.HasVector(i)) continue;
    const ScoredItem c{i, Dot(query, t.Row(i))};
    if (out.size() < k) {
      out.push_back(c);
      std::push_heap(out.begin(), out.end(), worse_on_top);
    } else if (Better(c, out.front())) {
      std::pop_heap(out.begin(), out.end(), worse_on_top);
      out.back() = c;
      std::push_heap(out.begin(), out.end(), worse_on_top);
    }
  }
  std::sort(out.begin(), out.end(), Better);
}

Status ItemAnnIndex::Save(const std::string& path) const {
  if (impl_->hnsw == nullptr) {
    return absl::FailedPreconditionError("an exact item index has nothing to save");
  }
  const std::string scratch = ScratchPath(path);
  impl_->hnsw->saveIndex(scratch);
  std::ifstream in(scratch, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(scratch);
  if (bytes.empty()) return absl::UnavailableError(StrCat(path, ": could not write the index"));
  const EmbeddingTable& t = *impl_->table;
  const std::vector<uint64_t> shape = {static_cast<uint64_t>(t.dim()), t.num_items(),
                                       t.num_with_vector()};
  ArtifactWriter w(kAnnIndexKind, kAnnIndexVersion);
  w.Add("shape", shape);
  w.Add("hnsw", bytes);
  w.AddText("meta", StrCat("{\"hnsw_m\":", impl_->params.hnsw_m,
                           ",\"ef_construction\":", impl_->params.ef_construction, "}"));
  return w.Write(path);
}

StatusOr<std::unique_ptr<ItemAnnIndex>> ItemAnnIndex::Load(const std::string& path,
                                                           const EmbeddingTable& table,
                                                           const NeighborParams& params) {
  SR_ASSIGN_OR_RETURN(Artifact a, Artifact::Open(path, kAnnIndexKind, kAnnIndexVersion));
  auto bad = [&](std::string_view what) {
    return absl::DataLossError(StrCat(path, ": invalid item index: ", what));
  };
  SR_ASSIGN_OR_RETURN(auto shape, a.Get<uint64_t>("shape"));
  if (shape.size() != 3) return bad("section shape must hold {dim, items, vectors}");
  if (shape[0] != static_cast<uint64_t>(table.dim()) || shape[1] != table.num_items() ||
      shape[2] != table.num_with_vector()) {
    return bad(StrCat("built for dim ", shape[0], ", ", shape[1], " items, ", shape[2],
                      " vectors; the embedding table has dim ", table.dim(), ", ",
                      table.num_items(), " items, ", table.num_with_vector(), " vectors"));
  }
  SR_ASSIGN_OR_RETURN(auto bytes, a.Get<char>("hnsw"));
  auto impl = std::make_unique<Impl>();
  impl->table = &table;
  impl->params = params;
  impl->space = std::make_unique<hnswlib::InnerProductSpace>(table.dim());
  // The CRC has vouched for the bytes; hnswlib only loads from a file, so hand it a copy.
  const std::string scratch = ScratchPath(path);
  {
    std::ofstream out(scratch, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) {
      std::filesystem::remove(scratch);
      return absl::UnavailableError(StrCat(scratch, ": cannot write scratch copy"));
    }
  }
  try {
    impl->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(impl->space.get(), scratch);
  } catch (const std::exception& e) {
    std::filesystem::remove(scratch);
    return bad(e.what());
  }
  std::filesystem::remove(scratch);
  auto* h = impl->hnsw.get();
  const size_t want_data =
      h->size_links_level0_ + impl->space->get_data_size() + sizeof(hnswlib::labeltype);
  if (h->cur_element_count != table.num_with_vector() || h->size_data_per_element_ != want_data) {
    return bad("graph does not match the embedding table");
  }
  for (size_t i = 0; i < h->cur_element_count; ++i) {
    if (!table.HasVector(static_cast<ItemIndex>(h->getExternalLabel(i)))) {
      return bad(StrCat("graph node ", i, " labels an item without a vector"));
    }
  }
  h->setEf(std::max(params.ef_search, params.k + 1));
  return std::unique_ptr<ItemAnnIndex>(new ItemAnnIndex(std::move(impl)));
}

}  // namespace sessionrec
