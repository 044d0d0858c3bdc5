// Converting SigmaHQ rules (Linux and web-server log sources) into our rule language. A rule that
// needs what we cannot express is refused with a reason, never half-converted: every converted
// rule has been loaded back through our loader and its patterns compiled by Hyperscan.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collector/detect/rule.h"

namespace soc {

// How the Sigma field names of one kind of log source map to the fields our decoders set.
struct SigmaSource {
  std::string name;                            // "process_creation", "auditd", "webserver", ...
  std::map<std::string, std::string> fields;   // Sigma field -> our field
  std::map<std::string, std::string> refused;  // Sigma field -> why we cannot provide it
  // Fields not listed become other_prefix + name (auditd keeps unknown keys as auditd.data.KEY);
  // empty: such fields are refused.
  std::string other_prefix;
  // When set, the converted rule also requires process.name to be one of these, because the
  // Sigma log source is one program's log (service: sshd) while we search every line.
  std::vector<std::string> programs;
  // When set, the converted rule also requires this field to be present: the mark of the log
  // source's events (auditd.records on audit events, http.response.status_code on access-log
  // lines). Without it a keyword rule for access logs would search every line of every log, and
  // the engine could not skip the rule's patterns on other events.
  std::string present;
  // When set, the converted rule also requires event.dataset to be one of these: the name the
  // decoders give the log a line came from (webserver.access, webserver.error, proxy.access), so
  // that a rule written for proxy logs does not run on web-server access logs, whose fields have
  // the same names but another meaning (a proxy's user agent is an inside client's, a web
  // server's is an internet visitor's).
  std::vector<std::string> datasets;
};

// The log source our converter uses for a Sigma `logsource` (product / category / service), or
// the reason it is not supported.
struct SigmaSourceLookup {
  const SigmaSource* source = nullptr;
  std::string reason;  // when source is null
};
SigmaSourceLookup sigma_source(const std::string& product, const std::string& category,
                               const std::string& service);

struct SigmaConverted {
  std::string id;    // our rule id
  std::string yaml;  // the rule in our language, with a header naming source and author
  Rule rule;         // the same rule loaded back through load_rules_text
  // Set when the rule was mapped onto log sources beyond its own, saying which and why: a proxy
  // rule for an exploit's request (initial access, request fields only) also runs on web-server
  // access logs, where the same request means the same attack. Empty otherwise.
  std::string mapped_across;
};

struct SigmaRefusal {
  std::string kind;    // short category for grouping: "unmapped field", "modifier", ...
  std::string reason;  // the detail, e.g. "field 'ParentCommandLine' (process_creation): ..."
};

struct SigmaOutcome {
  std::optional<SigmaConverted> converted;
  SigmaRefusal refusal;  // when !converted
};

// Converts one Sigma rule file's text into our rule with id `id`; `source_name` names the Sigma
// file in the generated header comment and in locations of load errors.
SigmaOutcome convert_sigma(const std::string& text, const std::string& id,
                           const std::string& source_name);

// Our rule id for a Sigma file: "sigma-" + its file stem, lower-cased, other characters as '-'.
std::string sigma_rule_id(const std::string& path);

// Sigma value helpers, exposed for tests.
std::string sigma_base64(std::string_view bytes);
std::vector<std::string> sigma_base64_offsets(std::string_view bytes);  // the 3 variants
// IPv4 CIDR "10.0.0.0/8" as an anchored Hyperscan regex; nothing for anything else.
std::optional<std::string> sigma_cidr_regex(std::string_view cidr);

}  // namespace soc
