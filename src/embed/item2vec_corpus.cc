#include "embed/item2vec_corpus.h"

namespace sessionrec {

void FilterSession(const SessionView& s, const std::vector<uint8_t>& in_vocab,
                   std::vector<ItemIndex>& out) {
  out.clear();
  for (ItemIndex it : s.items) {
    if (!in_vocab[it]) continue;
    if (!out.empty() && out.back() == it) continue;
    out.push_back(it);
  }
}

Item2VecVocab BuildItem2VecVocab(const EventStore& store, int min_count) {
  Item2VecVocab v;
  v.counts.assign(store.num_items(), 0);
  v.in_vocab.assign(store.num_items(), 0);
  v.trained.assign(store.num_items(), 0);
  for (ItemIndex it : store.items()) ++v.counts[it];
  for (size_t i = 0; i < v.counts.size(); ++i) {
    v.in_vocab[i] = v.counts[i] >= static_cast<uint64_t>(min_count) ? 1 : 0;
  }
  std::vector<ItemIndex> seq;
  for (size_t s = 0; s < store.num_sessions(); ++s) {
    FilterSession(store.session(s), v.in_vocab, seq);
    if (seq.size() < 2) continue;
    v.num_tokens += seq.size();
    for (ItemIndex it : seq) v.trained[it] = 1;
  }
  for (uint8_t t : v.trained) v.num_trained += t;
  return v;
}

}  // namespace sessionrec
