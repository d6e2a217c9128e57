#include "cl/client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>

#include "codes/random_source.h"
#include "spec/yaml_map.h"

namespace coupongen::cl {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

Result<std::string> ReadCredentialsFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::Usage("--credentials: cannot open " + path);
  struct stat st;
  std::string refused;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) refused = "is not a regular file";
  else if (st.st_uid != geteuid()) refused = "is not owned by you";
  else if (st.st_mode & 077) refused = "can be read by others (mode must be 0600 or stricter: chmod 600 " + path + ")";
  if (!refused.empty()) {
    close(fd);
    return Status::Usage("--credentials: " + path + " " + refused);
  }
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(fd);
  if (n < 0) return Status::Usage("--credentials: cannot read " + path);
  return text;
}

std::string Base64UrlDecode(std::string s) {
  std::replace(s.begin(), s.end(), '-', '+');
  std::replace(s.begin(), s.end(), '_', '/');
  while (s.size() % 4) s += '=';
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char c : s) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '+') d = 62;
    else if (c == '/') d = 63;
    else break;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

std::string OneError(const nlohmann::json& e) {
  if (!e.is_object()) return "";
  std::string out;
  for (const char* k : {"code", "title", "detail"}) {
    auto it = e.find(k);
    if (it != e.end() && it->is_string() && !it->get<std::string>().empty()) {
      if (!out.empty()) out += k == std::string("code") ? " " : ": ";
      out += it->get<std::string>();
    }
  }
  return out;
}

}  // namespace

Result<Credentials> LoadCredentials(const CredentialSources& src) {
  auto env = src.getenv ? src.getenv : [](const char* n) -> const char* { return std::getenv(n); };
  auto var = [&](const char* name) -> std::string {
    const char* v = env(name);
    return v ? v : "";
  };
  Credentials c;
  if (src.file) {
    auto text = ReadCredentialsFile(*src.file);
    if (!text.ok()) return text.status();
    auto pairs = ParseFlatYamlMap(*text, *src.file);
    if (!pairs.ok()) return Status::Usage("--credentials: " + pairs.status().message());
    for (const auto& [key, value] : *pairs) {
      if (key == "client_id") c.client_id = value;
      else if (key == "client_secret") c.client_secret = value;
      else if (key == "scope") c.scope = value;
      else if (key == "auth_url") c.auth_url = value;
      else if (key == "api_url") c.api_url = value;
      else return Status::Usage("--credentials: " + *src.file + ": unknown key '" + key +
                                "' (expected client_id, client_secret, scope, auth_url, api_url)");
    }
    if (c.client_id.empty()) return Status::Usage("--credentials: " + *src.file + ": client_id is missing");
    if (c.client_secret.empty()) return Status::Usage("--credentials: " + *src.file + ": client_secret is missing");
  } else {
    c.client_id = var("CL_CLIENT_ID");
    c.client_secret = var("CL_CLIENT_SECRET");
    c.scope = var("CL_SCOPE");
    if (c.client_id.empty())
      return Status::Usage("CL_CLIENT_ID is not set (the integration application's client id; or use --credentials FILE)");
    if (c.client_secret.empty())
      return Status::Usage("CL_CLIENT_SECRET is not set (the integration application's client secret; or use --credentials FILE)");
  }
  if (c.auth_url.empty()) c.auth_url = var("CL_AUTH_URL");
  if (c.api_url.empty()) c.api_url = var("CL_API_URL");
  if (src.auth_url) c.auth_url = *src.auth_url;
  if (src.api_url) c.api_url = *src.api_url;
  if (c.auth_url.empty()) c.auth_url = kDefaultAuthUrl;
  while (!c.api_url.empty() && c.api_url.back() == '/') c.api_url.pop_back();
  for (const auto* url : {&c.auth_url, &c.api_url})
    if (!url->empty() && url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0)
      return Status::Usage("'" + *url + "' is not an http(s) URL");
  return c;
}

std::string SlugFromToken(const std::string& jwt) {
  auto a = jwt.find('.');
  if (a == std::string::npos) return "";
  auto b = jwt.find('.', a + 1);
  if (b == std::string::npos) return "";
  auto payload = nlohmann::json::parse(Base64UrlDecode(jwt.substr(a + 1, b - a - 1)), nullptr, false);
  if (!payload.is_object()) return "";
  auto org = payload.find("organization");
  if (org == payload.end() || !org->is_object()) return "";
  auto slug = org->find("slug");
  if (slug == org->end() || !slug->is_string()) return "";
  std::string s = slug->get<std::string>();
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') return "";
  return s;
}

RetryPolicy RetryPolicy::FromEnvironment() {
  RetryPolicy p;
  if (const char* s = std::getenv("COUPONGEN_TEST_TIME_SCALE")) {
    char* end = nullptr;
    double v = std::strtod(s, &end);
    if (end != s && v > 0 && v <= 1) p.time_scale = v;
  }
  return p;
}

milliseconds RetryPolicy::Scaled(double seconds) const {
  return milliseconds(static_cast<long long>(std::llround(seconds * 1000 * time_scale)));
}

Client::Client(Credentials credentials, HttpClient& http, RetryPolicy policy, Clock::time_point deadline)
    : credentials_(std::move(credentials)), http_(http), policy_(policy), deadline_(deadline) {
  api_base_ = credentials_.api_url;
}

Status Client::TimedOut() {
  return Status::IoError("the run's --timeout passed before the upload finished: rerun the same command to resume");
}

bool Client::Sleep(milliseconds d) const {
  auto until = Clock::now() + d;
  if (until > deadline_) {
    std::this_thread::sleep_until(deadline_);
    return false;
  }
  std::this_thread::sleep_until(until);
  return true;
}

milliseconds Client::Jitter(milliseconds d) const {
  uint8_t b[2] = {0, 0};
  (void)OpenSslRandom().Fill(b);  // on failure: no jitter (factor 0.5), still a bounded wait
  double f = 0.5 + ((b[0] << 8) | b[1]) / 65536.0;  // [0.5, 1.5)
  return milliseconds(static_cast<long long>(d.count() * f));
}

long Client::RequestTimeoutMs() const {
  auto left = std::chrono::duration_cast<milliseconds>(deadline_ - Clock::now()).count();
  return std::max(1L, std::min(policy_.request_timeout_ms, static_cast<long>(left)));
}

Status Client::FetchToken(uint64_t stale_generation) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (token_.generation != stale_generation && !token_.value.empty() && Clock::now() < token_.renew_at)
    return Status::Ok();  // another thread renewed it meanwhile
  nlohmann::json body = {{"grant_type", "client_credentials"},
                         {"client_id", credentials_.client_id},
                         {"client_secret", credentials_.client_secret}};
  if (!credentials_.scope.empty()) body["scope"] = credentials_.scope;
  HttpRequest req;
  req.method = "POST";
  req.url = credentials_.auth_url;
  req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  req.body = body.dump();
  std::string last;
  int failures = 0, throttled = 0;
  for (;;) {
    if (Expired()) return TimedOut();
    req.timeout_ms = RequestTimeoutMs();
    HttpResult r = http_.Send(req);
    milliseconds wait{0};
    if (!r.ok()) {
      if (r.error == TransportError::kTls) return Status::IoError("token request: TLS: " + r.error_message);
      last = r.error_message;
      wait = Jitter(policy_.Scaled(std::min(policy_.max_backoff_s, policy_.base_backoff_s * std::pow(2.0, failures))));
      if (++failures >= policy_.max_attempts) break;
    } else if (r.response.status == 200) {
      auto j = nlohmann::json::parse(r.response.body, nullptr, false);
      if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string())
        return Status::IoError("token request: the answer holds no access_token");
      double expires_in = j.value("expires_in", 7200.0);
      if (!(expires_in > 0)) expires_in = 60;
      double margin = std::min(60.0, expires_in / 10);
      token_.value = j["access_token"].get<std::string>();
      token_.renew_at = Clock::now() + milliseconds(static_cast<long long>((expires_in - margin) * 1000));
      ++token_.generation;
      if (api_base_.empty()) {
        std::string slug = SlugFromToken(token_.value);
        if (slug.empty())
          return Status::IoError("the token names no organization slug: give the API address with --api-url or CL_API_URL");
        api_base_ = "https://" + slug + ".commercelayer.io";
      }
      return Status::Ok();
    } else {
      ApiResponse ar{r.response.status, nlohmann::json::parse(r.response.body, nullptr, false), r.response.body};
      if (r.response.status == 400 || r.response.status == 401)
        return Status::Credentials("Commerce Layer refused the credentials (" + ApiErrorText(ar) +
                                   "): check CL_CLIENT_ID/CL_CLIENT_SECRET or the credentials file");
      if (r.response.status == 429) {
        wait = policy_.Scaled(30);  // the token endpoint allows 30 requests a minute
        if (++throttled >= policy_.max_throttled) break;
        last = "429 Too Many Requests";
      } else if (r.response.status >= 500) {
        last = ApiErrorText(ar);
        wait = Jitter(policy_.Scaled(std::min(policy_.max_backoff_s, policy_.base_backoff_s * std::pow(2.0, failures))));
        if (++failures >= policy_.max_attempts) break;
      } else {
        return Status::IoError("token request to " + credentials_.auth_url + " failed: " + ApiErrorText(ar));
      }
    }
    if (!Sleep(wait)) return TimedOut();
  }
  return Status::IoError("cannot get a token from " + credentials_.auth_url + ": " + last + " (gave up after " +
                         std::to_string(failures + throttled) + " tries)");
}

Result<Client::Token> Client::CurrentToken() {
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!token_.value.empty() && Clock::now() < token_.renew_at) return token_;
    gen = token_.generation;
  }
  COUPONGEN_RETURN_IF_ERROR(FetchToken(gen));
  std::lock_guard<std::mutex> lock(mutex_);
  return token_;
}

Status Client::EnsureToken() {
  auto t = CurrentToken();
  return t.ok() ? Status::Ok() : t.status();
}

Result<ApiResponse> Client::Call(const std::string& method, const std::string& path, const nlohmann::json* body,
                                 Retry retry, bool* ambiguous) {
  if (ambiguous) *ambiguous = false;
  HttpRequest req;
  req.method = method;
  if (body) req.body = body->dump();
  int failures = 0, throttled = 0;
  bool renewed = false;
  std::string last;
  for (;;) {
    if (Expired()) return TimedOut();
    auto token = CurrentToken();
    if (!token.ok()) return token.status();
    req.url = api_base_ + "/api" + path;
    req.headers = {{"Accept", "application/vnd.api+json"}, {"Authorization", "Bearer " + token->value}};
    if (body) req.headers.emplace_back("Content-Type", "application/vnd.api+json");
    req.timeout_ms = RequestTimeoutMs();
    HttpResult r = http_.Send(req);
    milliseconds wait{0};
    auto backoff = [&] {
      return Jitter(policy_.Scaled(std::min(policy_.max_backoff_s, policy_.base_backoff_s * std::pow(2.0, failures))));
    };
    if (!r.ok()) {
      if (r.error == TransportError::kTls) return Status::IoError(method + " " + path + ": TLS: " + r.error_message);
      last = r.error_message;
      if (retry == Retry::kNoAmbiguousRetry && r.error != TransportError::kNotConnected) {
        if (ambiguous) *ambiguous = true;
        return Status::IoError(method + " " + path + ": " + last);
      }
      wait = backoff();
      if (++failures >= policy_.max_attempts) break;
    } else {
      ApiResponse ar{r.response.status, nlohmann::json::parse(r.response.body, nullptr, false), r.response.body};
      const long st = r.response.status;
      if (st == 401) {
        if (renewed) return Status::Credentials("Commerce Layer refused a fresh token (" + ApiErrorText(ar) + ")");
        renewed = true;
        COUPONGEN_RETURN_IF_ERROR(FetchToken(token->generation));
        continue;
      }
      if (st == 429) {
        last = ApiErrorText(ar);
        std::string ra = r.response.Header("retry-after");
        double seconds = ra.empty() ? 0 : std::atof(ra.c_str());
        if (seconds > 0) wait = policy_.Scaled(std::min(seconds, 300.0));
        else wait = policy_.Scaled(std::min(60.0, policy_.throttle_backoff_s * std::pow(2.0, std::min(throttled, 6))));
        if (++throttled >= policy_.max_throttled) break;
      } else if (st >= 500) {
        last = ApiErrorText(ar);
        if (retry == Retry::kNoAmbiguousRetry) {
          if (ambiguous) *ambiguous = true;
          return Status::IoError(method + " " + path + ": " + last);
        }
        wait = backoff();
        if (++failures >= policy_.max_attempts) break;
      } else {
        return ar;
      }
    }
    if (!Sleep(wait)) return TimedOut();
  }
  return Status::IoError(method + " " + path + " failed: " + last + " (gave up after " +
                         std::to_string(failures + throttled) + " tries; rerun to resume)");
}

Result<std::string> Client::Download(const std::string& url) {
  HttpRequest req;
  req.url = url;
  req.follow_redirects = true;
  req.headers = {{"Accept", "*/*"}};  // no Authorization: the link is pre-signed
  int failures = 0;
  std::string last;
  for (;;) {
    if (Expired()) return TimedOut();
    req.timeout_ms = RequestTimeoutMs();
    HttpResult r = http_.Send(req);
    if (r.ok() && r.response.status >= 200 && r.response.status < 300) return std::move(r.response.body);
    if (r.ok() && r.response.status < 500 && r.response.status != 429)
      return Status::IoError("downloading an export's attachment failed: HTTP " + std::to_string(r.response.status));
    if (!r.ok() && r.error == TransportError::kTls) return Status::IoError("downloading an export: TLS: " + r.error_message);
    last = r.ok() ? "HTTP " + std::to_string(r.response.status) : r.error_message;
    if (++failures >= policy_.max_attempts) break;
    if (!Sleep(Jitter(policy_.Scaled(std::min(policy_.max_backoff_s, policy_.base_backoff_s * std::pow(2.0, failures))))))
      return TimedOut();
  }
  return Status::IoError("downloading an export's attachment failed: " + last);
}

std::string ApiErrorText(const ApiResponse& r) {
  std::string out = std::to_string(r.status);
  if (r.body.is_object()) {
    auto it = r.body.find("errors");
    std::string joined;
    if (it != r.body.end()) {
      if (it->is_array()) {
        for (const auto& e : *it) {
          std::string one = OneError(e);
          if (!one.empty()) joined += (joined.empty() ? "" : "; ") + one;
        }
      } else {
        joined = OneError(*it);
      }
    }
    if (!joined.empty()) out += " " + joined;
  }
  return out;
}

}  // namespace coupongen::cl
