// What the sweep and gate pages share: the page around a body (the run
// report's stylesheet plus the pages' own, the pages' script, the
// #script-errors box the browser test reads), and readers of their input
// documents whose errors name the file and the field.
#pragma once

#include <string>

#include "reports/report_io.hpp"

namespace dreamsim::report {

// A whole self-contained page: <head> with the inline stylesheets, `body`,
// then the inline script. `title` is escaped.
std::string standalone_page(const std::string& title, const std::string& body);

// Field readers for sweep.json and gate.json. `where` is the document and
// the path to `doc` ("out/sweep.json: scenarios[1]"); a missing field or
// one of another type throws ReportInputError
// ("out/sweep.json: scenarios[1].runs: expected an integer >= 0").
const Json& object_field(const Json& doc, const char* key, const std::string& where);
const Json& array_field(const Json& doc, const char* key, const std::string& where);
std::string text_field(const Json& doc, const char* key, const std::string& where);
uint64_t count_field(const Json& doc, const char* key, const std::string& where);
// A number, or NaN when the field is null or absent.
double number_or_nan(const Json& doc, const char* key);
// "where.key" or "where[i]" for nested messages.
std::string at(const std::string& where, const char* key);
std::string at(const std::string& where, size_t index);

}  // namespace dreamsim::report
