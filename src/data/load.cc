#include "data/load.h"

#include "core/str_cat.h"
#include "data/otto_jsonl.h"
#include "io/artifact.h"

namespace sessionrec {

StatusOr<EventStore> LoadEventStore(const std::string& path) {
  // The artifact magic decides; anything else is read as OTTO JSONL, whose own errors then
  // name the file and line.
  StatusOr<std::string> kind = SniffArtifactKind(path);
  if (kind.ok()) {
    if (*kind != kEventStoreKind) {
      return absl::InvalidArgumentError(
          StrCat(path, ": a ", *kind, " artifact, not an event store (", kEventStoreKind, ")"));
    }
    return EventStore::Open(path);
  }
  if (absl::IsNotFound(kind.status())) return kind.status();
  OttoJsonlReadOptions options;
  options.strict = true;
  return ReadOttoJsonlStore(path, options);
}

}  // namespace sessionrec
