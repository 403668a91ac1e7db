// sessionrec generate: synthetic OTTO-like sessions (data/generator.h) as JSONL or an event
// store (.bin). JSONL is streamed batch by batch, so memory stays bounded at any size; the
// event store is built in memory (~13 bytes per event plus the item table).
#include <chrono>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/str_cat.h"
#include "data/event_store.h"
#include "data/generator.h"
#include "data/otto_jsonl.h"

namespace sessionrec::cli {
namespace {

struct GenerateArgs {
  GeneratorParams params;
  std::string output;
  bool ts_ms = false;
};

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status RunGenerate(const GenerateArgs& args) {
  const auto t0 = std::chrono::steady_clock::now();
  GeneratorStats stats;
  if (EndsWith(args.output, ".bin")) {
    EventStoreBuilder builder;
    auto add = [&](std::span<const Session> batch) -> Status {
      for (const Session& s : batch) SR_RETURN_IF_ERROR(builder.AddSession(s.id, s.events));
      return absl::OkStatus();
    };
    SR_RETURN_IF_ERROR(GenerateSessions(args.params, add, &stats));
    const EventStore store = builder.Finish();
    SR_RETURN_IF_ERROR(store.Save(
        args.output,
        fmt::format(R"({{"generator":{{"sessions":{},"seed":{},"items":{}}}}})",
                    args.params.num_sessions, args.params.seed, GeneratorNumItems(args.params))));
  } else {
    SR_ASSIGN_OR_RETURN(OttoJsonlWriter writer,
                        OttoJsonlWriter::Open(args.output, {.ts_in_milliseconds = args.ts_ms}));
    auto write = [&](std::span<const Session> batch) -> Status {
      for (const Session& s : batch) SR_RETURN_IF_ERROR(writer.Add(s));
      return absl::OkStatus();
    };
    SR_RETURN_IF_ERROR(GenerateSessions(args.params, write, &stats));
    SR_RETURN_IF_ERROR(writer.Finish());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << stats.ToString()
            << fmt::format("wrote {} in {:.2f} s ({:.2f}M events/s)\n", args.output, secs,
                           static_cast<double>(stats.events) / secs / 1e6);
  return absl::OkStatus();
}

}  // namespace

void RegisterGenerate(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* sub = app.add_subcommand(
      "generate", "Generate synthetic OTTO-like sessions (JSONL, or an event store if .bin)");
  sub->add_option("--sessions", args->params.num_sessions, "number of sessions")->required();
  sub->add_option("--seed", args->params.seed, "random seed (same seed, same bytes)")
      ->capture_default_str();
  sub->add_option("--output,-o", args->output, "output file: X.jsonl, or X.bin (event store)")
      ->required();
  sub->add_option("--items", args->params.num_items,
                  "catalogue size (default: scales like OTTO, 1.86M items per 12.9M sessions)");
  sub->add_option("--threads", args->params.threads, "worker threads (0 = all cores)")
      ->capture_default_str();
  sub->add_flag("--ts-ms", args->ts_ms, "JSONL: write ts in milliseconds (as the official files)");
  sub->callback([args] { ExitOnError("generate", RunGenerate(*args)); });
}

}  // namespace sessionrec::cli
