#include "reports/ecdf_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/html_report.hpp"

namespace dreamsim::report {
namespace {

// Geometry in SVG user units.
constexpr double kWidth = 300;
constexpr double kHeight = 150;
constexpr double kLeft = 30;
constexpr double kRight = 12;
constexpr double kTop = 18;
constexpr double kBottom = 30;
// Steps closer than this (units) merge into one.
constexpr double kMergeUnits = 0.5;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  std::string s = buf;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

}  // namespace

std::string short_number(double v, int digits) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  if (v == std::floor(v) && std::abs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    std::string s = buf;
    return s == "-0" ? "0" : s;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string ecdf_svg(const std::string& title, const std::vector<EcdfSeries>& series,
                     const std::vector<EcdfMark>& marks, const std::string& unit) {
  const double plot_w = kWidth - kLeft - kRight;
  const double plot_h = kHeight - kTop - kBottom;
  double lo = INFINITY;
  double hi = -INFINITY;
  size_t present = 0;
  for (const EcdfSeries& s : series) {
    for (double v : s.values) {
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      ++present;
    }
  }
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ecdf\" viewBox=\"0 0 " +
                    num(kWidth) + " " + num(kHeight) + "\" data-metric=\"" + html_escape(title) +
                    "\">";
  out += "<text class=\"title\" x=\"" + num(kLeft) + "\" y=\"12\">" + html_escape(title) + "</text>";
  out += "<rect class=\"frame\" x=\"" + num(kLeft) + "\" y=\"" + num(kTop) + "\" width=\"" +
         num(plot_w) + "\" height=\"" + num(plot_h) + "\"/>";
  // y: the fraction of runs at or below x.
  auto y = [&](double f) { return kTop + plot_h * (1 - f); };
  out += "<text class=\"tick\" x=\"" + num(kLeft - 3) + "\" y=\"" + num(y(1) + 4) +
         "\" text-anchor=\"end\">1</text><text class=\"tick\" x=\"" + num(kLeft - 3) + "\" y=\"" +
         num(y(0.5) + 4) + "\" text-anchor=\"end\">.5</text><text class=\"tick\" x=\"" +
         num(kLeft - 3) + "\" y=\"" + num(y(0)) + "\" text-anchor=\"end\">0</text>";
  out += "<line class=\"half\" x1=\"" + num(kLeft) + "\" x2=\"" + num(kLeft + plot_w) + "\" y1=\"" +
         num(y(0.5)) + "\" y2=\"" + num(y(0.5)) + "\"/>";
  if (present == 0) {
    out += "<text class=\"nodata\" x=\"" + num(kLeft + 8) + "\" y=\"" + num(kTop + 18) +
           "\">no run has a value</text></svg>";
    return out;
  }
  if (lo == hi) {
    // One value: a frame around it, so that the step sits in the middle.
    const double pad = std::max(1.0, std::abs(lo) * 0.1);
    lo -= pad;
    hi += pad;
  }
  auto x = [&](double v) { return kLeft + plot_w * (v - lo) / (hi - lo); };
  const std::string suffix = unit.empty() ? "" : " " + unit;
  out += "<text class=\"tick\" x=\"" + num(kLeft) + "\" y=\"" + num(kHeight - 17) + "\">" +
         html_escape(short_number(lo) + suffix) + "</text>";
  out += "<text class=\"tick\" x=\"" + num(kLeft + plot_w) + "\" y=\"" + num(kHeight - 17) +
         "\" text-anchor=\"end\">" + html_escape(short_number(hi) + suffix) + "</text>";
  for (const EcdfMark& m : marks) {
    if (!std::isfinite(m.at)) continue;
    const double px = x(m.at);
    out += "<line class=\"mark\" x1=\"" + num(px) + "\" x2=\"" + num(px) + "\" y1=\"" + num(kTop) +
           "\" y2=\"" + num(kTop + plot_h) + "\"/><text class=\"mark-label\" x=\"" + num(px + 2) +
           "\" y=\"" + num(kTop + plot_h - 3) + "\">" + html_escape(m.label) + "</text>";
  }
  std::string legend;
  double legend_y = kHeight - 5;
  double legend_x = kLeft;
  for (const EcdfSeries& s : series) {
    std::vector<double> sorted;
    for (double v : s.values) {
      if (std::isfinite(v)) sorted.push_back(v);
    }
    std::sort(sorted.begin(), sorted.end());
    const double runs = static_cast<double>(std::max<size_t>(s.runs, sorted.size()));
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive,
    // GCC bug 105651) on a one-letter literal + a temporary string.
    std::string d = "M";
    d += num(kLeft);
    d += ' ';
    d += num(y(0));
    // The steps: (x, fraction at or below), one per distinct value, merged
    // into the last one when within half a unit of it.
    std::vector<std::pair<double, double>> steps;
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (i + 1 < sorted.size() && sorted[i + 1] == sorted[i]) continue;
      const double px = x(sorted[i]);
      const double py = y(static_cast<double>(i + 1) / runs);
      if (!steps.empty() && px - steps.back().first < kMergeUnits) {
        steps.back().second = py;
      } else {
        steps.emplace_back(px, py);
      }
    }
    const double last_y = steps.empty() ? y(0) : steps.back().second;
    for (const auto& [px, py] : steps) {
      d += 'H';
      d += num(px);
      d += 'V';
      d += num(py);
    }
    d += 'H';
    d += num(kLeft + plot_w);
    const size_t never = static_cast<size_t>(runs) - sorted.size();
    out += "<path class=\"step " + html_escape(s.cls) + "\" d=\"" + d + "\"><title>" +
           html_escape((s.name.empty() ? std::string() : s.name + ": ") +
                       std::to_string(sorted.size()) + " of " +
                       std::to_string(static_cast<size_t>(runs)) + " runs with a value" +
                       (sorted.empty() ? std::string()
                                       : ", from " + short_number(sorted.front()) + " to " +
                                             short_number(sorted.back()) + suffix)) +
           "</title></path>";
    if (never > 0) {
      out += "<text class=\"never " + html_escape(s.cls) + "\" x=\"" + num(kLeft + plot_w - 2) +
             "\" y=\"" + num(std::max(last_y - 3, kTop + 9)) + "\" text-anchor=\"end\">" +
             std::to_string(never) + " never</text>";
    }
    if (!s.name.empty()) {
      legend += "<text class=\"legend " + html_escape(s.cls) + "\" x=\"" + num(legend_x) +
                "\" y=\"" + num(legend_y) + "\">" + html_escape(s.name) + "</text>";
      legend_x += 8.0 * static_cast<double>(s.name.size()) + 14;
    }
  }
  return out + legend + "</svg>";
}

}  // namespace dreamsim::report
