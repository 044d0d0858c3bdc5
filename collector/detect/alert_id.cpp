#include "collector/detect/alert_id.h"

#include <openssl/evp.h>

#include <array>
#include <memory>

namespace soc {

namespace {

// Fetched once and a context per thread: OpenSSL 3 otherwise looks the algorithm up (under a lock)
// and allocates a context on every call, which cost more than hashing these few bytes.
struct Sha256 {
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md{EVP_MD_fetch(nullptr, "SHA2-256", nullptr),
                                                     EVP_MD_free};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

}  // namespace

std::string make_alert_id(std::string_view rule_id, std::string_view host,
                          const std::vector<std::pair<std::string, std::string>>& group,
                          int64_t window_start_unix) {
  thread_local Sha256 sha;
  EVP_MD_CTX* ctx = sha.ctx.get();
  EVP_DigestInit_ex(ctx, sha.md.get(), nullptr);
  // Length prefixes keep ("ab","c") and ("a","bc") apart.
  const auto part = [&](std::string_view s) {
    const uint64_t n = s.size();
    EVP_DigestUpdate(ctx, &n, sizeof n);
    EVP_DigestUpdate(ctx, s.data(), s.size());
  };
  part(rule_id);
  part(host);
  for (const auto& [k, v] : group) {
    part(k);
    part(v);
  }
  const std::string window = std::to_string(window_start_unix);
  part(window);
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md.data(), &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned i = 0; i < 16; ++i) {
    id += kHex[md[i] >> 4];
    id += kHex[md[i] & 0xF];
  }
  return id;
}

}  // namespace soc
