// Persistent-worker mode of chronon_compiler (`--persistent_worker`, started by Bazel's worker strategy): one
// process answers many compile requests, so process start, dynamic linking and protobuf's descriptor setup are
// paid once instead of once per Chronon object.
#ifndef CHRONON_WORKER_H_
#define CHRONON_WORKER_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace google::protobuf::io {
class ZeroCopyInputStream;
}  // namespace google::protobuf::io

namespace chronon {

// Handles one request: the action's arguments -> exit status, with its messages appended to `*messages`.
using RequestHandler = std::function<int(const std::vector<std::string>& args, std::string* messages)>;

// Reads length-delimited WorkRequests from `in` until end of input and answers each with a WorkResponse on `out`,
// flushed at once (Bazel waits for it). Returns 0 at a clean end of input, 1 if the input is not a WorkRequest
// stream or `out` fails (Bazel then restarts the worker).
//
// `in` must hand out whatever bytes have arrived rather than wait to fill a buffer (a FileInputStream over the
// pipe, not an IstreamInputStream over std::cin, whose istream::read blocks for a full block while Bazel waits
// for the response: a deadlock).
int RunWorker(google::protobuf::io::ZeroCopyInputStream* in, std::ostream& out, const RequestHandler& handler);

// RunWorker over the process's stdin and stdout (file descriptor 0 and std::cout).
int RunWorkerOnStdio(const RequestHandler& handler);

}  // namespace chronon

#endif  // CHRONON_WORKER_H_
