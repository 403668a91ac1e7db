#include "embed/train_embeddings.h"

#include <chrono>
#include <filesystem>

#include "core/clock.h"
#include "core/str_cat.h"
#include "embed/category_vectors.h"
#include "embed/fasttext_trainer.h"
#include "embed/sgns.h"

namespace sessionrec {
namespace {

std::string InDir(const std::string& dir, const char* file) {
  return (std::filesystem::path(dir) / file).string();
}

}  // namespace

StatusOr<EmbeddingTable> TrainItemVectors(const EventStore& train, const EmbedParams& params,
                                          const ItemCategories* categories,
                                          const std::string& work_dir) {
  StatusOr<EmbeddingTable> items = params.trainer == EmbedTrainer::kSgns
                                       ? TrainSgns(train, params)
                                       : TrainFastText(train, params, work_dir);
  SR_RETURN_IF_ERROR(items.status());
  auto unmixed = [&](std::string_view reason) {
    items->set_meta(AddMetaMember(items->meta(), "category_mix",
                                  StrCat("{\"mixed\":false,\"reason\":\"", reason, "\"}")));
    return std::move(items);
  };
  if (categories == nullptr) return unmixed("no categories given");
  if (!params.category.enabled) return unmixed("disabled");
  StatusOr<EmbeddingTable> cats = TrainCategoryVectors(train, *categories, params);
  // A log whose sessions never hold two categories has nothing to learn from them: the
  // item vectors stay as they are, and the meta says why.
  if (absl::IsNotFound(cats.status())) return unmixed(std::string(cats.status().message()));
  SR_RETURN_IF_ERROR(cats.status());
  return MixCategoryVectors(train, *items, *cats, *categories, params);
}

StatusOr<EmbedTrainStats> TrainEmbeddingArtifacts(const EventStore& train,
                                                  const EmbedParams& params,
                                                  const std::string& model_dir,
                                                  const ItemCategories* categories) {
  SR_RETURN_IF_ERROR(ValidateEmbedParams(params));
  if (!std::filesystem::is_directory(model_dir)) {
    return absl::NotFoundError(StrCat(model_dir, ": model directory does not exist"));
  }
  EmbedTrainStats st;
  auto t = std::chrono::steady_clock::now();
  StatusOr<EmbeddingTable> trained = TrainItemVectors(train, params, categories, model_dir);
  SR_RETURN_IF_ERROR(trained.status());
  const EmbeddingTable& table = *trained;
  st.train_seconds = SecondsSince(t);
  st.items = table.num_items();
  st.items_with_vector = table.num_with_vector();
  SR_RETURN_IF_ERROR(table.Save(InDir(model_dir, kEmbeddingsFile)));

  const int threads = EffectiveThreads(params.threads);
  t = std::chrono::steady_clock::now();
  auto index = ItemAnnIndex::Build(table, params.neighbors, threads, params.seed);
  st.index_seconds = SecondsSince(t);
  st.hnsw = !index->exact();
  const std::string index_path = InDir(model_dir, kItemIndexFile);
  if (st.hnsw) {
    SR_RETURN_IF_ERROR(index->Save(index_path));
  } else {
    std::filesystem::remove(index_path);  // a stale graph from an earlier model
  }
  t = std::chrono::steady_clock::now();
  const ItemNeighbors nb = ItemNeighbors::Build(table, *index, params.neighbors, threads);
  st.neighbor_seconds = SecondsSince(t);
  st.neighbor_entries = nb.num_entries();
  SR_RETURN_IF_ERROR(nb.Save(InDir(model_dir, kItemNeighborsFile)));

  t = std::chrono::steady_clock::now();
  SR_ASSIGN_OR_RETURN(SessionEmbeddingStore sessions,
                      SessionEmbeddingStore::Build(train, table, params));
  st.session_seconds = SecondsSince(t);
  st.sessions_stored = sessions.size();
  SR_RETURN_IF_ERROR(sessions.Save(InDir(model_dir, kSessionEmbeddingsFile)));
  return st;
}

StatusOr<std::unique_ptr<EmbeddingArtifacts>> LoadEmbeddingArtifacts(const std::string& model_dir,
                                                                     const NeighborParams& params) {
  auto a = std::make_unique<EmbeddingArtifacts>();
  SR_ASSIGN_OR_RETURN(a->table, EmbeddingTable::Open(InDir(model_dir, kEmbeddingsFile)));
  SR_ASSIGN_OR_RETURN(a->neighbors, ItemNeighbors::Open(InDir(model_dir, kItemNeighborsFile)));
  SR_ASSIGN_OR_RETURN(a->sessions,
                      SessionEmbeddingStore::Open(InDir(model_dir, kSessionEmbeddingsFile)));
  const std::string nb_path = InDir(model_dir, kItemNeighborsFile);
  if (a->neighbors.num_rows() != a->table.num_items()) {
    return absl::DataLossError(StrCat(nb_path, ": ", a->neighbors.num_rows(),
                                      " rows, but embeddings.bin has ", a->table.num_items(),
                                      " items"));
  }
  if (a->sessions.size() > 0 && a->sessions.dim() != a->table.dim()) {
    return absl::DataLossError(StrCat(InDir(model_dir, kSessionEmbeddingsFile), ": dim ",
                                      a->sessions.dim(), " differs from embeddings.bin's ",
                                      a->table.dim()));
  }
  const std::string index_path = InDir(model_dir, kItemIndexFile);
  if (std::filesystem::exists(index_path)) {
    SR_ASSIGN_OR_RETURN(a->index, ItemAnnIndex::Load(index_path, a->table, params));
  } else {
    a->index = ItemAnnIndex::Build(a->table, params, EffectiveThreads(0), 1);
  }
  return a;
}

}  // namespace sessionrec
