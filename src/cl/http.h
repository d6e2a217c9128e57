// The HTTP seam of the Commerce Layer client: one request in, one response (or a transport
// failure) out. The only implementation that touches the network is libcurl's (http.cc); the
// rest of src/cl/ sees this interface. TLS peer and host verification are always on: there is no
// switch to turn them off, only a CA bundle for private CAs.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/strings.h"

namespace coupongen::cl {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 60000;   // the whole request
  bool follow_redirects = false;
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

/// Why no response came back. Messages never hold the request's headers or body (secrets).
/// kNotConnected: the request never left (connection refused, name not resolved): safe to resend.
enum class TransportError { kNone, kNotConnected, kTimeout, kConnection, kTls, kOther };

struct HttpResult {
  TransportError error = TransportError::kNone;
  std::string error_message;  // when error != kNone: curl's text, no secrets
  HttpResponse response;
  bool ok() const { return error == TransportError::kNone; }
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Thread-safe: callers on several threads may send at once.
  virtual HttpResult Send(const HttpRequest& request) = 0;
};

/// libcurl, TLS verification on; `ca_file` (may be empty) replaces the system CA bundle.
std::unique_ptr<HttpClient> MakeCurlHttpClient(const std::string& ca_file);

// UrlEncode (percent-encoding a query value or path segment) is in base/strings.h.

}  // namespace coupongen::cl
