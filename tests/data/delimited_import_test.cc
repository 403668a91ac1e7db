#include "data/delimited_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data/import_presets.h"
#include "data/import_summary.h"
#include "test_util.h"

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

class DelimitedImportTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("delimited"); }

  std::string Write(const std::string& name, const std::string& text) {
    testing::WriteFile(dir_ / name, text);
    return (dir_ / name).string();
  }

  // Options for "session,item,time,type" files with a header.
  DelimitedImportOptions Basic(const std::string& path) {
    DelimitedImportOptions o;
    o.inputs = {{path}};
    o.session_column = "session";
    o.item_column = "item";
    o.time_column = "time";
    o.type_column = "type";
    return o;
  }

  std::filesystem::path dir_;
};

TEST_F(DelimitedImportTest, GroupsSortsStablyAndMapsTypes) {
  // Session 7 appears first; its events are out of order; ts ties keep file order.
  auto path = Write("a.csv",
                    "session,item,time,type\r\n"
                    "7,100,20,view\r\n"
                    "8,200,5,view\r\n"
                    "7,101,10,cart\r\n"
                    "\r\n"
                    "7,102,20,purchase\r\n"
                    "7,100,20,view\r\n"
                    "8,201,6,wishlist\r\n");
  DelimitedImportOptions o = Basic(path);
  o.type_map = *ParseTypeMap("view=clicks,cart=carts,purchase=orders");
  ImportReport report;
  auto store = ImportDelimited(o, &report);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ(store->num_sessions(), 2u);
  EXPECT_EQ(store->ToSession(0), (Session{7,
                                          {{101, 10, EventType::kCart},
                                           {100, 20, EventType::kClick},
                                           {102, 20, EventType::kOrder},
                                           {100, 20, EventType::kClick}}}))
      << "stable by time, duplicates kept";
  EXPECT_EQ(store->ToSession(1), (Session{8, {{200, 5, EventType::kClick}}}));
  EXPECT_EQ(report.lines, 6u);
  EXPECT_EQ(report.dropped.at("type \"wishlist\" not mapped"), 1u);
  EXPECT_FALSE(report.dense_session_ids);
}

TEST_F(DelimitedImportTest, StringSessionKeysGetDenseIdsAndBigIdsSurvive) {
  auto path = Write("a.csv",
                    "type,session,item,time\n"
                    "clicks,\"b-uuid\",18446744073709551615,1\n"
                    "clicks,a-uuid,5000000000,2\n"
                    "orders,\"b-uuid\",1,3\n");
  ImportReport report;
  auto store = ImportDelimited(Basic(path), &report);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ(store->num_sessions(), 2u);
  EXPECT_TRUE(report.dense_session_ids);
  EXPECT_EQ(
      store->ToSession(0),
      (Session{0, {{18446744073709551615ULL, 1, EventType::kClick}, {1, 3, EventType::kOrder}}}));
  EXPECT_EQ(store->ToSession(1), (Session{1, {{5000000000ULL, 2, EventType::kClick}}}));
}

TEST_F(DelimitedImportTest, CutsUserLogsAtInactivityGaps) {
  // No header, columns by index; user 1: gap of exactly 1800 s stays, 1801 s splits.
  auto path = Write("u.tsv",
                    "1\t10\t1000\n"
                    "2\t20\t1000\n"
                    "1\t11\t2800\n"
                    "1\t12\t4601\n"
                    "2\t21\t900\n");
  DelimitedImportOptions o;
  o.inputs = {{path}};
  o.delimiter = '\t';
  o.header = false;
  o.user_column = "0";
  o.item_column = "1";
  o.time_column = "2";
  ImportReport report;
  auto store = ImportDelimited(o, &report);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_EQ(store->num_sessions(), 3u);
  EXPECT_EQ(store->ToSession(0),
            (Session{0, {{10, 1000, EventType::kClick}, {11, 2800, EventType::kClick}}}));
  EXPECT_EQ(store->ToSession(1), (Session{1, {{12, 4601, EventType::kClick}}}));
  EXPECT_EQ(store->ToSession(2),
            (Session{2, {{21, 900, EventType::kClick}, {20, 1000, EventType::kClick}}}));
}

TEST_F(DelimitedImportTest, ParsesEveryTimeFormat) {
  EXPECT_EQ(ParseTimeMillis("1511658000", TimeFormat::kUnixSeconds), 1511658000000LL);
  EXPECT_EQ(ParseTimeMillis("1511658000123", TimeFormat::kUnixMillis), 1511658000123LL);
  EXPECT_EQ(ParseTimeMillis("1396860669.277", TimeFormat::kUnixFractional), 1396860669277LL);
  EXPECT_EQ(ParseTimeMillis("1396860669.5", TimeFormat::kUnixFractional), 1396860669500LL);
  EXPECT_EQ(ParseTimeMillis("1396860669", TimeFormat::kUnixFractional), 1396860669000LL);
  EXPECT_EQ(ParseTimeMillis("2019-10-01 00:00:00 UTC", TimeFormat::kDateTime), 1569888000000LL);
  EXPECT_EQ(ParseTimeMillis("2019-10-01 02:50:07", TimeFormat::kDateTime),
            1569888000000LL + (2 * 3600 + 50 * 60 + 7) * 1000LL);
  EXPECT_EQ(ParseTimeMillis("2016-02-29", TimeFormat::kDatePlusMillis), 1456704000000LL);
  EXPECT_EQ(ParseTimeMillis("2015-02-29", TimeFormat::kDatePlusMillis), std::nullopt);
  EXPECT_EQ(ParseTimeMillis("2019-13-01 00:00:00", TimeFormat::kDateTime), std::nullopt);
  EXPECT_EQ(ParseTimeMillis("2019-10-01 00:00:00 CET", TimeFormat::kDateTime), std::nullopt);
  EXPECT_EQ(ParseTimeMillis("12a", TimeFormat::kUnixSeconds), std::nullopt);
  EXPECT_EQ(ParseTimeMillis("-5", TimeFormat::kUnixSeconds), std::nullopt);
  EXPECT_EQ(ParseTimeMillis("1.2.3", TimeFormat::kUnixFractional), std::nullopt);
  EXPECT_EQ(FormatUtc(1569888000), "2019-10-01 00:00:00 UTC");
}

TEST_F(DelimitedImportTest, DatePlusMillisAndJoinedFiles) {
  auto views = Write("views.csv",
                     "session_id;user_id;item_id;timeframe;eventdate\n"
                     "1;NA;81766;526309;2016-05-09\n"
                     "1;NA;31331;1031018;2016-05-09\n"
                     "2;NA;5;0;2016-05-10\n");
  auto buys = Write("buys.csv",
                    "sessionId;userId;timeframe;eventdate;ordernumber;itemId\n"
                    "1;7;1031018;2016-05-09;99;31331\n"
                    "3;NA;1;2016-05-09;98;4\n");
  DelimitedImportOptions o;
  ASSERT_TRUE(ApplyImportPreset("diginetica", &o).ok());
  o.inputs = {{buys, true, EventType::kOrder}, {views}};
  ImportReport report;
  auto store = ImportDelimited(o, &report);
  ASSERT_TRUE(store.ok()) << store.status();
  const int64_t day = 1462752000;  // 2016-05-09
  ASSERT_EQ(store->num_sessions(), 2u);
  EXPECT_EQ(store->ToSession(0), (Session{1,
                                          {{81766, day + 526, EventType::kClick},
                                           {31331, day + 1031, EventType::kClick},
                                           {31331, day + 1031, EventType::kOrder}}}));
  EXPECT_EQ(report.dropped.at("joined row of a session not in the main inputs"), 1u);
}

TEST_F(DelimitedImportTest, SkipsAndReportsMalformedRowsUnlessStrict) {
  auto path = Write("bad.csv",
                    "session,item,time,type\n"
                    "1,10,100,clicks\n"
                    "1,abc,101,clicks\n"
                    "1,-3,101,clicks\n"
                    "1,11,yesterday,clicks\n"
                    "1,12,99999999999,clicks\n"
                    ",13,102,clicks\n"
                    "1,\"14,103,clicks\n"
                    "1,15,104,clicks,extra\n"
                    "1,16,10");  // cut off: no type field, no newline
  ImportReport report;
  auto store = ImportDelimited(Basic(path), &report);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->num_events(), 1u);
  EXPECT_EQ(report.skipped_lines, 8u);
  ASSERT_EQ(report.examples.size(), 8u);
  std::vector<uint64_t> lines;
  for (const auto& e : report.examples) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<uint64_t>{3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(report.examples[0].reason, "item \"abc\" is not a non-negative 64-bit integer");
  EXPECT_EQ(report.examples[2].reason, "time \"yesterday\" is not unix time");
  EXPECT_THAT(report.examples[3].reason, HasSubstr("absurd time"));
  EXPECT_EQ(report.examples[4].reason, "empty session key");
  EXPECT_EQ(report.examples[5].reason, "unclosed quote");
  EXPECT_EQ(report.examples[6].reason, "row has 5 fields, expected 4");
  EXPECT_EQ(report.examples[7].reason, "row has 3 fields, expected 4 (cut-off line?)");
  EXPECT_EQ(report.examples[7].file, path);

  DelimitedImportOptions strict = Basic(path);
  strict.strict = true;
  auto failed = ImportDelimited(strict, nullptr);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().message(),
            path + ":3: item \"abc\" is not a non-negative 64-bit integer");
}

TEST_F(DelimitedImportTest, MissingColumnsAreErrorsNamingTheColumn) {
  auto path = Write("a.csv", "session,item,time\n1,2,3\n");
  auto st = ImportDelimited(Basic(path), nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().message(),
            path + ": missing type column \"type\" (the header has: session,item,time)");

  DelimitedImportOptions by_index = Basic(path);
  by_index.header = false;
  by_index.session_column = "0";
  by_index.item_column = "1";
  by_index.time_column = "7";
  by_index.type_column.clear();
  st = ImportDelimited(by_index, nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.status().message(), HasSubstr("time column 7 does not exist"));

  DelimitedImportOptions no_item = Basic(path);
  no_item.item_column.clear();
  EXPECT_FALSE(ImportDelimited(no_item, nullptr).ok());
}

TEST_F(DelimitedImportTest, EmptyFileGivesNoSessions) {
  auto path = Write("empty.csv", "");
  ImportReport report;
  auto store = ImportDelimited(Basic(path), &report);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->num_sessions(), 0u);
  EXPECT_EQ(report.lines, 0u);
}

TEST(SplitDelimitedLine, HandlesQuotesAndEmptyFields) {
  std::vector<std::string_view> f;
  std::string scratch, reason;
  ASSERT_TRUE(SplitDelimitedLine("a,\"b,\"\"c\"\"\",,d,", ',', &f, &scratch, &reason));
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b,\"c\"", "", "d", ""}));
  EXPECT_FALSE(SplitDelimitedLine("\"ab\"x,c", ',', &f, &scratch, &reason));
  EXPECT_EQ(reason, "text after a closing quote in field 1");
}

TEST(ParseTypeMap, RejectsBadEntries) {
  auto m = ParseTypeMap("pv=clicks,buy=orders");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[1], (std::pair<std::string, EventType>{"buy", EventType::kOrder}));
  EXPECT_EQ(ParseTypeMap("pv=click").status().message(),
            "bad type mapping \"pv=click\": expected VALUE=clicks|carts|orders");
  EXPECT_FALSE(ParseTypeMap("=clicks").ok());
}

// ---- The real samples of ../shared/data, with the counts of its README. ----

std::array<uint64_t, 3> PerType(const EventStore& st) {
  EventStoreStats s = ComputeEventStoreStats(st);
  return s.per_type;
}

TEST(DelimitedImportSamples, Rees46) {
  SR_SHARED_DATA_OR_SKIP(path, "rees46-2019oct-sample/2019-Oct.sample.csv");
  DelimitedImportOptions o;
  ASSERT_TRUE(ApplyImportPreset("rees46", &o).ok());
  o.inputs = {{path}};
  ImportReport report;
  auto st = ImportDelimited(o, &report);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->num_events(), 17434u);
  EXPECT_EQ(st->num_sessions(), 5066u);
  EXPECT_EQ(st->num_items(), 6493u);
  EXPECT_EQ(PerType(*st), (std::array<uint64_t, 3>{17055, 165, 214}));
  EXPECT_TRUE(report.dense_session_ids);
  // The cut-off last line is reported, not imported.
  ASSERT_EQ(report.skipped_lines, 1u);
  EXPECT_EQ(report.examples[0].line, 17436u);
  EXPECT_EQ(report.examples[0].reason, "row has 8 fields, expected 9 (cut-off line?)");
  EXPECT_TRUE(report.dropped.empty());
}

TEST(DelimitedImportSamples, TaobaoDropsFavByDefaultAndCanKeepIt) {
  SR_SHARED_DATA_OR_SKIP(path, "taobao-userbehavior-2h/UserBehavior.time-prefix.csv");
  DelimitedImportOptions o;
  ASSERT_TRUE(ApplyImportPreset("taobao", &o).ok());
  o.inputs = {{path}};
  ImportReport report;
  auto st = ImportDelimited(o, &report);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->num_sessions(), 69432u);
  EXPECT_EQ(PerType(*st), (std::array<uint64_t, 3>{98361, 6063, 2493}));
  EXPECT_EQ(report.dropped.at("type \"fav\" not mapped"), 3383u);
  EXPECT_EQ(report.lines, 110300u);
  EXPECT_EQ(report.skipped_lines, 0u);

  // With fav kept (as a click), all 110,300 rows and 84,793 items come in.
  o.type_map.emplace_back("fav", EventType::kClick);
  ImportReport with_fav;
  auto all = ImportDelimited(o, &with_fav);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->num_sessions(), 70977u);
  EXPECT_EQ(all->num_events(), 110300u);
  EXPECT_EQ(all->num_items(), 84793u);
  EXPECT_TRUE(with_fav.dropped.empty());
}

TEST(DelimitedImportSamples, DigineticaViewsJoinedWithPurchases) {
  SR_SHARED_DATA_OR_SKIP(views, "diginetica-sample/sample_train-item-views.csv");
  SR_SHARED_DATA_OR_SKIP(buys, "diginetica-sample/train-purchases.csv");
  DelimitedImportOptions o;
  ASSERT_TRUE(ApplyImportPreset("diginetica", &o).ok());
  o.inputs = {{views}, {buys, true, EventType::kOrder}};
  ImportReport report;
  auto st = ImportDelimited(o, &report);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->num_sessions(), 2986u);
  EXPECT_EQ(PerType(*st), (std::array<uint64_t, 3>{12391, 0, 256}));
  EXPECT_EQ(report.dropped.at("joined row of a session not in the main inputs"), 18025u - 256u);
  EXPECT_EQ(report.skipped_lines, 0u);
}

TEST(DelimitedImportSamples, YoochooseTrainAndTest) {
  SR_SHARED_DATA_OR_SKIP(train, "yoochoose-rsc15-100k/yoochoose-clicks-100k_train_full.txt");
  SR_SHARED_DATA_OR_SKIP(test, "yoochoose-rsc15-100k/yoochoose-clicks-100k_test.txt");
  DelimitedImportOptions o;
  ASSERT_TRUE(ApplyImportPreset("yoochoose", &o).ok());
  o.inputs = {{train}, {test}};
  ImportReport report;
  auto st = ImportDelimited(o, &report);
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_EQ(st->num_events(), 83846u);
  EXPECT_EQ(st->num_sessions(), 21210u);
  EXPECT_EQ(PerType(*st), (std::array<uint64_t, 3>{83846, 0, 0}));
  EXPECT_FALSE(report.dense_session_ids);
  EXPECT_EQ(report.skipped_lines, 0u);
}

}  // namespace
}  // namespace sessionrec
