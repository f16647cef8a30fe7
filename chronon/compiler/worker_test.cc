// The worker loop against in-memory streams, and worker mode against the one-shot command on real files: same
// bytes, same messages, same exit status, no output left after a failure, and the worker survives bad requests.
#include "chronon/compiler/worker.h"

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "chronon/compiler/cli.h"
#include "chronon/compiler/worker_protocol.pb.h"
#include "gtest/gtest.h"

namespace chronon {
namespace {

using worker::WorkRequest;
using worker::WorkResponse;

std::string Requests(const std::vector<WorkRequest>& requests) {
  std::ostringstream out;
  for (const WorkRequest& r : requests) google::protobuf::util::SerializeDelimitedToOstream(r, &out);
  return out.str();
}

std::vector<WorkResponse> Responses(const std::string& bytes) {
  std::istringstream in(bytes);
  google::protobuf::io::IstreamInputStream stream(&in);
  std::vector<WorkResponse> responses;
  bool eof = false;
  while (true) {
    WorkResponse r;  // fresh each time: parsing merges, and proto3 does not send zero values
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&r, &stream, &eof)) break;
    responses.push_back(r);
  }
  EXPECT_TRUE(eof) << "trailing garbage after the responses";
  return responses;
}

WorkRequest Request(std::vector<std::string> args, int id = 0) {
  WorkRequest r;
  for (const std::string& a : args) r.add_arguments(a);
  r.set_request_id(id);
  return r;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A request stream in memory, handed out in small blocks so that messages straddle buffer boundaries.
struct Input {
  explicit Input(std::string b) : bytes(std::move(b)), stream(bytes.data(), static_cast<int>(bytes.size()), 7) {}
  std::string bytes;
  google::protobuf::io::ArrayInputStream stream;
};

TEST(WorkerLoop, AnswersEachRequestInOrderWithItsIdAndEndsCleanly) {
  Input in(Requests({Request({"a", "b"}, 7), Request({}, 0), Request({"fail"}, 9)}));
  std::ostringstream out;
  std::vector<std::vector<std::string>> seen;
  const int status = RunWorker(&in.stream, out, [&](const std::vector<std::string>& args, std::string* messages) {
    seen.push_back(args);
    *messages = "got " + std::to_string(args.size());
    return args.size() == 1 ? 1 : 0;
  });
  EXPECT_EQ(status, 0);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], (std::vector<std::string>{"a", "b"}));
  const std::vector<WorkResponse> responses = Responses(out.str());
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].request_id(), 7);
  EXPECT_EQ(responses[0].exit_code(), 0);
  EXPECT_EQ(responses[0].output(), "got 2");
  EXPECT_EQ(responses[1].output(), "got 0");
  EXPECT_EQ(responses[2].request_id(), 9);
  EXPECT_EQ(responses[2].exit_code(), 1);
}

TEST(WorkerLoop, TruncatedInputIsAnErrorNotAHang) {
  std::string bytes = Requests({Request({"--kind=source"})});
  Input in(bytes.substr(0, bytes.size() - 3));
  std::ostringstream out;
  int calls = 0;
  EXPECT_EQ(RunWorker(&in.stream, out, [&](const std::vector<std::string>&, std::string*) { return ++calls, 0; }), 1);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(out.str(), "");
}

// Bazel keeps the pipe open after a request and waits for the answer: the worker must not wait for more bytes.
TEST(WorkerLoop, AnswersARequestWhileThePipeStaysOpen) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::promise<void> answered;
  std::future<void> done = answered.get_future();
  std::ostringstream out;
  std::thread worker([&] {
    google::protobuf::io::FileInputStream in(fds[0]);
    RunWorker(&in, out, [&](const std::vector<std::string>&, std::string*) {
      answered.set_value();
      return 0;
    });
  });
  const std::string request = Requests({Request({"--kind=source"}, 1)});
  ASSERT_EQ(write(fds[1], request.data(), request.size()), static_cast<ssize_t>(request.size()));
  const bool in_time = done.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  close(fds[1]);  // ends the worker either way, so the test fails rather than hangs
  worker.join();
  close(fds[0]);
  EXPECT_TRUE(in_time) << "the worker did not answer a request while its stdin stayed open";
  EXPECT_EQ(Responses(out.str()).size(), 1u);
}

class WorkerVsOneShot : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/";
    Write(dir_ + "teams.json", R"({"default": {"table_properties": {"source": "chronon"}}, "t": {"namespace": "ns"}})");
    Write(dir_ + "src.textproto",
          "events { table: \"db.events\" query { selects { key: \"user\" value: \"user_id\" } "
          "time_column: \"ts\" start_partition: \"2023-01-01\" } }\n");
    Write(dir_ + "gb.textproto",
          "sources { ref: \"//sources:src\" }\nkey_columns: \"user\"\n"
          "aggregations { input_column: \"amount\" operation: SUM windows { length: 7 time_unit: DAYS } }\n"
          "meta_data { online: true }\n");
    Write(dir_ + "bad.textproto", "sources { ref: \"//sources:src\" }\nkey_columns: \"user\"\nno_such_field: 1\n");
    std::string messages;
    ASSERT_EQ(RunCompile({"--kind=source", "--label=//sources:src", "--src=" + dir_ + "src.textproto",
                          "--teams=" + dir_ + "teams.json", "--out_summary=" + dir_ + "src.summary"},
                         &messages),
              0)
        << messages;
  }

  std::vector<std::string> GroupByArgs(const std::string& src, const std::string& out) {
    return {"--kind=group_by",
            "--label=//group_bys/t:gb.v1",
            "--name=t.gb.v1",
            "--src=" + dir_ + src,
            "--teams=" + dir_ + "teams.json",
            "--dep=" + dir_ + "src.summary",
            "--out_summary=" + dir_ + out + ".summary",
            "--out_conf=" + dir_ + out + ".conf"};
  }

  std::string dir_;
};

TEST_F(WorkerVsOneShot, SameBytesMessagesAndStatus) {
  std::string one_shot_messages, bad_messages;
  ASSERT_EQ(RunCompile(GroupByArgs("gb.textproto", "one_shot"), &one_shot_messages), 0) << one_shot_messages;
  EXPECT_EQ(RunCompile(GroupByArgs("bad.textproto", "one_shot_bad"), &bad_messages), 1);
  ASSERT_NE(bad_messages, "");

  // The worker gets the request twice, a failing one in between, and a bad command line: each answer stands alone.
  WorkRequest usage = Request({"--kind=nope"}, 4);
  Input in(Requests({Request(GroupByArgs("gb.textproto", "w1"), 1), Request(GroupByArgs("bad.textproto", "w_bad"), 2),
                     Request(GroupByArgs("gb.textproto", "w2"), 3), usage}));
  std::ostringstream out;
  ASSERT_EQ(RunWorker(&in.stream, out, RunCompile), 0);
  const std::vector<WorkResponse> r = Responses(out.str());
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].exit_code(), 0);
  EXPECT_EQ(r[0].output(), one_shot_messages);
  EXPECT_EQ(r[1].exit_code(), 1);
  // Diagnostics name the file, which differs only by the output name used; the source file is the same.
  EXPECT_EQ(r[1].output(), bad_messages);
  EXPECT_EQ(r[2].exit_code(), 0) << r[2].output();
  EXPECT_EQ(r[3].exit_code(), 2);
  EXPECT_NE(r[3].output().find("usage: chronon_compiler"), std::string::npos);
  for (const char* out_name : {"w1", "w2"}) {
    EXPECT_EQ(Read(dir_ + out_name + ".conf"), Read(dir_ + "one_shot.conf"));
    EXPECT_EQ(Read(dir_ + out_name + ".summary"), Read(dir_ + "one_shot.summary"));
  }
  EXPECT_FALSE(Exists(dir_ + "w_bad.conf"));
  EXPECT_FALSE(Exists(dir_ + "w_bad.summary"));
}

TEST_F(WorkerVsOneShot, AFailedRequestRemovesOutputsOfAnEarlierSuccess) {
  Input in(
      Requests({Request(GroupByArgs("gb.textproto", "same"), 1), Request(GroupByArgs("bad.textproto", "same"), 2)}));
  std::ostringstream out;
  ASSERT_EQ(RunWorker(&in.stream, out, RunCompile), 0);
  const std::vector<WorkResponse> r = Responses(out.str());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].exit_code(), 1);
  EXPECT_FALSE(Exists(dir_ + "same.conf"));
  EXPECT_FALSE(Exists(dir_ + "same.summary"));
  EXPECT_FALSE(Exists(dir_ + "same.conf.tmp"));
}

TEST_F(WorkerVsOneShot, UnreadableDependencyIsReportedAndTheWorkerGoesOn) {
  std::vector<std::string> args = GroupByArgs("gb.textproto", "missing_dep");
  args[5] = "--dep=" + dir_ + "no_such.summary";
  Input in(Requests({Request(args, 1), Request(GroupByArgs("gb.textproto", "after"), 2)}));
  std::ostringstream out;
  ASSERT_EQ(RunWorker(&in.stream, out, RunCompile), 0);
  const std::vector<WorkResponse> r = Responses(out.str());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].exit_code(), 1);
  EXPECT_EQ(r[0].output(), dir_ + "no_such.summary:1:1: error: cannot read the dependency [unreadable-file]\n");
  EXPECT_EQ(r[1].exit_code(), 0);
  EXPECT_TRUE(Exists(dir_ + "after.conf"));
}

// The `text` attribute's path: the definition comes in the arguments, escaped onto one line (compile.bzl's
// _escape_line); --src only names it in messages, and --out_src (the chronon_textproto action) writes it. Same conf
// as the file, through the worker too; the messages of a bad definition name the file and end with the command that
// writes it.
TEST_F(WorkerVsOneShot, SrcTextIsCompiledLikeTheFileAndWrittenToOutSrc) {
  std::string messages;
  ASSERT_EQ(RunCompile(GroupByArgs("gb.textproto", "from_file"), &messages), 0) << messages;
  std::string text = Read(dir_ + "gb.textproto");
  // A backslash and a non-ASCII letter in a string, and a carriage return, survive the round trip.
  text += "backfill_start_date: \"a \\\\ b \\\" \xc3\xa9\"\r\n";
  auto escape = [](const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\\')
        out += "\\\\";
      else if (c == '\n')
        out += "\\n";
      else if (c == '\r')
        out += "\\r";
      else
        out += c;
    }
    return out;
  };
  Write(dir_ + "gb_described.textproto", text);
  ASSERT_EQ(RunCompile(GroupByArgs("gb_described.textproto", "described"), &messages), 0) << messages;

  std::vector<std::string> args = GroupByArgs("generated.textproto", "from_text");
  args.push_back("--src_text=\xC3\xA9" + escape(text));
  ASSERT_EQ(escape(text).find('\n'), std::string::npos);
  // The compile action of the rules: --src only names the text, nothing writes it.
  ASSERT_EQ(RunCompile(args, &messages), 0) << messages;
  EXPECT_FALSE(Exists(dir_ + "generated.textproto"));
  EXPECT_EQ(Read(dir_ + "from_text.conf"), Read(dir_ + "described.conf"));
  EXPECT_NE(Read(dir_ + "from_text.conf"), Read(dir_ + "from_file.conf"));
  // The rules' chronon_textproto action: only --out_src, the text written there and nothing compiled.
  const std::vector<std::string> write_only = {
      "--kind=group_by", "--label=//group_bys/t:gb.v1", "--src=" + dir_ + "generated.textproto",
      "--src_text=\xC3\xA9" + escape(text), "--out_src=" + dir_ + "generated.textproto"};
  ASSERT_EQ(RunCompile(write_only, &messages), 0) << messages;
  EXPECT_EQ(Read(dir_ + "generated.textproto"), text);
  // Both: written, then compiled.
  std::vector<std::string> write_and_compile = args;
  write_and_compile.push_back("--out_src=" + dir_ + "written.textproto");
  ASSERT_EQ(RunCompile(write_and_compile, &messages), 0) << messages;
  EXPECT_EQ(Read(dir_ + "written.textproto"), text);
  std::vector<std::string> out_src_alone = GroupByArgs("gb.textproto", "out_src_alone");
  out_src_alone.push_back("--out_src=" + dir_ + "nothing.textproto");
  std::string out_src_messages;
  EXPECT_EQ(RunCompile(out_src_alone, &out_src_messages), 2);
  EXPECT_NE(out_src_messages.find("--out_src needs --src_text or --src_value"), std::string::npos) << out_src_messages;

  // As Bazel 4.2.3 delivers it: every byte of 0x80 and above encoded in UTF-8 a second time, the marker too.
  auto encode_again = [](const std::string& s) {
    std::string out;
    for (char ch : s) {
      const unsigned char c = static_cast<unsigned char>(ch);
      if (c < 0x80) {
        out += ch;
      } else {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
      }
    }
    return out;
  };
  std::vector<std::string> doubled = GroupByArgs("generated_doubled.textproto", "doubled");
  doubled.push_back("--src_text=" + encode_again("\xC3\xA9" + escape(text)));
  ASSERT_NE(doubled.back(), args.back());
  doubled.push_back("--out_src=" + dir_ + "generated_doubled.textproto");
  ASSERT_EQ(RunCompile(doubled, &messages), 0) << messages;
  EXPECT_EQ(Read(dir_ + "generated_doubled.textproto"), text);
  EXPECT_EQ(Read(dir_ + "doubled.conf"), Read(dir_ + "described.conf"));
  std::vector<std::string> unmarked = GroupByArgs("generated_unmarked.textproto", "unmarked");
  unmarked.push_back("--src_text=" + escape(text));
  std::string unmarked_messages;
  EXPECT_EQ(RunCompile(unmarked, &unmarked_messages), 2);
  EXPECT_NE(unmarked_messages.find("must start with the marker"), std::string::npos) << unmarked_messages;

  Input in(Requests({Request(args, 1)}));
  std::ostringstream out;
  ASSERT_EQ(RunWorker(&in.stream, out, RunCompile), 0);
  const std::vector<WorkResponse> r = Responses(out.str());
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].exit_code(), 0) << r[0].output();

  std::vector<std::string> bad = GroupByArgs("generated_bad.textproto", "bad_text");
  bad.push_back("--src_text=\xC3\xA9" + escape(Read(dir_ + "bad.textproto")));
  std::string bad_messages;
  EXPECT_EQ(RunCompile(bad, &bad_messages), 1);
  EXPECT_NE(bad_messages.find(dir_ + "generated_bad.textproto:3:1: error:"), std::string::npos) << bad_messages;
  // The last line says how to write the file the message names (the compile did not).
  ASSERT_NE(bad_messages.rfind("  the file:"), std::string::npos) << bad_messages;
  EXPECT_EQ(bad_messages.substr(bad_messages.rfind("  the file:")),
            "  the file: bazel build --output_groups=chronon_textproto //group_bys/t:gb.v1 writes " + dir_ +
                "generated_bad.textproto\n");
  EXPECT_FALSE(Exists(dir_ + "generated_bad.textproto"));
  EXPECT_FALSE(Exists(dir_ + "bad_text.conf"));
  // With --out_src the file is there to open, and no such line.
  bad.push_back("--out_src=" + dir_ + "generated_bad.textproto");
  std::string written_messages;
  EXPECT_EQ(RunCompile(bad, &written_messages), 1);
  EXPECT_EQ(Read(dir_ + "generated_bad.textproto"), Read(dir_ + "bad.textproto"));
  EXPECT_EQ(written_messages.find("the file: bazel build"), std::string::npos) << written_messages;
  EXPECT_FALSE(Exists(dir_ + "bad_text.conf"));

  std::vector<std::string> bad_escape = GroupByArgs("generated_escape.textproto", "bad_escape");
  bad_escape.push_back(
      "--src_text=\xC3\xA9"
      "key_columns: \\\"user\\\"");
  std::string escape_messages;
  EXPECT_EQ(RunCompile(bad_escape, &escape_messages), 2);
  EXPECT_NE(escape_messages.find("--src_text has a bad escape"), std::string::npos) << escape_messages;
}

// chronon_module's value (--src_value, Starlark's repr()): the compiler makes its textproto under a header naming
// the module and the BUILD call (written with --out_src), and compiles it as it compiles the same textproto written
// by hand.
TEST_F(WorkerVsOneShot, ValueFromChrononModule) {
  Write(dir_ + "by_hand.textproto",
        "meta_data { online: true description: \"caf\xC3\xA9\" }\n"
        "sources { ref: \"//sources:src\" }\nkey_columns: \"user\"\n"
        "aggregations { input_column: \"amount\" operation: SUM windows { length: 7 time_unit: DAYS } }\n");
  std::string messages;
  ASSERT_EQ(RunCompile(GroupByArgs("by_hand.textproto", "by_hand"), &messages), 0) << messages;
  const std::string value =
      "struct(_chronon_type = \"GroupBy\", aggregations = [struct(_chronon_type = \"Aggregation\", input_column = "
      "\"amount\", operation = \"SUM\", windows = [struct(_chronon_type = \"Window\", length = 7, time_unit = "
      "\"DAYS\")])], key_columns = [\"user\"], meta_data = struct(_chronon_type = \"MetaData\", description = "
      "\"caf\xC3\xA9\", online = True), sources = [struct(_chronon_type = \"Source\", ref = \"//sources:src\")])";
  std::vector<std::string> args = GroupByArgs("gb.v1.generated.textproto", "from_value");
  args.push_back("--src_value=\xC3\xA9" + value);
  args.push_back("--out_src=" + dir_ + "gb.v1.generated.textproto");
  ASSERT_EQ(RunCompile(args, &messages), 0) << messages;
  EXPECT_EQ(Read(dir_ + "from_value.conf"), Read(dir_ + "by_hand.conf"));
  EXPECT_EQ(
      Read(dir_ + "gb.v1.generated.textproto"),
      "# proto-file: chronon/api.proto\n"
      "# proto-message: chronon.api.GroupBy\n"
      "#\n"
      "# Written by chronon_module(name = \"gb\", v1 = ...) in //group_bys/t:BUILD from the value `v1` of gb.bzl:\n"
      "# edit that file, not this one. Target //group_bys/t:gb.v1 (chronon_group_by).\n"
      "meta_data { online: true description: \"caf\xC3\xA9\" }\n"
      "sources {\n"
      "  ref: \"//sources:src\"\n"
      "}\n"
      "key_columns: \"user\"\n"
      "aggregations {\n"
      "  input_column: \"amount\"\n"
      "  operation: SUM\n"
      "  windows { length: 7 time_unit: DAYS }\n"
      "}\n");

  // As Bazel 4.2.3 delivers a param file: the marker and every byte of 0x80 and above encoded a second time.
  std::vector<std::string> doubled = GroupByArgs("gb.v1.generated.textproto", "doubled_value");
  doubled.push_back("--src_value=\xC3\x83\xC2\xA9" + value);
  doubled.back().replace(doubled.back().find("caf\xC3\xA9"), 5, "caf\xC3\x83\xC2\xA9");
  ASSERT_EQ(RunCompile(doubled, &messages), 0) << messages;
  EXPECT_EQ(Read(dir_ + "doubled_value.conf"), Read(dir_ + "by_hand.conf"));

  std::vector<std::string> bad = GroupByArgs("bad.generated.textproto", "bad_value");
  bad.push_back("--src_value=\xC3\xA9struct(_chronon_type = \"GroupBy\", bogus = 1)");
  std::string bad_messages;
  EXPECT_EQ(RunCompile(bad, &bad_messages), 1);
  EXPECT_EQ(bad_messages, dir_ +
                              "bad.generated.textproto:1:1: error: the value that chronon_module passed is not one "
                              "that python.bzl's helpers make (at byte 42: GroupBy has no field `bogus`) "
                              "[starlark-value]\n  in target //group_bys/t:gb.v1\n");
  EXPECT_FALSE(Exists(dir_ + "bad_value.conf"));

  std::vector<std::string> both = args;
  both.push_back("--src_text=\xC3\xA9key_columns: \"user\"");
  std::string both_messages;
  EXPECT_EQ(RunCompile(both, &both_messages), 2);
  EXPECT_NE(both_messages.find("give --src_text or --src_value, not both"), std::string::npos) << both_messages;
}

}  // namespace
}  // namespace chronon
