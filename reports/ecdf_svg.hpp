// Empirical distribution charts for the sweep and gate pages: one metric
// over the seeds of a scenario, as an inline SVG step curve.
//
// Why an empirical CDF and not a histogram: a sweep has anything from a
// handful to thousands of seeds, and a histogram's look depends on a bin
// width that no single rule gets right for both (with 10 seeds most bins
// hold 0 or 1 run; a metric that is 0 on 95 % of the seeds and large on
// the rest gets one tall bar and nothing readable). The CDF needs no bins,
// shows every seed as a step, reads the percentiles straight off the y
// axis (the p50 and p95 the sweep prints are drawn as marks), and shows
// runs without a value ("never detected", "never recovered") honestly: the
// curve stops at the fraction of runs that have one, below 1. Two curves on
// one frame (baseline and candidate) compare without bars hiding each other.
//
// Rendering is a pure function of the values: steps are merged at half a
// pixel, so a chart stays a few hundred path commands for any number of
// seeds, and the same values give the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace dreamsim::report {

struct EcdfSeries {
  std::string name;            // "baseline", "candidate"; "" for a single curve
  std::string cls;             // CSS class of the curve: "c0", "c1"
  std::vector<double> values;  // the runs that have a value, any order
  size_t runs = 0;             // all runs, with or without a value
};

// Vertical marks on the x axis (p50, p95), drawn dashed with their label.
struct EcdfMark {
  std::string label;
  double at = 0;
};

// The <svg class="ecdf"> of one metric. `title` is drawn above the frame
// and escaped; `unit` ("s" or "") follows the axis numbers.
std::string ecdf_svg(const std::string& title, const std::vector<EcdfSeries>& series,
                     const std::vector<EcdfMark>& marks, const std::string& unit);

// A number for people: up to `digits` significant digits, no exponent for
// ordinary magnitudes, whole numbers without a decimal point.
std::string short_number(double v, int digits = 4);

}  // namespace dreamsim::report
