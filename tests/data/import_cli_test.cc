// End-to-end checks of `sessionrec import` and `sessionrec inspect` through the binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/event_store.h"
#include "data/otto_jsonl.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

using testing::CliRun;

CliRun Sessionrec(const std::string& args) { return testing::RunSessionrec(args); }

TEST(ImportCli, CsvToEventStoreAndInspect) {
  auto dir = testing::TempDir("import_cli");
  testing::WriteFile(dir / "log.csv",
                     "sid,aid,when,what\n"
                     "a,10,2019-10-01 00:00:00 UTC,view\n"
                     "a,11,2019-10-01 00:01:00 UTC,cart\n"
                     "b,10,2019-10-01 00:02:00 UTC,view\n"
                     "b,12,2019-10-01 00:03:00 UTC,like\n"
                     "b,13,2019-10");
  const std::string out = (dir / "events.bin").string();
  CliRun r = Sessionrec("import --input " + (dir / "log.csv").string() +
                        " --session sid --item aid --time when --time-format datetime --type what"
                        " --types view=clicks,cart=carts --output " +
                        out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("sessions:            2"));
  EXPECT_THAT(r.output, HasSubstr("events:              3"));
  EXPECT_THAT(r.output, HasSubstr("malformed lines skipped: 1"));
  EXPECT_THAT(r.output, HasSubstr("log.csv:6: row has 3 fields, expected 4 (cut-off line?)"));
  EXPECT_THAT(r.output, HasSubstr("dropped: 1 rows: type \"like\" not mapped"));

  auto store = EventStore::Open(out);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(
      store->ToSession(0),
      (Session{0, {{10, 1569888000, EventType::kClick}, {11, 1569888060, EventType::kCart}}}));

  CliRun ins = Sessionrec("inspect " + out);
  ASSERT_EQ(ins.exit_code, 0) << ins.output;
  EXPECT_THAT(ins.output, HasSubstr("kind:      EVENTS"));
  EXPECT_THAT(ins.output, HasSubstr("session_ids"));
  EXPECT_THAT(ins.output, HasSubstr("\"skipped_lines\":1"));
  EXPECT_THAT(ins.output, HasSubstr("carts:               1 (33.3%)"));
  EXPECT_THAT(ins.output, HasSubstr("events/session:      mean 1.50, median 1.5"));
  EXPECT_THAT(ins.output, HasSubstr("2019-10-01 00:00:00 UTC .. 2019-10-01 00:02:00 UTC"));

  // --strict turns the cut-off line into an error naming file and line.
  CliRun strict = Sessionrec("import --strict --input " + (dir / "log.csv").string() +
                             " --session sid --item aid --time when --time-format datetime"
                             " --type what --types view=clicks,cart=carts");
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_THAT(strict.output, HasSubstr("log.csv:6: row has 3 fields"));

  // A missing column is named.
  CliRun missing = Sessionrec("import --input " + (dir / "log.csv").string() +
                              " --session sid --item item_id --time when");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr("missing item column \"item_id\""));
}

TEST(ImportCli, OttoJsonlRoundTripAndCorruptInspect) {
  auto dir = testing::TempDir("import_cli_otto");
  testing::WriteFile(dir / "in.jsonl",
                     "{\"session\":5000000000,\"events\":[{\"aid\":2,\"ts\":1659304800123,"
                     "\"type\":\"clicks\"}]}\nnot json\n");
  const std::string out = (dir / "out.jsonl").string();
  CliRun r = Sessionrec("import --input " + (dir / "in.jsonl").string() + " --output " + out);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("in.jsonl:2: not a JSON object"));
  EXPECT_EQ(testing::ReadFile(out),
            "{\"session\":5000000000,\"events\":[{\"aid\":2,\"ts\":1659304800,\"type\":"
            "\"clicks\"}]}\n");

  CliRun ins = Sessionrec("inspect " + out);
  ASSERT_EQ(ins.exit_code, 0) << ins.output;
  EXPECT_THAT(ins.output, HasSubstr("OTTO JSONL"));

  // A flipped byte in an artifact is reported, not crashed on.
  const std::string bin = (dir / "e.bin").string();
  ASSERT_EQ(Sessionrec("import --input " + out + " --output " + bin).exit_code, 0);
  std::string bytes = testing::ReadFile(bin);
  bytes[bytes.size() - 3] ^= 0x40;
  testing::WriteFile(bin, bytes);
  CliRun bad = Sessionrec("inspect " + bin);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, HasSubstr("sessionrec inspect: " + bin));
}

TEST(ImportCli, PresetImportsTaobaoSample) {
  SR_SHARED_DATA_OR_SKIP(path, "taobao-userbehavior-2h/UserBehavior.time-prefix.csv");
  CliRun r = Sessionrec("import --preset taobao --input " + path);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("sessions:            69432"));
  EXPECT_THAT(r.output, HasSubstr("dropped: 3383 rows: type \"fav\" not mapped"));
  CliRun keep = Sessionrec(
      "import --preset taobao --types pv=clicks,cart=carts,buy=orders,fav=clicks"
      " --input " +
      path);
  ASSERT_EQ(keep.exit_code, 0) << keep.output;
  EXPECT_THAT(keep.output, HasSubstr("sessions:            70977"));
}

}  // namespace
}  // namespace sessionrec
