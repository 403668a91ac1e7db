#include "core/progress.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace sessionrec {
namespace {

using ::testing::HasSubstr;

TEST(FormatDuration, MinutesAndHours) {
  EXPECT_EQ(FormatDuration(0), "0:00");
  EXPECT_EQ(FormatDuration(3.2), "0:03");
  EXPECT_EQ(FormatDuration(59.6), "1:00");
  EXPECT_EQ(FormatDuration(3725), "1:02:05");
  EXPECT_EQ(FormatDuration(-1), "--:--");
}

TEST(FormatCount, Suffixes) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1234), "1.23k");
  EXPECT_EQ(FormatCount(45600), "45.6k");
  EXPECT_EQ(FormatCount(310000), "310k");
  EXPECT_EQ(FormatCount(2.5e6), "2.50M");
  EXPECT_EQ(FormatCount(7e9), "7.00G");
  EXPECT_EQ(FormatCount(0.5), "0.5");
}

TEST(FormatProgressLine, WithTotalShowsPercentRateAndEta) {
  // 1000 of 4000 events in 2 s: 500 events/s, 3000 left -> 6 s.
  ProgressSnapshot s{.label = "import",
                     .detail = "",
                     .done = 1000,
                     .total = 4000,
                     .unit = "events",
                     .elapsed_s = 2.0};
  EXPECT_EQ(FormatProgressLine(s),
            "import   25.0% 1.00k/4.00k events  500 events/s  0:02 elapsed  ETA 0:06");
}

TEST(FormatProgressLine, DetailAndUnknownTotal) {
  ProgressSnapshot s{.label = "evaluate",
                     .detail = "seed 2: train",
                     .done = 30,
                     .total = 0,
                     .unit = "queries",
                     .elapsed_s = 10.0};
  EXPECT_EQ(FormatProgressLine(s),
            "evaluate [seed 2: train]  30 queries  3 queries/s  0:10 elapsed");
}

TEST(FormatProgressLine, NothingDoneYetHasNoRateAndUnknownEta) {
  ProgressSnapshot s{
      .label = "x", .detail = "", .done = 0, .total = 5, .unit = "seeds", .elapsed_s = 0.0};
  EXPECT_EQ(FormatProgressLine(s), "x    0.0% 0/5 seeds  0:00 elapsed  ETA --:--");
}

TEST(FormatProgressLine, NoUnitShowsElapsedOnly) {
  ProgressSnapshot s{
      .label = "train", .detail = "covisit", .done = 0, .total = 0, .unit = "", .elapsed_s = 75.0};
  EXPECT_EQ(FormatProgressLine(s), "train [covisit]  1:15 elapsed");
}

TEST(FormatProgressDone, CountTimeAndRate) {
  ProgressSnapshot s{.label = "import",
                     .detail = "",
                     .done = 3000,
                     .total = 3000,
                     .unit = "events",
                     .elapsed_s = 1.5};
  EXPECT_EQ(FormatProgressDone(s), "import  done: 3.00k events in 0:02 (2.00k events/s)");
}

TEST(ProgressWanted, QuietAndNonTerminalAreSilent) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_FALSE(ProgressWanted(false, fds[1]));  // a pipe is not a terminal
  EXPECT_FALSE(ProgressWanted(true, fds[1]));
  ::close(fds[0]);
  ::close(fds[1]);

  const int pty = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (pty < 0) GTEST_SKIP() << "no pseudo-terminal available (posix_openpt failed)";
  ASSERT_EQ(::grantpt(pty), 0);
  ASSERT_EQ(::unlockpt(pty), 0);
  const int tty = ::open(::ptsname(pty), O_RDWR | O_NOCTTY);
  ASSERT_GE(tty, 0);
  EXPECT_TRUE(ProgressWanted(false, tty));
  EXPECT_FALSE(ProgressWanted(true, tty));  // --quiet wins over a terminal
  ::close(tty);
  ::close(pty);
}

std::string ReadAll(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

TEST(Progress, DrawsWhenEnabledAndEndsWithTheDoneLine) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("import", 10, "events", f, /*enabled=*/true);
    EXPECT_TRUE(p.drawing());
    p.Add(4);
    p.SetDetail("file 1/1");
    p.Add(6);
  }
  const std::string out = ReadAll(f);
  std::fclose(f);
  EXPECT_THAT(out, HasSubstr("\rimport [file 1/1]"));
  EXPECT_THAT(out, HasSubstr("import  done: 10 events in "));
  EXPECT_EQ(out.back(), '\n');
}

TEST(Progress, DisabledWritesNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p("import", 10, "events", f, /*enabled=*/false);
    EXPECT_FALSE(p.drawing());
    p.Add(10);
    p.SetDetail("x");
  }
  EXPECT_EQ(ReadAll(f), "");
  std::fclose(f);
}

TEST(Progress, AnInnerProgressStaysSilentWhileAnotherDraws) {
  std::FILE* outer_file = std::tmpfile();
  std::FILE* inner_file = std::tmpfile();
  ASSERT_NE(outer_file, nullptr);
  ASSERT_NE(inner_file, nullptr);
  {
    Progress outer("evaluate", 2, "seeds", outer_file, true);
    {
      Progress inner("train", 0, "", inner_file, true);
      EXPECT_FALSE(inner.drawing());
    }
    outer.Add(2);
  }
  EXPECT_EQ(ReadAll(inner_file), "");
  // Once the outer one is done, a new one may draw again.
  Progress next("train", 0, "", inner_file, true);
  EXPECT_TRUE(next.drawing());
  next.Finish();
  EXPECT_THAT(ReadAll(outer_file), HasSubstr("evaluate  done: 2 seeds"));
  EXPECT_THAT(ReadAll(inner_file), HasSubstr("train  done in "));
  std::fclose(outer_file);
  std::fclose(inner_file);
}

}  // namespace
}  // namespace sessionrec
