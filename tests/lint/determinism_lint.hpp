// The determinism lint: the rules of DESIGN.md that a text scan can check,
// applied to the simulated parts of the tree (sim/, model/, controllers/,
// reports/). It is a test, so CI fails when a rule is broken.
//
// Rules: no wall-clock reads; no std::random_device, rand() or srand(); no
// std::*_distribution (their algorithms differ between standard libraries);
// no iteration over an unordered container (its order depends on the hash and
// the library); and controllers/ includes no sim/ or model/ header.
//
// Escape hatch: a line that carries a comment `determinism: <reason>` is not
// checked; on the declaration of an unordered container it exempts that
// container. The reason is for the reviewer: say why the case is safe.
#pragma once

#include <string>
#include <vector>

namespace dreamsim::lint {

struct Finding {
  std::string file;
  int line = 0;
  std::string rule;
  std::string text;  // the offending line, trimmed
};

// Lints one file's text; `path` decides the controllers/ include rule.
std::vector<Finding> lint_text(const std::string& path, const std::string& text);

// Lints every .hpp/.cpp under root/{sim,model,controllers,reports}, in path
// order.
std::vector<Finding> lint_tree(const std::string& root);

std::string format(const Finding& f);

}  // namespace dreamsim::lint
