#include "collector/detect/database_cache.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string_view>

#include "common/atomic_file.h"

namespace soc {
namespace {

namespace fs = std::filesystem;

// File layout: magic, the key's 32 bytes (a file renamed to another key is foreign), the SHA-256
// of the payload (a torn or garbled file is caught before Hyperscan reads it), then the payload
// from hs_serialize_database.
constexpr std::string_view kMagic = "SOCHSDB1";
constexpr size_t kDigestSize = 32;
constexpr size_t kHeaderSize = kMagic.size() + 2 * kDigestSize;
constexpr std::string_view kSuffix = ".hsdb";
// Far above any real database: a larger file is not ours.
constexpr off_t kMaxFileBytes = off_t{1} << 30;

class Sha256 {
 public:
  Sha256() { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void add(const void* data, size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  // Length-prefixed, so ("ab","c") and ("a","bc") differ.
  void add_string(std::string_view s) {
    const uint64_t n = s.size();
    add(&n, sizeof n);
    add(s.data(), s.size());
  }
  void add_u64(uint64_t v) { add(&v, sizeof v); }
  std::array<unsigned char, kDigestSize> finish() {
    std::array<unsigned char, kDigestSize> out{};
    unsigned len = 0;
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    EVP_DigestFinal_ex(ctx_.get(), md.data(), &len);
    std::copy_n(md.begin(), kDigestSize, out.begin());
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

std::array<unsigned char, kDigestSize> sha256(std::string_view data) {
  Sha256 h;
  h.add(data.data(), data.size());
  return h.finish();
}

std::string to_hex(const std::array<unsigned char, kDigestSize>& d) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
  return out;
}

// The 32 bytes a 64-digit lower-case hex key stands for; nullopt for anything else.
std::optional<std::array<unsigned char, kDigestSize>> from_hex(std::string_view key) {
  if (key.size() != 2 * kDigestSize) return std::nullopt;
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::array<unsigned char, kDigestSize> out{};
  for (size_t i = 0; i < kDigestSize; ++i) {
    const int hi = digit(key[2 * i]), lo = digit(key[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return out;
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Writes `content` to a temporary file (mode 0600) and renames it over `path`, so a reader sees
// the old file or the new one. Unlike write_file_atomic nothing is fsynced: that cost 6-11 ms per
// file, seconds for the Sigma pack's few hundred databases, and a cache file torn by a crash is
// caught by its digest and rebuilt.
Status write_file_replace(const std::string& path, std::string_view content) {
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  const auto fail = [&](std::string_view what) {
    Error e{fmt::format("{}: {}: {}", tmp, what, std::strerror(errno))};
    ::unlink(tmp.c_str());
    return e;
  };
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (f.fd < 0) return Error{fmt::format("{}: cannot create: {}", tmp, std::strerror(errno))};
    size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(f.fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("cannot write");
      done += static_cast<size_t>(n);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename into place");
  return Ok{};
}

}  // namespace

Result<std::unique_ptr<DatabaseCache>> DatabaseCache::open(const std::string& dir,
                                                           uint64_t max_bytes) {
  if (dir.empty()) return Error{"no cache directory given"};
  // Missing parents are made owner-only; existing ones (~/.cache, /var/cache) are left alone.
  const fs::path parent = fs::path(dir).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::exists(parent, ec)) {
    if (auto made = make_dirs(parent.string(), 0700); !made) return Error{made.error()};
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error{fmt::format("{}: cannot create: {}", dir, std::strerror(errno))};
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return Error{fmt::format("{}: {}", dir, std::strerror(errno))};
  }
  if (!S_ISDIR(st.st_mode)) return Error{fmt::format("{}: not a directory", dir)};
  if (st.st_uid != ::geteuid()) {
    return Error{fmt::format("{}: owned by uid {}, not by this user: not used", dir, st.st_uid)};
  }
  // Only we may read or write what we will load; tighten a directory made by other means.
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
    return Error{
        fmt::format("{}: cannot make it private (mode 0700): {}", dir, std::strerror(errno))};
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Error{fmt::format("{}: not writable: {}", dir, std::strerror(errno))};
  }
  return std::unique_ptr<DatabaseCache>(new DatabaseCache(dir, max_bytes));
}

std::string DatabaseCache::key(const std::vector<const char*>& expressions,
                               const std::vector<unsigned>& flags, const std::vector<unsigned>& ids,
                               unsigned mode) {
  Sha256 h;
  h.add_string(kMagic);
  h.add_string(hs_version());
  static const hs_platform_info_t platform = [] {
    hs_platform_info_t p{};
    hs_populate_platform(&p);
    return p;
  }();
  h.add_u64(platform.tune);
  h.add_u64(platform.cpu_features);
  h.add_u64(platform.reserved1);
  h.add_u64(platform.reserved2);
  h.add_u64(mode);
  h.add_u64(expressions.size());
  for (size_t i = 0; i < expressions.size(); ++i) {
    h.add_string(expressions[i]);
    h.add_u64(flags.at(i));
    h.add_u64(ids.at(i));
  }
  return to_hex(h.finish());
}

std::string DatabaseCache::path_of(const std::string& key) const {
  return (fs::path(dir_) / (key + std::string(kSuffix))).string();
}

HsDatabasePtr DatabaseCache::load(const std::string& key) {
  const auto key_bytes = from_hex(key);
  if (!key_bytes) return nullptr;
  const std::string path = path_of(key);
  const auto reject = [&](std::string_view why) {
    ++stats_.rejected;
    spdlog::debug("rule database cache: {}: {}: compiling instead", path, why);
    return nullptr;
  };
  Fd f{::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) {
      ++stats_.missing;
      return nullptr;
    }
    return reject(std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return reject(std::strerror(errno));
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) return reject("not our regular file");
  if (st.st_size < static_cast<off_t>(kHeaderSize) || st.st_size > kMaxFileBytes) {
    return reject(fmt::format("size {} out of range", st.st_size));
  }
  std::string content(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::read(f.fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return reject(std::strerror(errno));
    if (n == 0) return reject("shorter than its size");
    done += static_cast<size_t>(n);
  }
  const std::string_view view(content);
  if (view.substr(0, kMagic.size()) != kMagic) return reject("not a cached database");
  if (std::memcmp(view.data() + kMagic.size(), key_bytes->data(), kDigestSize) != 0) {
    return reject("written for another key");
  }
  const std::string_view payload = view.substr(kHeaderSize);
  if (std::memcmp(view.data() + kMagic.size() + kDigestSize, sha256(payload).data(), kDigestSize) !=
      0) {
    return reject("digest mismatch (truncated or garbled)");
  }
  hs_database_t* db = nullptr;
  if (const hs_error_t rc = hs_deserialize_database(payload.data(), payload.size(), &db);
      rc != HS_SUCCESS) {
    return reject(fmt::format("Hyperscan cannot read it (error {})", rc));
  }
  ::futimens(f.fd, nullptr);  // recently used: prune() keeps it longer
  ++stats_.loaded;
  return HsDatabasePtr(db);
}

void DatabaseCache::store(const std::string& key, const hs_database_t& db) {
  const auto key_bytes = from_hex(key);
  if (!key_bytes) return;
  char* bytes = nullptr;
  size_t size = 0;
  if (hs_serialize_database(&db, &bytes, &size) != HS_SUCCESS) {
    ++stats_.store_failed;
    spdlog::debug("rule database cache: cannot serialize a database");
    return;
  }
  const std::unique_ptr<char, decltype(&std::free)> guard(bytes, std::free);
  const std::string_view payload(bytes, size);
  std::string content;
  content.reserve(kHeaderSize + size);
  content.append(kMagic);
  content.append(reinterpret_cast<const char*>(key_bytes->data()), kDigestSize);
  const auto digest = sha256(payload);
  content.append(reinterpret_cast<const char*>(digest.data()), kDigestSize);
  content.append(payload);
  if (auto st = write_file_replace(path_of(key), content); !st) {
    ++stats_.store_failed;
    spdlog::debug("rule database cache: {}", st.error());
    return;
  }
  ++stats_.stored;
}

void DatabaseCache::prune(const std::set<std::string>& in_use) {
  struct Unused {
    fs::path path;
    fs::file_time_type used;
    uint64_t size;
  };
  std::vector<Unused> unused;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::error_code e2;
    if (!entry.is_regular_file(e2)) continue;
    const std::string name = entry.path().filename().string();
    // A temporary file left by a writer that died (FILE.tmp.PID, see write_file_replace).
    if (name.find(std::string(kSuffix) + ".tmp.") != std::string::npos) {
      if (fs::last_write_time(entry.path(), e2) <
          fs::file_time_type::clock::now() - std::chrono::hours(1)) {
        fs::remove(entry.path(), e2);
      }
      continue;
    }
    if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix)) continue;
    const uint64_t size = entry.file_size(e2);
    total += size;
    if (in_use.count(name.substr(0, name.size() - kSuffix.size())) != 0) continue;
    unused.push_back({entry.path(), fs::last_write_time(entry.path(), e2), size});
  }
  std::sort(unused.begin(), unused.end(),
            [](const Unused& a, const Unused& b) { return a.used < b.used; });
  for (const auto& u : unused) {
    if (total <= max_bytes_) break;
    std::error_code e3;
    if (fs::remove(u.path, e3)) {
      total -= u.size;
      ++stats_.pruned;
    }
  }
}

}  // namespace soc
