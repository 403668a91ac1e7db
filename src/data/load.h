// Loading sessions from any supported file into an EventStore.
#pragma once

#include <string>

#include "core/status.h"
#include "data/event_store.h"

namespace sessionrec {

// Loads `path`: an event store artifact (EVENTS) or OTTO JSONL (`ts` in s or ms; see
// data/otto_jsonl.h). Malformed JSONL lines are an error naming the file and line.
StatusOr<EventStore> LoadEventStore(const std::string& path);

}  // namespace sessionrec
