// What a rule says about itself, as opposed to how it matches: the part that travels with every
// detection and alert it raises. A detect::Rule is a RuleMeta plus its matching logic.
#pragma once

#include <string>
#include <vector>

#include "collector/model/severity.h"

namespace soc {

struct RuleMeta {
  std::string id;
  std::string title;
  std::string title_vi;
  Severity severity = Severity::kMedium;
  std::vector<std::string> mitre;
  // Attribution, kept from imported (Sigma) rules: their licence (DRL 1.1) requires the author to
  // travel with the rule and with the alerts it raises. Empty for our own rules.
  std::string author;
  std::string sigma_id;
  std::vector<std::string> references;
};

}  // namespace soc
