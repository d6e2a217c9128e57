// Status and Result<T>: the one error-value style of library code (leveldb's Status).
// Library code below cli/ never prints and never exits; it returns these.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "base/exit_codes.h"

namespace coupongen {

/// [[nodiscard]]: a Status dropped on the floor is an error lost; say (void) where that is meant.
class [[nodiscard]] Status {
 public:
  enum class Code { kOk, kIoError, kUsage, kInvalid, kInfeasible, kCredentials };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  static Status Usage(std::string msg) { return Status(Code::kUsage, std::move(msg)); }
  static Status Invalid(std::string msg) { return Status(Code::kInvalid, std::move(msg)); }
  static Status Infeasible(std::string msg) { return Status(Code::kInfeasible, std::move(msg)); }
  /// Commerce Layer refused the credentials (exit 6).
  static Status Credentials(std::string msg) { return Status(Code::kCredentials, std::move(msg)); }

  /// An error already reported to the user in full (a spec's located problems, each on its own
  /// line): the caller exits with its code and prints nothing more. REQUIRES: code != kOk.
  static Status Reported(Code code) {
    Status s(code == Code::kOk ? Code::kIoError : code, "");
    s.reported_ = true;
    return s;
  }

  bool ok() const { return code_ == Code::kOk; }
  bool reported() const { return reported_; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  /// The process exit code this status maps to (see base/exit_codes.h).
  int exit_code() const {
    switch (code_) {
      case Code::kOk: return kExitSuccess;
      case Code::kIoError: return kExitFailure;
      case Code::kUsage: return kExitUsage;
      case Code::kInvalid: return kExitInvalid;
      case Code::kInfeasible: return kExitInfeasible;
      case Code::kCredentials: return kExitCredentials;
    }
    return kExitFailure;
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
  bool reported_ = false;
};

/// A value or the Status that explains why there is none. Never neither: a Result made from an
/// ok Status (a bug: `return Status::Ok();` in a function returning Result<T>) holds an internal
/// error instead, so it can never pass for success with no value, nor print an empty message.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status)                      // NOLINT: implicit by design
      : v_(status.ok() ? Status::IoError("internal error: an operation returned neither a value nor an error")
                       : std::move(status)) {}
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

#define COUPONGEN_RETURN_IF_ERROR(expr)     \
  do {                                      \
    ::coupongen::Status _st = (expr);       \
    if (!_st.ok()) return _st;              \
  } while (0)

}  // namespace coupongen
