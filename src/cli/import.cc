// `sessionrec import`: OTTO JSONL or delimited logs -> event store artifact (or OTTO JSONL).
// The flags and presets are documented in docs/data-import.md.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/progress.h"
#include "core/str_cat.h"
#include "data/delimited_import.h"
#include "data/import_presets.h"
#include "data/import_summary.h"
#include "data/otto_jsonl.h"

namespace sessionrec::cli {
namespace {

struct ImportFlags {
  std::string format = "auto";      // otto | csv | auto (by the first input's extension)
  std::vector<std::string> inputs;  // PATH[@TYPE]
  std::vector<std::string> joins;   // PATH[@TYPE]
  std::string output;               // .jsonl: OTTO JSONL; otherwise an event store
  std::string preset;
  int threads = 0;  // OTTO JSONL: threads parsing parts of each file (0 = all cores)
  std::string delimiter;
  bool header = true;
  std::string session, user, item, time, time_offset, type, time_format, types, default_type;
  std::string category;           // item category column (catalogue metadata)
  std::string categories_output;  // where the item -> category map goes
  std::string session_gap = "30m";
  bool strict = false;
  size_t max_report = 20;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// "PATH@orders" -> {PATH, orders}; an '@' not followed by a type name stays in the path.
DelimitedFile ParseFileSpec(const std::string& spec, bool join) {
  DelimitedFile f{spec, join, std::nullopt};
  const size_t at = spec.rfind('@');
  if (at != std::string::npos) {
    if (auto t = ParseEventType(std::string_view(spec).substr(at + 1))) {
      f.path = spec.substr(0, at);
      f.type = t;
    }
  }
  return f;
}

StatusOr<char> ParseDelimiter(const std::string& d) {
  if (d == "tab" || d == "\\t" || d == "\t") return '\t';
  if (d == "comma") return ',';
  if (d == "semicolon") return ';';
  if (d.size() == 1) return d[0];
  return absl::InvalidArgumentError(
      StrCat("bad --delimiter \"", d, "\": one character, or tab / comma / semicolon"));
}

uint64_t FileBytes(const std::string& path) {
  std::error_code ec;
  const uintmax_t n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<uint64_t>(n);
}

// "1800", "1800s", "30m", "2h".
StatusOr<int64_t> ParseDuration(const std::string& text) {
  std::string_view s = text;
  int64_t unit = 1;
  if (!s.empty() && (s.back() == 's' || s.back() == 'm' || s.back() == 'h')) {
    unit = s.back() == 'h' ? 3600 : (s.back() == 'm' ? 60 : 1);
    s.remove_suffix(1);
  }
  std::optional<int64_t> v = ParseInt64(s);
  if (!v || *v <= 0 || *v > INT32_MAX) {
    return absl::InvalidArgumentError(
        StrCat("bad --session-gap \"", text, "\": a positive duration like 1800, 30m or 2h"));
  }
  return *v * unit;
}

// Applies the preset, then every flag the user gave explicitly (they override the preset).
StatusOr<DelimitedImportOptions> BuildDelimitedOptions(const ImportFlags& f, CLI::App& sub) {
  DelimitedImportOptions o;
  if (!f.preset.empty()) SR_RETURN_IF_ERROR(ApplyImportPreset(f.preset, &o));
  auto given = [&](const char* flag) { return sub.count(flag) > 0; };
  for (const std::string& in : f.inputs) o.inputs.push_back(ParseFileSpec(in, false));
  for (const std::string& in : f.joins) o.inputs.push_back(ParseFileSpec(in, true));
  if (given("--delimiter")) {
    SR_ASSIGN_OR_RETURN(o.delimiter, ParseDelimiter(f.delimiter));
  }
  if (given("--header") || given("--no-header")) o.header = f.header;
  if (given("--session")) o.session_column = f.session;
  if (given("--user")) o.user_column = f.user;
  if (given("--item")) o.item_column = f.item;
  if (given("--time")) o.time_column = f.time;
  if (given("--time-offset")) o.time_offset_column = f.time_offset;
  if (given("--type")) o.type_column = f.type;
  if (given("--category")) o.category_column = f.category;
  if (given("--time-format")) {
    std::optional<TimeFormat> tf = ParseTimeFormat(f.time_format);
    if (!tf) {
      return absl::InvalidArgumentError(StrCat("bad --time-format \"", f.time_format,
                                               "\": unix, unix-ms, unix-frac, datetime, date+ms"));
    }
    o.time_format = *tf;
  }
  if (given("--types")) {
    SR_ASSIGN_OR_RETURN(o.type_map, ParseTypeMap(f.types));
  }
  if (given("--default-type")) {
    std::optional<EventType> t = ParseEventType(f.default_type);
    if (!t) return absl::InvalidArgumentError("--default-type must be clicks, carts or orders");
    o.default_type = *t;
  }
  if (given("--session-gap") || f.preset.empty()) {
    SR_ASSIGN_OR_RETURN(o.session_gap_seconds, ParseDuration(f.session_gap));
  }
  o.strict = f.strict;
  o.max_examples = f.max_report;
  SR_RETURN_IF_ERROR(ValidateDelimitedOptions(o));
  return o;
}

std::string MetaJson(const ImportFlags& f, const std::string& format, const EventStoreStats& stats,
                     const ImportReport& report) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* key, const std::string& value) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  };
  auto list = [&](const char* key, const std::vector<std::string>& values) {
    w.Key(key);
    w.StartArray();
    for (const std::string& v : values) w.String(v.c_str());
    w.EndArray();
  };
  w.StartObject();
  str("created_by", "sessionrec import");
  str("format", format);
  list("inputs", f.inputs);
  list("joins", f.joins);
  str("preset", f.preset);
  w.Key("options");
  w.StartObject();
  str("delimiter", f.delimiter);
  w.Key("header");
  w.Bool(f.header);
  str("session", f.session);
  str("user", f.user);
  str("item", f.item);
  str("time", f.time);
  str("time_format", f.time_format);
  str("time_offset", f.time_offset);
  str("type", f.type);
  str("types", f.types);
  str("default_type", f.default_type);
  str("session_gap", f.session_gap);
  w.Key("strict");
  w.Bool(f.strict);
  w.EndObject();
  w.Key("sessions");
  w.Uint64(stats.sessions);
  w.Key("events");
  w.Uint64(stats.events);
  w.Key("items");
  w.Uint64(stats.items);
  for (EventType t : kAllEventTypes) {
    w.Key(std::string(EventTypeName(t)).c_str());
    w.Uint64(stats.per_type[static_cast<int>(t)]);
  }
  w.Key("skipped_lines");
  w.Uint64(report.skipped_lines);
  w.Key("dropped");
  w.StartObject();
  for (const auto& [reason, n] : report.dropped) {
    w.Key(reason.c_str());
    w.Uint64(n);
  }
  w.EndObject();
  w.Key("dense_session_ids");
  w.Bool(report.dense_session_ids);
  w.EndObject();
  return buf.GetString();
}

Status RunImport(const ImportFlags& f, CLI::App& sub) {
  if (f.inputs.empty()) return absl::InvalidArgumentError("give at least one --input");
  std::string format = f.format;
  if (format == "auto") {
    format = f.preset.empty() && (EndsWith(f.inputs[0], ".jsonl") || EndsWith(f.inputs[0], ".json"))
                 ? "otto"
                 : "csv";
  }
  ImportReport report;
  report.max_examples = f.max_report;
  // Progress by input bytes, one file at a time (the readers have no finer hook).
  uint64_t input_bytes = 0;
  for (const std::vector<std::string>* files : {&f.inputs, &f.joins}) {
    for (const std::string& in : *files) input_bytes += FileBytes(ParseFileSpec(in, false).path);
  }
  Progress progress("import", input_bytes, "bytes");
  StatusOr<EventStore> store = absl::UnknownError("unset");
  ItemCategoriesBuilder categories;
  if (format == "otto") {
    if (!f.category.empty()) return absl::InvalidArgumentError("--category is for delimited logs");
    if (!f.joins.empty()) return absl::InvalidArgumentError("--join is for delimited logs");
    OttoJsonlReadOptions options;
    options.strict = f.strict;
    options.max_examples = f.max_report;
    options.threads = f.threads;
    EventStoreBuilder builder;
    for (const std::string& in : f.inputs) {
      progress.SetDetail(in);
      SR_RETURN_IF_ERROR(ReadOttoJsonlInto(in, options, builder, &report));
      progress.Add(FileBytes(in));
    }
    store = builder.Finish();
  } else if (format == "csv") {
    SR_ASSIGN_OR_RETURN(DelimitedImportOptions options, BuildDelimitedOptions(f, sub));
    store = ImportDelimited(options, &report, &categories);
  } else {
    return absl::InvalidArgumentError(StrCat("bad --format \"", f.format, "\": otto or csv"));
  }
  if (!store.ok()) return store.status();
  progress.Set(input_bytes);
  progress.Finish();
  const EventStoreStats stats = ComputeEventStoreStats(*store);
  std::cout << "imported (" << format << "):\n"
            << FormatEventStoreStats(stats, "  ") << FormatImportReport(report, "  ");
  if (report.dense_session_ids) std::cout << "  session ids: dense, in order of first appearance\n";
  if (stats.sessions == 0) std::cout << "  warning: no sessions were imported\n";
  if (f.output.empty()) return absl::OkStatus();
  if (EndsWith(f.output, ".jsonl")) {
    SR_RETURN_IF_ERROR(WriteOttoJsonl(*store, f.output));
  } else {
    SR_RETURN_IF_ERROR(store->Save(f.output, MetaJson(f, format, stats, report)));
  }
  std::cout << "wrote " << f.output << "\n";
  if (categories.num_pairs() > 0 || categories.invalid > 0) {
    uint64_t conflicts = 0;
    const uint64_t invalid = categories.invalid;
    const ItemCategories map = ItemCategories::Build(std::move(categories), &conflicts);
    const std::string path =
        f.categories_output.empty() ? f.output + ".categories" : f.categories_output;
    SR_RETURN_IF_ERROR(map.Write(path));
    std::cout << "wrote " << path << " (item categories: " << map.num_items() << " items, "
              << map.num_categories() << " categories, " << conflicts
              << " items listed with more than one (the first kept), " << invalid
              << " rows without an integer category)\n";
  }
  return absl::OkStatus();
}

std::string PresetHelp() {
  std::string out = "Presets (explicit flags override them):\n";
  for (const ImportPreset& p : ImportPresets()) {
    out += StrCat("  ", p.name, ": ", p.flags, "\n      ", p.comment, "\n");
  }
  return out;
}

}  // namespace

void RegisterImport(CLI::App& app) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* sub = app.add_subcommand(
      "import", "Import OTTO JSONL or delimited logs (CSV/TSV/;) into an event store");
  sub->footer(PresetHelp());
  ImportFlags& f = *flags;
  sub->add_option("--format", f.format, "otto | csv | auto (.jsonl inputs are otto)")
      ->capture_default_str();
  sub->add_option("--input,-i", f.inputs,
                  "input file, repeatable; PATH@TYPE gives all its rows "
                  "that type (clicks|carts|orders)")
      ->required();
  sub->add_option("--join", f.joins,
                  "delimited file whose rows join the sessions of the --input files on the "
                  "session column (others dropped); PATH@TYPE as for --input");
  sub->add_option("--output,-o", f.output,
                  "event store artifact, or OTTO JSONL when it ends in .jsonl (ts in seconds)");
  sub->add_option("--preset", f.preset, "rees46 | taobao | diginetica | yoochoose (see below)");
  sub->add_option("--delimiter", f.delimiter, "field separator: one character, or tab");
  sub->add_flag("--header,!--no-header", f.header, "the first line names the columns (default)");
  sub->add_option("--session", f.session,
                  "session column: header name (a|b for alternatives) or 0-based index");
  sub->add_option("--user", f.user,
                  "user column; sessions are cut by --session-gap when "
                  "there is no session column");
  sub->add_option("--item", f.item, "item column (non-negative 64-bit integers)");
  sub->add_option("--time", f.time, "time column");
  sub->add_option("--time-format", f.time_format,
                  "unix | unix-ms | unix-frac | datetime (YYYY-mm-dd HH:MM:SS[ UTC]) | date+ms");
  sub->add_option("--time-offset", f.time_offset,
                  "millisecond offset column added to a date column (date+ms)");
  sub->add_option("--type", f.type, "type column");
  sub->add_option("--category", f.category,
                  "item category column (catalogue metadata for the category_pop candidates; "
                  "integers); the map is written next to the output");
  sub->add_option("--categories-output", f.categories_output,
                  "where the item -> category map goes (default: OUTPUT.categories)");
  sub->add_option("--types", f.types,
                  "type mapping, e.g. view=clicks,cart=carts,purchase=orders; other values "
                  "are dropped and counted (default: the OTTO names)");
  sub->add_option("--default-type", f.default_type, "type of rows without a type column");
  sub->add_option("--session-gap", f.session_gap, "inactivity gap that ends a session (s/m/h)")
      ->capture_default_str();
  sub->add_flag("--strict", f.strict, "a malformed line is an error (default: skip and report)");
  sub->add_option("--max-report", f.max_report, "malformed lines listed in the summary")
      ->capture_default_str();
  sub->add_option("--threads", f.threads,
                  "OTTO JSONL: threads parsing parts of each file (0 = all cores)")
      ->capture_default_str();
  sub->callback([flags, sub] { ExitOnError("import", RunImport(*flags, *sub)); });
}

}  // namespace sessionrec::cli
