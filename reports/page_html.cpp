#include "reports/page_html.hpp"

#include <cmath>

#include "reports/html_report.hpp"
#include "reports/report_assets.hpp"

namespace dreamsim::report {
namespace {

[[noreturn]] void bad(const std::string& where, const char* key, const char* expected) {
  throw ReportInputError(at(where, key) + ": expected " + expected);
}

const Json& present(const Json& doc, const char* key, const std::string& where) {
  if (!doc.is_object()) throw ReportInputError(where + ": expected an object");
  const auto it = doc.find(key);
  if (it == doc.end()) throw ReportInputError(at(where, key) + ": missing");
  return *it;
}

}  // namespace

std::string at(const std::string& where, const char* key) {
  // The document itself ("out/sweep.json"), or a path into it
  // ("out/sweep.json: scenarios[1]").
  if (where.find(": ") == std::string::npos) return where + ": " + key;
  return where + "." + key;
}

std::string at(const std::string& where, size_t index) {
  return where + "[" + std::to_string(index) + "]";
}

const Json& object_field(const Json& doc, const char* key, const std::string& where) {
  const Json& v = present(doc, key, where);
  if (!v.is_object()) bad(where, key, "an object");
  return v;
}

const Json& array_field(const Json& doc, const char* key, const std::string& where) {
  const Json& v = present(doc, key, where);
  if (!v.is_array()) bad(where, key, "a list");
  return v;
}

std::string text_field(const Json& doc, const char* key, const std::string& where) {
  const Json& v = present(doc, key, where);
  if (!v.is_string()) bad(where, key, "a string");
  return v.get<std::string>();
}

uint64_t count_field(const Json& doc, const char* key, const std::string& where) {
  const Json& v = present(doc, key, where);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    bad(where, key, "an integer >= 0");
  }
  return v.get<uint64_t>();
}

double number_or_nan(const Json& doc, const char* key) {
  if (!doc.is_object()) return std::nan("");
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_number()) return std::nan("");
  return it->get<double>();
}

std::string standalone_page(const std::string& title, const std::string& body) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<meta name=\"generator\" content=\"dreamsim report\">";
  page += "<title>" + html_escape(title) + "</title>\n<style>\n" + std::string(kReportCss) +
          std::string(kPagesCss) + "</style>\n</head>\n<body>\n";
  page += "<div id=\"script-errors\" hidden></div>\n";
  page += body;
  page += "<script>\n" + std::string(kPagesJs) + "</script>\n</body></html>\n";
  return page;
}

}  // namespace dreamsim::report
