// The built-in decoders by name: what each is called, the syslog programs (tags) it decodes, the
// formats it reads, and its entry point. A new decoder is its own file, which defines its
// DecoderSpec next to its code (see sshd.cpp), plus one line in decoder_registry.cpp's table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "collector/decode/event.h"
#include "collector/decode/syslog.h"

namespace soc {

// Decodes a syslog MSG of one of the spec's programs into `fields`; `time` takes a timestamp the
// text carries. False when the text is not one the decoder knows (the line-shape rule then runs).
using DecodeFunction = bool (*)(std::string_view msg, const ReadTime& read, Fields& fields,
                                std::optional<SysTime>& time);

// Which texts a decoder claims by their first bytes: a whole line without a syslog header (a file
// such as audit.log or access.log), or a syslog MSG that no program decoder took. The registry
// tries the shapes in table order (DecoderRegistry::decode_by_shape). Shapes may overlap: web's
// claims every line led by a digit or a-f, finally, so a new shape for such lines must be listed
// before web's entry to be tried at all (tests/unit/decode/decoder_registry_test.cpp lists the
// expected order).
struct LineShape {
  // The text is the decoder's when it starts with one of `prefixes`, or when `test` says so.
  std::span<const std::string_view> prefixes;
  bool (*test)(std::string_view text) = nullptr;
  std::string_view text;  // the shape in words, for `socctl decoders list`
  // Decodes a text of this shape; null: the decoder has no shape.
  DecodeFunction decode = nullptr;
  // When the shape matches, the decoder's answer stands: a text it does not decode is left
  // undecoded. Otherwise such a text goes on to the next shape.
  bool final = true;

  bool matches(std::string_view s) const {
    for (const std::string_view p : prefixes) {
      if (s.substr(0, p.size()) == p) return true;
    }
    return test != nullptr && test(s);
  }
};

struct DecoderSpec {
  std::string_view name;         // unique, lower case: "sshd", "web"
  std::string_view description;  // one line, for `socctl decoders list`
  // Syslog tags (process.name) routed to `decode`; empty for a decoder chosen by line shape
  // only (JSON, PAM), or one the others call.
  std::span<const std::string_view> programs;
  // The line formats it reads, in words: "OpenSSH sshd messages", "NCSA combined access log".
  std::span<const std::string_view> formats;
  // Entry point for its programs; null when it has no programs.
  DecodeFunction decode = nullptr;
  // The texts it decodes by their first bytes; none when shape.decode is null.
  LineShape shape = {};
};

// The table of built-in decoders and a program -> decoder index over it, built once. Read-only
// after construction: safe to share between threads.
class DecoderRegistry {
 public:
  // The built-in decoders (decoder_registry.cpp), in the table's order.
  static const DecoderRegistry& builtin();

  // Indexes `specs` (which must outlive the registry); see problems().
  explicit DecoderRegistry(std::span<const DecoderSpec* const> specs);

  std::span<const DecoderSpec* const> all() const { return specs_; }
  const DecoderSpec* find(std::string_view name) const;
  // The decoder for a syslog program, or null: one hash lookup however many decoders there are.
  // A tag with a '/' that is not listed falls back to its family (for_program_family).
  const DecoderSpec* for_program(std::string_view program) const {
    const auto it = by_program_.find(program);
    return it != by_program_.end() ? it->second : for_program_family(program);
  }
  // Decodes `text` by its shape: the decoders whose shape matches try it in table order, up to
  // the first final shape. Returns the decoder that decoded it, or null (fields may then hold
  // nothing of a decoder's).
  const DecoderSpec* decode_by_shape(std::string_view text, const ReadTime& read, Fields& fields,
                                     std::optional<SysTime>& time) const;
  // The decoders whose shape matches `text`, in the order decode_by_shape tries them.
  std::vector<const DecoderSpec*> shapes_for(std::string_view text) const;

  // Mistakes in the table, one sentence each: a name listed twice, a program claimed by two
  // decoders, programs without a decode function (not routed); the first listing keeps a name
  // or program. The
  // registry's unit test requires none for the built-in table.
  std::span<const std::string> problems() const { return problems_; }

 private:
  // The decoder of a tag's first '/'-component, else of that component's part before a '-'.
  const DecoderSpec* for_program_family(std::string_view program) const;

  std::span<const DecoderSpec* const> specs_;
  std::unordered_map<std::string_view, const DecoderSpec*> by_program_;
  std::vector<const DecoderSpec*> shaped_;  // the specs with a shape, in table order
  std::vector<std::string> problems_;
};

}  // namespace soc
