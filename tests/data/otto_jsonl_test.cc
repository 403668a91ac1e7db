#include "data/otto_jsonl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/str_cat.h"
#include "data/load.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

// Reads `text` (strict unless told otherwise) and collects the sessions.
Status ReadAll(std::string_view text, std::vector<Session>* out, bool strict = true,
               ImportReport* report = nullptr) {
  OttoJsonlReadOptions options;
  options.strict = strict;
  return ReadOttoJsonlText(
      text, "t.jsonl", options,
      [&](Session& s) {
        out->push_back(std::move(s));
        return absl::OkStatus();
      },
      report);
}

std::string ErrorOf(std::string_view text) {
  std::vector<Session> got;
  Status st = ReadAll(text, &got);
  EXPECT_FALSE(st.ok()) << "accepted: " << text;
  return std::string(st.message());
}

TEST(OttoJsonl, ParsesSessionsAndNormalisesMilliseconds) {
  std::vector<Session> got;
  ASSERT_TRUE(ReadAll("{\"session\":0,\"events\":[{\"aid\":5,\"ts\":1659304800025,\"type\":"
                      "\"clicks\"},{\"aid\":6,\"ts\":1659304801,\"type\":\"orders\"}]}\n"
                      "{\"session\":9,\"events\":[{\"type\":\"carts\",\"ts\":7,\"aid\":8}]}",
                      &got)
                  .ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0],
            (Session{0, {{5, 1659304800, EventType::kClick}, {6, 1659304801, EventType::kOrder}}}));
  EXPECT_EQ(got[1], (Session{9, {{8, 7, EventType::kCart}}})) << "field order is free";
}

TEST(OttoJsonl, SortsEventsStablyAndKeepsDuplicates) {
  std::vector<Session> got;
  ASSERT_TRUE(ReadAll("{\"session\":1,\"events\":[{\"aid\":1,\"ts\":30,\"type\":\"clicks\"},"
                      "{\"aid\":2,\"ts\":10,\"type\":\"clicks\"},"
                      "{\"aid\":3,\"ts\":30,\"type\":\"carts\"},"
                      "{\"aid\":2,\"ts\":10,\"type\":\"clicks\"}]}\n",
                      &got)
                  .ok());
  ASSERT_EQ(got.size(), 1u);
  std::vector<Event> want = {{2, 10, EventType::kClick},
                             {2, 10, EventType::kClick},
                             {1, 30, EventType::kClick},
                             {3, 30, EventType::kCart}};
  EXPECT_EQ(got[0].events, want);
}

TEST(OttoJsonl, AcceptsIdsBeyond32BitsAndCrlfAndBlankLines) {
  std::vector<Session> got;
  ASSERT_TRUE(ReadAll("\r\n{\"session\":-9000000000,\"events\":[{\"aid\":18446744073709551615,"
                      "\"ts\":1,\"type\":\"clicks\"}]}\r\n\n   \n",
                      &got)
                  .ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, -9000000000LL);
  EXPECT_EQ(got[0].events[0].aid, 18446744073709551615ULL);
}

TEST(OttoJsonl, NamesFileLineAndReasonOfMalformedLines) {
  const std::string good =
      "{\"session\":1,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]}\n";
  EXPECT_EQ(ErrorOf(good + "{\"session\":2,\"events\":[{\"aid\":1,\"ts\""),
            "t.jsonl:2: cut-off line (does not end with '}')");
  EXPECT_EQ(ErrorOf(good + good + "hello world\n"), "t.jsonl:3: not a JSON object");
  EXPECT_THAT(ErrorOf("{\"session\":1,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}}\n"),
              HasSubstr("t.jsonl:1: "));
  EXPECT_THAT(ErrorOf("{\"session\":1 \"events\":[]}"), HasSubstr("t.jsonl:1: not valid JSON"));
  EXPECT_EQ(ErrorOf("{\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]}"),
            "t.jsonl:1: missing field \"session\"");
  EXPECT_EQ(ErrorOf("{\"session\":1}"), "t.jsonl:1: missing field \"events\"");
  EXPECT_EQ(ErrorOf("{\"session\":1,\"events\":[]}"), "t.jsonl:1: empty events list");
  EXPECT_EQ(ErrorOf("{\"session\":1,\"events\":[{\"aid\":1,\"type\":\"clicks\"}]}"),
            "t.jsonl:1: event 1: missing field \"ts\"");
  EXPECT_EQ(ErrorOf("{\"session\":1,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"views\"}]}"),
            "t.jsonl:1: event 1: unknown type \"views\" (expected clicks, carts or orders)");
  EXPECT_EQ(ErrorOf("{\"session\":1,\"events\":[{\"aid\":-4,\"ts\":1,\"type\":\"clicks\"}]}"),
            "t.jsonl:1: event 1: \"aid\" must be a non-negative 64-bit integer");
  EXPECT_EQ(ErrorOf("{\"session\":1,\"events\":[{\"aid\":1.5,\"ts\":1,\"type\":\"clicks\"}]}"),
            "t.jsonl:1: event 1: \"aid\" must be a non-negative 64-bit integer");
  EXPECT_EQ(ErrorOf("{\"session\":\"x\",\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]}"),
            "t.jsonl:1: \"session\" must be an integer in the int64 range");
  EXPECT_EQ(ErrorOf("{\"session\":1,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]} {}"),
            "t.jsonl:1: trailing content after the JSON object");
}

TEST(OttoJsonl, RejectsAbsurdTimestamps) {
  for (const char* ts : {"-1", "4294967296", "99999999999", "9000000000000000"}) {
    std::string line =
        StrCat("{\"session\":1,\"events\":[{\"aid\":1,\"ts\":", ts, ",\"type\":\"clicks\"}]}");
    EXPECT_THAT(ErrorOf(line), HasSubstr("absurd timestamp")) << ts;
  }
  EXPECT_EQ(ErrorOf("{\"session\":1,\"events\":[{\"aid\":1,\"ts\":1.5,\"type\":\"clicks\"}]}"),
            "t.jsonl:1: event 1: \"ts\" must be an integer");
}

TEST(OttoJsonl, NonStrictSkipsAndReportsMalformedLines) {
  std::string text =
      "{\"session\":1,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]}\n"
      "garbage\n"
      "{\"session\":2,\"events\":[]}\n"
      "{\"session\":3,\"events\":[{\"aid\":2,\"ts\":2,\"type\":\"carts\"},"
      "{\"aid\":3,\"ts\":3,\"type\":\"orders\"}]}\n"
      "{\"session\":4,\"events\":[{\"aid\":1,";
  std::vector<Session> got;
  ImportReport report;
  ASSERT_TRUE(ReadAll(text, &got, /*strict=*/false, &report).ok());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].id, 3);
  EXPECT_EQ(report.lines, 5u);
  EXPECT_EQ(report.sessions, 2u);
  EXPECT_EQ(report.events, 3u);
  EXPECT_EQ(report.skipped_lines, 3u);
  ASSERT_EQ(report.examples.size(), 3u);
  EXPECT_EQ(report.examples[0].line, 2u);
  EXPECT_EQ(report.examples[1].line, 3u);
  EXPECT_EQ(report.examples[1].reason, "empty events list");
  EXPECT_EQ(report.examples[2].line, 5u);
  EXPECT_EQ(report.examples[2].file, "t.jsonl");
}

TEST(OttoJsonl, StopsWhenTheVisitorFails) {
  int calls = 0;
  Status st = ReadOttoJsonlText(
      "{\"session\":1,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]}\n"
      "{\"session\":2,\"events\":[{\"aid\":1,\"ts\":1,\"type\":\"clicks\"}]}\n",
      "v.jsonl", {}, [&](Session&) {
        ++calls;
        return absl::CancelledError("enough");
      });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(st.message(), "v.jsonl:1: enough");
}

TEST(OttoJsonl, EmptyFileGivesEmptyStore) {
  auto dir = testing::TempDir("otto_empty");
  testing::WriteFile(dir / "empty.jsonl", "");
  ImportReport report;
  auto st = ReadOttoJsonlStore((dir / "empty.jsonl").string(), {}, &report);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->num_sessions(), 0u);
  EXPECT_EQ(report.sessions, 0u);
  EXPECT_EQ(report.lines, 0u);
}

TEST(OttoJsonl, ReadsFilesOfEveryLengthAroundThePadding) {
  // Lines ending near the end of the mapping are copied into a padded buffer; sizes around
  // a page boundary exercise both paths (and ASan checks the reads).
  auto dir = testing::TempDir("otto_padding");
  const std::string line = "{\"session\":7,\"events\":[{\"aid\":1,\"ts\":2,\"type\":\"carts\"}]}";
  for (size_t fill : {0, 1, 63, 64, 65, 4096 - 70, 4096 - 61, 4096 - 60, 4096 - 1}) {
    std::string text(fill, '\n');
    text += line;  // no final newline: the last line ends at the end of the file
    auto path = dir / "pad.jsonl";
    testing::WriteFile(path, text);
    std::vector<Session> got;
    ASSERT_TRUE(ReadOttoJsonl(path.string(), {},
                              [&](Session& s) {
                                got.push_back(s);
                                return absl::OkStatus();
                              })
                    .ok())
        << fill;
    ASSERT_EQ(got.size(), 1u) << fill;
    EXPECT_EQ(got[0].events[0], (Event{1, 2, EventType::kCart}));
  }
}

TEST(OttoJsonl, WriterRoundTripsThroughReader) {
  auto dir = testing::TempDir("otto_write");
  std::vector<Session> sessions = {
      {0, {{1ull << 40, 1659304800, EventType::kClick}, {3, 1659304801, EventType::kOrder}}},
      {-5, {{7, 0, EventType::kCart}}},
  };
  const std::string path = (dir / "out.jsonl").string();
  {
    auto w = OttoJsonlWriter::Open(path);
    ASSERT_TRUE(w.ok()) << w.status();
    for (const Session& s : sessions) ASSERT_TRUE(w->Add(s).ok());
    EXPECT_FALSE(std::filesystem::exists(path)) << "written to .tmp until Finish";
    ASSERT_TRUE(w->Finish().ok());
  }
  EXPECT_EQ(testing::ReadFile(path),
            "{\"session\":0,\"events\":[{\"aid\":1099511627776,\"ts\":1659304800,\"type\":"
            "\"clicks\"},{\"aid\":3,\"ts\":1659304801,\"type\":\"orders\"}]}\n"
            "{\"session\":-5,\"events\":[{\"aid\":7,\"ts\":0,\"type\":\"carts\"}]}\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));

  auto store = ReadOttoJsonlStore(path, {});
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ(store->num_sessions(), 2u);
  EXPECT_EQ(store->ToSession(0), sessions[0]);
  EXPECT_EQ(store->ToSession(1), sessions[1]);

  // From the store, with ms: the same sessions come back (ts normalised).
  const std::string ms_path = (dir / "ms.jsonl").string();
  ASSERT_TRUE(WriteOttoJsonl(*store, ms_path, {.ts_in_milliseconds = true}).ok());
  EXPECT_THAT(testing::ReadFile(ms_path), HasSubstr("\"ts\":1659304800000,"));
  auto back = ReadOttoJsonlStore(ms_path, {});
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ToSession(0), sessions[0]);
}

TEST(OttoJsonl, WriterLeavesNoFileWhenNotFinished) {
  auto dir = testing::TempDir("otto_abort");
  const std::string path = (dir / "out.jsonl").string();
  {
    auto w = OttoJsonlWriter::Open(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Add(Session{1, {{1, 1, EventType::kClick}}}).ok());
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(OttoJsonlWriter::Open((dir / "no/such/dir/x.jsonl").string()).ok());
}

TEST(LoadEventStore, ReadsJsonlStrictlyAndArtifacts) {
  auto dir = testing::TempDir("load");
  testing::WriteFile(dir / "a.jsonl",
                     "{\"session\":3,\"events\":[{\"aid\":9,\"ts\":5,\"type\":\"carts\"}]}\n");
  auto st = LoadEventStore((dir / "a.jsonl").string());
  ASSERT_TRUE(st.ok()) << st.status();
  ASSERT_EQ(st->num_sessions(), 1u);
  ASSERT_TRUE(st->Save((dir / "a.events").string()).ok());
  auto back = LoadEventStore((dir / "a.events").string());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ToSession(0), st->ToSession(0));

  testing::WriteFile(dir / "bad.jsonl",
                     "{\"session\":3,\"events\":[{\"aid\":9,\"ts\":5,\"type\":\"carts\"}]}\nxx\n");
  auto bad = LoadEventStore((dir / "bad.jsonl").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), (dir / "bad.jsonl").string() + ":2: not a JSON object");
  EXPECT_TRUE(absl::IsNotFound(LoadEventStore((dir / "missing").string()).status()));
}

TEST(OttoJsonl, ImportsTheOttoSample) {
  SR_SHARED_DATA_OR_SKIP(path, "otto-sample/train.jsonl");
  ImportReport report;
  auto st = ReadOttoJsonlStore(path, {}, &report);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->num_sessions(), 20u);
  EXPECT_EQ(st->num_events(), 862u);
  EXPECT_EQ(st->num_items(), 510u);
  std::array<int, kNumEventTypes> per_type = {};
  for (uint8_t t : st->types()) ++per_type[t];
  EXPECT_EQ(per_type, (std::array<int, 3>{800, 52, 10}));
  EXPECT_EQ(report.skipped_lines, 0u);
}

// The same file read with one thread and with several (parts of ~64 bytes): identical
// stores, reports and first errors.
TEST(OttoJsonl, ThreadsDoNotChangeTheResult) {
  auto dir = testing::TempDir("otto_threads");
  std::string text;
  for (int s = 0; s < 300; ++s) {
    if (s == 40 || s == 251) text += "{\"session\":1,\"events\":[{\"aid\":1\n";  // cut off
    if (s % 50 == 7) text += "\n";                                               // blank
    text += StrCat("{\"session\":", 1000 + s, ",\"events\":[");
    for (int e = 0; e <= s % 4; ++e) {
      const uint64_t aid =
          s % 13 == 0 ? (uint64_t{1} << 40) + s : static_cast<uint64_t>(s * 7 % 61);
      text += StrCat(e ? "," : "", "{\"aid\":", aid, ",\"ts\":", 100 + e, ",\"type\":\"clicks\"}");
    }
    text += "]}\n";
  }
  const auto path = (dir / "t.jsonl").string();
  testing::WriteFile(path, text);
  auto read = [&](int threads, bool strict, ImportReport* report) {
    OttoJsonlReadOptions options;
    options.threads = threads;
    options.min_part_bytes = 64;
    options.strict = strict;
    return ReadOttoJsonlStore(path, options, report);
  };
  ImportReport one_report, many_report;
  auto one = read(1, false, &one_report);
  auto many = read(3, false, &many_report);
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_TRUE(many.ok()) << many.status();
  EXPECT_EQ(one->num_sessions(), 300u);
  ASSERT_EQ(many->num_sessions(), one->num_sessions());
  EXPECT_TRUE(std::ranges::equal(many->item_ids(), one->item_ids()));
  EXPECT_TRUE(std::ranges::equal(many->items(), one->items()));
  EXPECT_TRUE(std::ranges::equal(many->offsets(), one->offsets()));
  EXPECT_TRUE(std::ranges::equal(many->session_ids(), one->session_ids()));
  EXPECT_TRUE(std::ranges::equal(many->ts(), one->ts()));
  EXPECT_EQ(many_report.lines, one_report.lines);
  EXPECT_EQ(many_report.events, one_report.events);
  ASSERT_EQ(one_report.skipped_lines, 2u);
  ASSERT_EQ(many_report.skipped_lines, 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(many_report.examples[i].line, one_report.examples[i].line);
    EXPECT_EQ(many_report.examples[i].reason, one_report.examples[i].reason);
  }
  // Line 41: 40 sessions, one blank line before it (s = 7).
  EXPECT_EQ(one_report.examples[0].line, 42u);

  auto strict_one = read(1, true, nullptr);
  auto strict_many = read(3, true, nullptr);
  ASSERT_FALSE(strict_one.ok());
  ASSERT_FALSE(strict_many.ok());
  EXPECT_EQ(strict_many.status().message(), strict_one.status().message());
  EXPECT_THAT(std::string(strict_one.status().message()), HasSubstr("t.jsonl:42: cut-off line"));
}

}  // namespace
}  // namespace sessionrec
