#include "chronon/compiler/worker.h"

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <iostream>

#include "chronon/compiler/worker_protocol.pb.h"

namespace chronon {

int RunWorker(google::protobuf::io::ZeroCopyInputStream* input, std::ostream& out, const RequestHandler& handler) {
  worker::WorkRequest request;
  worker::WorkResponse response;
  while (true) {
    request.Clear();
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&request, input, &clean_eof)) {
      return clean_eof ? 0 : 1;
    }
    std::vector<std::string> args(request.arguments().begin(), request.arguments().end());
    std::string messages;
    const int exit_code = handler(args, &messages);
    response.Clear();
    response.set_exit_code(exit_code);
    response.set_output(std::move(messages));
    response.set_request_id(request.request_id());
    if (!google::protobuf::util::SerializeDelimitedToOstream(response, &out) || !out.flush()) return 1;
  }
}

int RunWorkerOnStdio(const RequestHandler& handler) {
  std::ios::sync_with_stdio(false);
  google::protobuf::io::FileInputStream stdin_stream(0);
  return RunWorker(&stdin_stream, std::cout, handler);
}

}  // namespace chronon
