#include "collector/decode/envelope_reader.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <array>
#include <cstdint>
#include <string>

#include "common/printable.h"

namespace soc {
namespace {

// Bit per known field, to find the missing and the repeated ones.
enum : uint32_t {
  kV = 1u << 0,
  kAgent = 1u << 1,
  kHost = 1u << 2,
  kOrg = 1u << 3,
  kSrc = 1u << 4,
  kSeq = 1u << 5,
  kTs = 1u << 6,
  kMsg = 1u << 7,
  kTrunc = 1u << 8,
  kPeer = 1u << 9,
  kFields = 1u << 10,
};

struct Known {
  std::string_view name;
  uint32_t bit;
  std::string Envelope::*text;  // the member a string field goes to; null for the others
};
// Required ones first, in the order to_json() writes them, so the first one reported missing is
// the first one absent.
constexpr std::array<Known, 11> kKnown = {{{"v", kV, nullptr},
                                           {"agent", kAgent, &Envelope::agent},
                                           {"host", kHost, &Envelope::host},
                                           {"src", kSrc, &Envelope::src},
                                           {"seq", kSeq, nullptr},
                                           {"ts", kTs, &Envelope::ts},
                                           {"msg", kMsg, &Envelope::msg},
                                           {"org", kOrg, &Envelope::org},
                                           {"trunc", kTrunc, nullptr},
                                           {"peer", kPeer, &Envelope::peer},
                                           {"fields", kFields, nullptr}}};
constexpr uint32_t kRequired = kV | kAgent | kHost | kSrc | kSeq | kTs | kMsg;

const Known* find_known(std::string_view key) {
  for (const auto& k : kKnown) {
    if (k.name == key) return &k;
  }
  return nullptr;
}

Error wrong_type(std::string_view field, std::string_view expected) {
  return Error{fmt::format("field '{}' must be {}", field, expected)};
}

// Above this size the parser's and the input buffer's memory is given back after the message:
// kept, one 10 MB envelope would hold several times that for the life of the process.
constexpr size_t kKeepBuffersUpTo = 1 << 20;

Result<Envelope> parse(std::string_view json, simdjson::dom::parser& parser, std::string& input) {
  input.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  input.assign(json);

  simdjson::dom::element root;
  if (const auto err = parser.parse(input).get(root); err != simdjson::SUCCESS) {
    return Error{fmt::format("not JSON: {}", simdjson::error_message(err))};
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) {
    return Error{"not a JSON object"};
  }

  Envelope env;
  uint32_t seen = 0;
  for (const auto field : object) {
    const std::string_view key = field.key;
    const simdjson::dom::element value = field.value;
    const Known* known = find_known(key);
    if (known == nullptr) continue;  // forward compatible: a newer agent's extra field
    const uint32_t bit = known->bit;
    if ((seen & bit) != 0) return Error{fmt::format("duplicate field '{}'", key)};
    seen |= bit;

    if (known->text != nullptr) {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) return wrong_type(key, "a string");
      (env.*known->text).assign(s);
    } else if (bit == kV) {
      int64_t v = 0;
      if (value.get_int64().get(v) != simdjson::SUCCESS) return wrong_type(key, "an integer");
      if (v != kEnvelopeVersion) {
        return Error{
            fmt::format("unsupported envelope version {} (expected {})", v, kEnvelopeVersion)};
      }
    } else if (bit == kSeq) {
      if (value.get_uint64().get(env.seq) != simdjson::SUCCESS) {
        return wrong_type(key, "an unsigned integer");
      }
    } else if (bit == kTrunc) {
      if (value.get_bool().get(env.trunc) != simdjson::SUCCESS) return wrong_type(key, "a boolean");
    } else if (bit == kFields) {
      simdjson::dom::object fields;
      if (value.get_object().get(fields) != simdjson::SUCCESS) return wrong_type(key, "an object");
      for (const auto f : fields) {
        std::string_view s;
        if (f.value.get_string().get(s) != simdjson::SUCCESS) {
          // The key is the sender's: escaped and bounded before it can reach a log line.
          return Error{
              fmt::format("field 'fields.{}' must be a string", printable_bounded(f.key, 64))};
        }
        env.fields.emplace_back(std::string(f.key), std::string(s));
      }
    }
  }
  for (const auto& k : kKnown) {
    if ((kRequired & k.bit) != 0 && (seen & k.bit) == 0) {
      return Error{fmt::format("missing field '{}'", k.name)};
    }
  }
  return env;
}

}  // namespace

Result<Envelope> parse_envelope(std::string_view json) {
  // One parser and one padded input buffer per thread: both keep their capacity between messages,
  // so a steady stream allocates only the Envelope's own strings.
  thread_local simdjson::dom::parser parser;
  thread_local std::string input;
  auto env = parse(json, parser, input);
  if (json.size() > kKeepBuffersUpTo) {
    parser = simdjson::dom::parser{};
    std::string().swap(input);
  }
  return env;
}

}  // namespace soc
