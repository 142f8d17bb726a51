// The reader of a scenario's `expectations` list (the language of
// model/expectation.hpp, documented in scenarios/README.md). Only the scenario
// loader calls it: it reads the document tree and records every problem with
// the file's line and column, as the rest of the loader does.
#pragma once

#include "model/scenario.hpp"
#include "model/scenario_document.hpp"
#include "model/schema_reader.hpp"

namespace dreamsim::model {

// Reads `list` (the value of the top-level `expectations`) into
// `scenario.expectations`. The services, agents, data stores and faults must
// have been read already: names in the expectations are checked against them.
void read_expectation_list(schema::Checker& c, const DocNode& list, Scenario& scenario);

}  // namespace dreamsim::model
