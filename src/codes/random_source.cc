#include "codes/random_source.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <climits>
#include <vector>

namespace coupongen {

Status OpenSslRandom::Fill(std::span<uint8_t> out) {
  while (!out.empty()) {
    int n = static_cast<int>(std::min<size_t>(out.size(), INT_MAX));
    if (RAND_bytes(out.data(), n) != 1) {
      char buf[256];
      ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
      return Status::IoError(std::string("no randomness: OpenSSL RAND_bytes failed: ") + buf);
    }
    out = out.subspan(static_cast<size_t>(n));
  }
  return Status::Ok();
}

struct PredictableSeededRandom::Impl {
  EVP_CIPHER_CTX* ctx = nullptr;
  std::vector<uint8_t> zeros;
};

PredictableSeededRandom::PredictableSeededRandom(std::string_view seed) : impl_(std::make_unique<Impl>()) {
  uint8_t key[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(seed.data()), seed.size(), key);
  uint8_t iv[16] = {0};
  impl_->ctx = EVP_CIPHER_CTX_new();
  if (impl_->ctx) EVP_EncryptInit_ex(impl_->ctx, EVP_aes_256_ctr(), nullptr, key, iv);
}

PredictableSeededRandom::~PredictableSeededRandom() {
  if (impl_->ctx) EVP_CIPHER_CTX_free(impl_->ctx);
}

Status PredictableSeededRandom::Fill(std::span<uint8_t> out) {
  if (!impl_->ctx) return Status::IoError("no randomness: cannot set up the seeded stream");
  // The keystream is the encryption of zeros.
  std::fill(out.begin(), out.end(), 0);
  while (!out.empty()) {
    int n = static_cast<int>(std::min<size_t>(out.size(), 1 << 30));
    int len = 0;
    if (EVP_EncryptUpdate(impl_->ctx, out.data(), &len, out.data(), n) != 1 || len != n)
      return Status::IoError("no randomness: seeded stream failed");
    out = out.subspan(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace coupongen
