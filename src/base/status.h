// Status and Result<T>: the one error-value style of library code (leveldb's Status).
// Library code below cli/ never prints and never exits; it returns these.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "base/exit_codes.h"

namespace coupongen {

class Status {
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

  bool ok() const { return code_ == Code::kOk; }
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
};

/// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}   // NOLINT: REQUIRES: !status.ok()
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
