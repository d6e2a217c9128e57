#include "testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace coupongen::testing {
namespace {

// A pipe whose ends are closed on destruction.
struct Pipe {
  int fd[2] = {-1, -1};
  bool Open() { return pipe2(fd, O_CLOEXEC) == 0; }
  void Close(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
  ~Pipe() {
    Close(0);
    Close(1);
  }
};

// Feeds `input` to `in_fd` while reading `out_fd` and `err_fd` until both reach end of file.
void Pump(int in_fd, const std::string& input, int out_fd, int err_fd, RunResult* r) {
  size_t written = 0;
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  char buf[65536];
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3];
    int n = 0;
    if (out_fd >= 0) fds[n++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[n++] = {err_fd, POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      int fd = fds[i].fd;
      if (fd == in_fd) {
        ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 || written == input.size()) {  // done, or the child stopped reading (EPIPE)
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      ssize_t got = read(fd, buf, sizeof buf);
      if (got > 0) {
        (fd == out_fd ? r->out : r->err).append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fd);
        (fd == out_fd ? out_fd : err_fd) = -1;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
}

}  // namespace

RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_text) {
  RunResult r;
  if (argv.empty()) return r;
  Pipe in, out, err;
  if (!in.Open() || !out.Open() || !err.Open()) {
    r.err = std::string("pipe: ") + std::strerror(errno);
    return r;
  }
  // A child that exits before reading all of stdin must not kill the test with SIGPIPE.
  signal(SIGPIPE, SIG_IGN);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    r.err = std::string("fork: ") + std::strerror(errno);
    return r;
  }
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    dup2(in.fd[0], 0);
    dup2(out.fd[1], 1);
    dup2(err.fd[1], 2);
    execvp(args[0], args.data());
    const char* msg = "exec failed\n";
    (void)!write(2, msg, std::strlen(msg));
    _exit(127);
  }
  in.Close(0);
  out.Close(1);
  err.Close(1);
  int in_fd = in.fd[1], out_fd = out.fd[0], err_fd = err.fd[0];
  in.fd[1] = out.fd[0] = err.fd[0] = -1;  // Pump closes them
  Pump(in_fd, stdin_text, out_fd, err_fd, &r);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) r.exit_code = 128 + WTERMSIG(status);
  return r;
}

RunResult RunCoupongen(const std::vector<std::string>& args, const std::string& stdin_text) {
  std::vector<std::string> argv{COUPONGEN_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, stdin_text);
}

}  // namespace coupongen::testing
