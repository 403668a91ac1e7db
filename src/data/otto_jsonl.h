// OTTO JSONL: one session per line,
//   {"session":0,"events":[{"aid":1517085,"ts":1659304800025,"type":"clicks"},...]}
//
// Reading: simdjson ondemand over a memory-mapped file, one line at a time, so memory stays
// bounded by the longest session (the full OTTO train file has 217M events). `ts` may be in
// seconds or milliseconds (NormalizeTimestamp); events of a session are sorted stably by
// time. Session ids are any int64; aids are uint64 (a negative or non-integer aid is an
// error). Unknown fields are ignored. Empty lines (also "\r" only) are skipped silently.
//
// A malformed line is one that is cut off, not JSON, lacks `session` or `events`, has an
// empty events list, an event without `aid`/`ts`/`type`, an unknown type, or a timestamp
// outside [0, 2^32) seconds. In strict mode the first one is an error "file:line: reason";
// otherwise it is counted in the ImportReport and skipped.
//
// Writing: `ts` in seconds (or ms on request), to `path.tmp` then renamed over `path`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/types.h"
#include "data/event_store.h"
#include "data/import_report.h"

namespace sessionrec {

struct OttoJsonlReadOptions {
  bool strict = true;        // true: the first malformed line is an error; false: skip it
  size_t max_examples = 20;  // skipped lines kept with their reason in the report
  // Threads of ReadOttoJsonlInto / ReadOttoJsonlStore, each parsing one part of the file
  // (0 = all cores). The result does not depend on it.
  int threads = 0;
  // Smallest part worth a thread of its own (tests lower it to split tiny files).
  size_t min_part_bytes = size_t{4} << 20;
};

// Receives one session at a time; the Session is scratch space reused for the next line
// (move from it if you keep it). A non-OK return stops reading and is returned.
using SessionVisitor = std::function<Status(Session& session)>;

// Streams the sessions of `path` to `visit`, in file order. `report` may be null.
Status ReadOttoJsonl(const std::string& path, const OttoJsonlReadOptions& options,
                     const SessionVisitor& visit, ImportReport* report = nullptr);

// Same over text in memory; `name` is used in messages in place of the file name.
Status ReadOttoJsonlText(std::string_view text, std::string_view name,
                         const OttoJsonlReadOptions& options, const SessionVisitor& visit,
                         ImportReport* report = nullptr);

// Adds the sessions of `path` to `builder`, in file order: the same sessions, item indices,
// report and first error as ReadOttoJsonl with builder.AddSession, but with
// options.threads threads each parsing a part of the file (split at line ends).
Status ReadOttoJsonlInto(const std::string& path, const OttoJsonlReadOptions& options,
                         EventStoreBuilder& builder, ImportReport* report = nullptr);

// Reads `path` into an in-memory EventStore (ReadOttoJsonlInto). An empty file gives an empty store
// (report->sessions == 0): callers decide whether that is an error.
StatusOr<EventStore> ReadOttoJsonlStore(const std::string& path,
                                        const OttoJsonlReadOptions& options,
                                        ImportReport* report = nullptr);

struct OttoJsonlWriteOptions {
  bool ts_in_milliseconds = false;  // write `ts` * 1000 (the official OTTO files use ms)
};

// Appends one session as a JSONL line (with '\n') to `out`.
void AppendOttoJsonlLine(const Session& session, const OttoJsonlWriteOptions& options,
                         std::string* out);

// Writes sessions one at a time to `path.tmp`; Finish() renames it over `path`. Without
// Finish() (error or destruction) the temporary file is removed. Not thread-safe.
class OttoJsonlWriter {
 public:
  static StatusOr<OttoJsonlWriter> Open(const std::string& path,
                                        const OttoJsonlWriteOptions& options = {});
  OttoJsonlWriter(OttoJsonlWriter&& other) noexcept;
  OttoJsonlWriter& operator=(OttoJsonlWriter&& other) = delete;
  OttoJsonlWriter(const OttoJsonlWriter&) = delete;
  OttoJsonlWriter& operator=(const OttoJsonlWriter&) = delete;
  ~OttoJsonlWriter();

  Status Add(const Session& session);
  // Adds session `s` of `store` without building a Session.
  Status Add(const EventStore& store, size_t s);
  // Flushes, closes and renames; the writer is unusable afterwards.
  Status Finish();
  uint64_t sessions_written() const { return sessions_; }

 private:
  OttoJsonlWriter() = default;
  Status FlushIfFull();
  Status Flush();

  std::string path_;
  std::string tmp_path_;
  OttoJsonlWriteOptions options_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  uint64_t sessions_ = 0;
};

// Writes every session of `store` to `path` (atomically).
Status WriteOttoJsonl(const EventStore& store, const std::string& path,
                      const OttoJsonlWriteOptions& options = {});

}  // namespace sessionrec
