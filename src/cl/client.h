// The Commerce Layer API client: credentials, OAuth2 client-credentials tokens, and requests with
// the retry rules of the contract (429: Retry-After when positive, else back-off from 10 s;
// 5xx, timeouts and lost connections: exponential back-off with jitter; a 401 renews the token
// once). Secrets (client secret, token) never appear in any Status message this returns.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "cl/http.h"

namespace coupongen::cl {

inline constexpr const char* kDefaultAuthUrl = "https://auth.commercelayer.io/oauth/token";

struct Credentials {
  std::string client_id;
  std::string client_secret;
  std::string scope;     // optional
  std::string auth_url;  // the token endpoint
  std::string api_url;   // empty: https://<slug>.commercelayer.io from the token
};

/// Where credentials come from: a credentials file (YAML, mode 0600 or stricter, owned by the
/// user) or the environment (CL_CLIENT_ID, CL_CLIENT_SECRET, CL_SCOPE, CL_AUTH_URL, CL_API_URL);
/// --auth-url and --api-url override both. A missing variable or a refused file is kUsage,
/// naming the variable or the file.
struct CredentialSources {
  std::optional<std::string> file;
  std::optional<std::string> auth_url;  // --auth-url
  std::optional<std::string> api_url;   // --api-url
  std::function<const char*(const char*)> getenv;  // default ::getenv
};
Result<Credentials> LoadCredentials(const CredentialSources& sources);

/// The `organization.slug` claim of a JWT access token (no signature check), or "".
std::string SlugFromToken(const std::string& jwt);

/// How long to wait between tries. Test runs shrink every wait with COUPONGEN_TEST_TIME_SCALE
/// (a factor such as 0.01; test-only, documented in the README). It never changes TLS.
struct RetryPolicy {
  double time_scale = 1.0;
  int max_attempts = 7;            // per request, for 5xx / timeouts / lost connections
  int max_throttled = 30;          // per request, for 429
  double base_backoff_s = 1.0;     // 5xx: 1, 2, 4, 8, ... (capped), each × jitter in [0.5, 1.5)
  double max_backoff_s = 30.0;
  double throttle_backoff_s = 10.0;  // 429 without a positive Retry-After: 10, 20, 40, 60, 60, ...
  long request_timeout_ms = 60000;
  /// Reads COUPONGEN_TEST_TIME_SCALE.
  static RetryPolicy FromEnvironment();
  std::chrono::milliseconds Scaled(double seconds) const;
};

/// The outcome of an API call: a response (any HTTP status the caller must look at), or a Status
/// when the call could not be completed (network failure after the retries, timeout of the run,
/// credentials refused).
struct ApiResponse {
  long status = 0;
  nlohmann::json body;  // parsed JSON, or null when the body was not JSON
  std::string raw;
};

class Client {
 public:
  /// `deadline`: the whole run's end; every wait and request stops there.
  Client(Credentials credentials, HttpClient& http, RetryPolicy policy,
         std::chrono::steady_clock::time_point deadline);

  /// Retries how a request may be retried. kSafe: any failure (GET, or a POST that the server
  /// certainly did not act on). kNoAmbiguousRetry: 5xx, timeouts and lost connections after the
  /// request was sent are returned to the caller (as `ambiguous`), because the server may have
  /// acted on it; 429 and 401 are still retried (nothing was done).
  enum class Retry { kSafe, kNoAmbiguousRetry };

  /// METHOD <api-url>/api<path>. `body` (may be null) is sent as JSON:API.
  /// On an ambiguous failure with kNoAmbiguousRetry, *ambiguous is set and a kIoError returned.
  Result<ApiResponse> Call(const std::string& method, const std::string& path, const nlohmann::json* body,
                           Retry retry = Retry::kSafe, bool* ambiguous = nullptr);

  /// Plain GET of a URL outside the API (an export's attachment), without the Authorization
  /// header, with the same retries. Returns the body bytes; a non-2xx is a kIoError.
  Result<std::string> Download(const std::string& url);

  /// Sleeps `d` (scaled), or until the deadline; false when the deadline came first.
  bool Sleep(std::chrono::milliseconds d) const;
  bool Expired() const { return std::chrono::steady_clock::now() >= deadline_; }
  const RetryPolicy& policy() const { return policy_; }
  /// The API base (after the first token when it comes from the token).
  Status EnsureToken();
  /// A timeout Status that says how to resume.
  static Status TimedOut();

 private:
  struct Token {
    std::string value;
    std::chrono::steady_clock::time_point renew_at;
    uint64_t generation = 0;
  };
  Result<Token> CurrentToken();
  Status FetchToken(uint64_t stale_generation);
  std::chrono::milliseconds Jitter(std::chrono::milliseconds d) const;
  long RequestTimeoutMs() const;

  Credentials credentials_;
  HttpClient& http_;
  RetryPolicy policy_;
  std::chrono::steady_clock::time_point deadline_;
  std::mutex mutex_;
  Token token_;
  std::string api_base_;
};

/// Commerce Layer's error messages from a response body: both shapes ("errors" an array, or an
/// object as in a 429) joined with "; ", e.g. "422 VALIDATION_ERROR: code - has already been taken".
std::string ApiErrorText(const ApiResponse& r);

}  // namespace coupongen::cl
