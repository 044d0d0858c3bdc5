#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "agent/inputs/syslog_framing.h"

namespace soc {
namespace {

struct Out {
  std::string text;
  bool truncated;
  bool operator==(const Out&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Out& o) {
  return os << "{\"" << o.text << "\"" << (o.truncated ? ", truncated" : "") << "}";
}

struct Run {
  std::vector<Out> messages;
  SyslogFramer::Result result = SyslogFramer::Result::kOk;
};

// Feeds `data` in pieces of `chunk` bytes (0: all at once), then ends the stream.
Run frame(SyslogFraming mode, std::string_view data, size_t chunk = 0, size_t max = 1024,
          bool finish = true) {
  SyslogFramer f(mode, max);
  Run run;
  const auto sink = [&](std::string_view text, bool truncated) {
    EXPECT_LE(text.size(), max);
    run.messages.push_back(Out{std::string(text), truncated});
  };
  if (chunk == 0) chunk = data.size() + 1;
  for (size_t i = 0; i < data.size() && run.result == SyslogFramer::Result::kOk; i += chunk) {
    run.result = f.feed(data.substr(i, chunk), sink);
  }
  if (finish) f.finish(sink);
  return run;
}

std::vector<Out> texts(std::initializer_list<std::string> t) {
  std::vector<Out> out;
  for (const auto& s : t) out.push_back(Out{s, false});
  return out;
}

TEST(SyslogFramer, NewlineFraming) {
  const auto run = frame(SyslogFraming::kNewline,
                         "<13>Nov 23 10:00:00 web01 app: one\n<14>two\r\n\n\n12 three\nlast");
  EXPECT_EQ(run.result, SyslogFramer::Result::kOk);
  // Blank lines are skipped, CRLF is stripped, digits are text, the unterminated tail is flushed
  // at the end of the stream.
  EXPECT_EQ(run.messages,
            texts({"<13>Nov 23 10:00:00 web01 app: one", "<14>two", "12 three", "last"}));
}

TEST(SyslogFramer, UnterminatedLineWaitsForMoreOrTheEnd) {
  EXPECT_TRUE(frame(SyslogFraming::kNewline, "<13>half", 0, 1024, false).messages.empty());
  EXPECT_EQ(frame(SyslogFraming::kNewline, "<13>half").messages, texts({"<13>half"}));
}

TEST(SyslogFramer, OctetCounting) {
  const std::string msg1 = "<165>1 2026-11-23T10:05:00.000+07:00 host app 1 ID47 - hello";
  const std::string msg2 = "<13>Nov 23 10:00:00 web01 app: with\nan embedded newline";
  const std::string data = std::to_string(msg1.size()) + " " + msg1 + std::to_string(msg2.size()) +
                           " " + msg2 + "7 trail\r\n";
  const auto run = frame(SyslogFraming::kOctetCounting, data);
  EXPECT_EQ(run.result, SyslogFramer::Result::kOk);
  // The count frames the message, so an embedded LF stays; one trailing CRLF inside a frame goes.
  EXPECT_EQ(run.messages, texts({msg1, msg2, "trail"}));
}

TEST(SyslogFramer, OctetCountingToleratesLineBreaksBetweenFrames) {
  const auto run = frame(SyslogFraming::kOctetCounting, "3 abc\n\r\n3 def\n");
  EXPECT_EQ(run.result, SyslogFramer::Result::kOk);
  EXPECT_EQ(run.messages, texts({"abc", "def"}));
}

TEST(SyslogFramer, AutoDetectsEachFrame) {
  const std::string counted = "<13>Nov 23 10:00:00 web01 app: counted";
  const std::string data = "<13>Nov 23 10:00:00 web01 app: line one\n" +
                           std::to_string(counted.size()) + " " + counted +
                           "<13>Nov 23 10:00:00 web01 app: line two\n"
                           "2026-11-23T10:05:00+07:00 web01 app: rsyslog timestamp\n"
                           "1700000000 epoch first: ten digits are not a length\n"
                           "0 is not a length either\n";
  const auto expected =
      texts({"<13>Nov 23 10:00:00 web01 app: line one", counted,
             "<13>Nov 23 10:00:00 web01 app: line two",
             "2026-11-23T10:05:00+07:00 web01 app: rsyslog timestamp",
             "1700000000 epoch first: ten digits are not a length", "0 is not a length either"});
  EXPECT_EQ(frame(SyslogFraming::kAuto, data).messages, expected);
  // The same bytes split at every possible place give the same messages.
  for (size_t chunk = 1; chunk < 12; ++chunk) {
    EXPECT_EQ(frame(SyslogFraming::kAuto, data, chunk).messages, expected) << "chunk " << chunk;
  }
}

TEST(SyslogFramer, PartialFramesAcrossReads) {
  const std::string data = "11 <13>abcdefg12 <13>abcdefgh<13>line\n";
  const auto expected = texts({"<13>abcdefg", "<13>abcdefgh", "<13>line"});
  for (size_t chunk = 1; chunk <= data.size(); ++chunk) {
    const auto run = frame(SyslogFraming::kAuto, data, chunk);
    EXPECT_EQ(run.messages, expected) << "chunk " << chunk;
  }
  SyslogFramer f(SyslogFraming::kOctetCounting, 1024);
  std::vector<std::string> got;
  const auto sink = [&](std::string_view t, bool) { got.emplace_back(t); };
  EXPECT_EQ(f.feed("11 <13>abc", sink), SyslogFramer::Result::kOk);
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(f.buffered(), 7u);
  EXPECT_EQ(f.feed("defg", sink), SyslogFramer::Result::kOk);
  EXPECT_EQ(got, std::vector<std::string>{"<13>abcdefg"});
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(SyslogFramer, AbsurdOctetCountStopsTheStream) {
  // 16 × the maximum, at least 1 MiB: above it the sender is broken or not speaking syslog.
  EXPECT_EQ(SyslogFramer(SyslogFraming::kAuto, 1024).absurd_length(), 1024u * 1024u);
  for (const auto mode : {SyslogFraming::kAuto, SyslogFraming::kOctetCounting}) {
    const auto run = frame(mode, "3 abc99999999 <13>rest\n5 after", 0, 1024);
    EXPECT_EQ(run.result, SyslogFramer::Result::kAbsurdLength);
    EXPECT_EQ(run.messages, texts({"abc"}));  // what came before is kept; nothing after
  }
  // Forced octet counting: too many digits is absurd before any space arrives.
  const auto run = frame(SyslogFraming::kOctetCounting, "123456789012345", 0, 1024, false);
  EXPECT_EQ(run.result, SyslogFramer::Result::kAbsurdLength);
}

TEST(SyslogFramer, ForcedOctetCountingRejectsOtherFrames) {
  for (const std::string bad : {"<13>no length\n", "0 zero\n", "12x oops", " 3 abc"}) {
    const auto run = frame(SyslogFraming::kOctetCounting, "3 abc" + bad);
    EXPECT_EQ(run.result, SyslogFramer::Result::kBadFrame) << bad;
    EXPECT_EQ(run.messages, texts({"abc"})) << bad;
  }
}

TEST(SyslogFramer, LongLinesAreCutAndFlagged) {
  const std::string long_line(1000, 'a');
  const auto run = frame(SyslogFraming::kNewline, long_line + "\nshort\n", 7, 256);
  ASSERT_EQ(run.messages.size(), 2u);
  EXPECT_EQ(run.messages[0], (Out{std::string(256, 'a'), true}));
  EXPECT_EQ(run.messages[1], (Out{"short", false}));
}

TEST(SyslogFramer, LongCountedFramesAreCutAndTheRestSkipped) {
  const std::string body(1000, 'b');
  const auto run = frame(SyslogFraming::kAuto, "1000 " + body + "3 abc", 13, 256);
  EXPECT_EQ(run.result, SyslogFramer::Result::kOk);
  ASSERT_EQ(run.messages.size(), 2u);
  EXPECT_EQ(run.messages[0], (Out{std::string(256, 'b'), true}));
  EXPECT_EQ(run.messages[1], (Out{"abc", false}));
}

TEST(SyslogFramer, FrameCutShortByTheEndOfStreamIsTruncated) {
  const auto run = frame(SyslogFraming::kOctetCounting, "20 <13>only part");
  EXPECT_EQ(run.messages, (std::vector<Out>{{"<13>only part", true}}));
  // A length without a frame is nothing.
  EXPECT_TRUE(frame(SyslogFraming::kOctetCounting, "3 abc12").messages.size() == 1);
  // In auto mode a final run of digits is a line.
  EXPECT_EQ(frame(SyslogFraming::kAuto, "12345").messages, texts({"12345"}));
}

TEST(SyslogFramer, BrokenFramerIgnoresFurtherInput) {
  SyslogFramer f(SyslogFraming::kOctetCounting, 1024);
  int n = 0;
  const auto sink = [&](std::string_view, bool) { ++n; };
  EXPECT_EQ(f.feed("garbage", sink), SyslogFramer::Result::kBadFrame);
  EXPECT_EQ(f.feed("3 abc", sink), SyslogFramer::Result::kOk);
  f.finish(sink);
  EXPECT_EQ(n, 0);
}

TEST(SyslogFramer, BinaryGarbageNeverBreaksTheBounds) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    std::string data(1 + rng() % 4096, '\0');
    for (auto& c : data) {
      // Mostly digits, spaces and LFs so that every state is reached, the rest any byte.
      const unsigned r = rng() % 8;
      c = r == 0   ? ' '
          : r == 1 ? '\n'
          : r < 5  ? static_cast<char>('0' + rng() % 10)
                   : static_cast<char>(rng());
    }
    const auto mode = static_cast<SyslogFraming>(round % 3);
    SyslogFramer f(mode, 300);
    size_t total = 0;
    const auto sink = [&](std::string_view text, bool) {
      ASSERT_FALSE(text.empty());
      ASSERT_LE(text.size(), 300u);
      total += text.size();
    };
    for (size_t i = 0; i < data.size();) {
      const size_t n = 1 + rng() % 100;
      if (f.feed(std::string_view(data).substr(i, n), sink) != SyslogFramer::Result::kOk) break;
      ASSERT_LE(f.buffered(), 300u);
      i += n;
    }
    f.finish(sink);
    EXPECT_LE(total, data.size());
  }
}

}  // namespace
}  // namespace soc
