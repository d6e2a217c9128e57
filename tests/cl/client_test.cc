// The Commerce Layer client's pieces that need no server: credentials and the token's slug.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "cl/client.h"
#include "cl/upload.h"
#include "testing/subprocess.h"

namespace coupongen::cl {
namespace {

CredentialSources Env(std::map<std::string, std::string> vars) {
  CredentialSources s;
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  s.getenv = [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
  return s;
}

TEST(ClientTest, CredentialsFromTheEnvironment) {
  auto c = LoadCredentials(Env({{"CL_CLIENT_ID", "id"}, {"CL_CLIENT_SECRET", "s3cret"}}));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->auth_url, "https://auth.commercelayer.io/oauth/token");
  EXPECT_EQ(c->api_url, "");
  auto missing = LoadCredentials(Env({{"CL_CLIENT_ID", "id"}}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kUsage);
  EXPECT_NE(missing.status().message().find("CL_CLIENT_SECRET"), std::string::npos);
  auto no_id = LoadCredentials(Env({}));
  EXPECT_NE(no_id.status().message().find("CL_CLIENT_ID"), std::string::npos);
}

TEST(ClientTest, ACredentialsFileMustBePrivateAndNeverEchoesTheSecret) {
  std::string dir = testing::MakeTempDir();
  std::string path = dir + "/cl.yaml";
  testing::WriteFile(path, "client_id: id\nclient_secret: s3cret-value\napi_url: https://x.example/\n");
  chmod(path.c_str(), 0640);
  auto open = LoadCredentials([&] { auto s = Env({}); s.file = path; return s; }());
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().code(), Status::Code::kUsage);
  chmod(path.c_str(), 0600);
  auto ok = LoadCredentials([&] { auto s = Env({}); s.file = path; return s; }());
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(ok->client_secret, "s3cret-value");
  EXPECT_EQ(ok->api_url, "https://x.example");
  testing::WriteFile(path, "client_id: id\nclient_secret: [s3cret-value\n");
  auto bad = LoadCredentials([&] { auto s = Env({}); s.file = path; return s; }());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("s3cret"), std::string::npos) << bad.status().message();
  std::filesystem::remove_all(dir);
}

TEST(ClientTest, SlugFromTheRecordedToken) {
  // The payload of the token recorded from a real organisation (shared/cl-fixtures): slug "loucs".
  const std::string jwt =
      "eyJhbGciOiJIUzUxMiJ9.eyJvcmdhbml6YXRpb24iOnsiaWQiOiJXblpQb0ZaRUt5Iiwic2x1ZyI6ImxvdWNzIiwiZW50ZXJwcmlzZSI6ZmFsc2Us"
      "InJlZ2lvbiI6ImV1LXdlc3QtMSJ9LCJzY29wZSI6Im1hcmtldDphbGwifQ.sig";
  EXPECT_EQ(SlugFromToken(jwt), "loucs");
  EXPECT_EQ(SlugFromToken("not-a-jwt"), "");
}

TEST(ClientTest, ReferenceNames) {
  EXPECT_EQ(ReferenceName("/data/spring.csv"), "spring");
  EXPECT_EQ(ReferenceName("spring.csv.gz"), "spring");
  EXPECT_EQ(ReferenceName("weekly-2026-W48.csv"), "weekly-2026-W48");
}

}  // namespace
}  // namespace coupongen::cl
