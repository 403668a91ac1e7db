// Import of delimited event logs (CSV, TSV, ';'-separated) into an EventStore.
//
// Each input line is one event. Columns are chosen by header name ("user_session"; several
// alternatives as "session_id|sessionId", the first present wins, so one spec fits files
// with different headers) or by 0-based index ("3"). Fields may be quoted ("a, b" with ""
// for a quote); a quoted field cannot span lines. CRLF line ends, a UTF-8 BOM and empty
// lines are accepted.
//
// Sessions: with a session column, events are grouped by its value; integer keys become
// the session ids, any non-integer key (e.g. REES46 UUIDs) makes all ids dense int64s in
// order of first appearance. Without one, a user's events are cut into sessions wherever
// the time gap exceeds `session_gap_seconds`; session ids are then dense. Within a session
// events are sorted stably by time (ties keep file order, files in the order given).
//
// A malformed row (wrong number of fields, e.g. a cut-off last line; an unparsable item or
// time; an absurd time) is counted in the report with file and line and skipped, or is an
// error "file:line: reason" when `strict`. Rows whose type is not in the mapping are
// dropped and counted by value (not malformed). Memory: ~32 bytes per row while importing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/types.h"
#include "data/event_store.h"
#include "data/import_report.h"
#include "data/import_time.h"
#include "data/item_categories.h"

namespace sessionrec {

// One input file.
struct DelimitedFile {
  std::string path;
  // true: rows only attach to sessions found in the non-join files (e.g. Diginetica
  // purchases joined on the session id of the views); rows of other sessions are dropped
  // and counted. Requires a session column.
  bool join = false;
  // Every row of this file has this type (files without a type column, e.g. purchases).
  std::optional<EventType> type = std::nullopt;
};

struct DelimitedImportOptions {
  std::vector<DelimitedFile> inputs;  // read in this order
  char delimiter = ',';               // ',', '\t', ';', ...
  bool header = true;                 // the first non-empty line names the columns
  std::string session_column;         // empty: sessions cut from `user_column` by the gap
  std::string user_column;            // needed when there is no session column
  std::string item_column;            // required; values are non-negative 64-bit integers
  std::string time_column;            // required
  std::string time_offset_column;     // date+ms only: milliseconds added to the date
  TimeFormat time_format = TimeFormat::kUnixSeconds;
  std::string type_column;  // empty: every row gets its file's type or default_type
  // Item category (catalogue metadata, data/item_categories.h); empty: none. Read only when
  // ImportDelimited gets a builder. Values are non-negative 64-bit integers; a row with
  // another value stays an event and is counted in ItemCategoriesBuilder::invalid.
  std::string category_column;
  // Type column value -> event type. Empty: the OTTO names clicks/carts/orders. Values not
  // listed are dropped and counted.
  std::vector<std::pair<std::string, EventType>> type_map;
  EventType default_type = EventType::kClick;  // type when there is no type column
  int64_t session_gap_seconds = 30 * 60;       // a longer gap starts a new session
  bool strict = false;                         // true: the first malformed row is an error
  size_t max_examples = 20;                    // skipped rows kept with reasons in the report
};

// Checks the options that do not depend on the files (required columns, gap, join rules).
Status ValidateDelimitedOptions(const DelimitedImportOptions& options);

// Reads all inputs into an in-memory EventStore and fills `report` (may be null). With a
// category column and a non-null `categories`, each imported row's (item, category) pair
// is added to it.
StatusOr<EventStore> ImportDelimited(const DelimitedImportOptions& options,
                                     ImportReport* report = nullptr,
                                     ItemCategoriesBuilder* categories = nullptr);

// Splits one line into fields at `delimiter`, honouring double quotes. Views point into
// `line` or into `scratch` (which this function reserves so that it never reallocates).
// Returns false (with `reason`) on an unclosed quote or text after a closing quote.
bool SplitDelimitedLine(std::string_view line, char delimiter,
                        std::vector<std::string_view>* fields, std::string* scratch,
                        std::string* reason);

// Parses "view=clicks,cart=carts,purchase=orders"; an error names the bad entry.
StatusOr<std::vector<std::pair<std::string, EventType>>> ParseTypeMap(std::string_view text);

}  // namespace sessionrec
