// The detectors' math, as pure functions a test calls directly: robust z
// from the median and MAD, one-sided CUSUM, whitening by the covariance of
// the self set, and real-valued negative selection with variable-sized
// detectors (the V-detector of Ji and Dasgupta, GECCO 2004).
//
// Robust z. For a window of values x_1..x_n with median m,
//     z = (x - m) / max(1.4826 * MAD, floor),   MAD = median |x_i - m|.
// 1.4826 makes the MAD a consistent estimate of sigma under a normal
// distribution, so z reads in sigmas; the floor keeps a flat series (a
// service with no errors) from dividing by zero or turning noise of a
// thousandth into ten sigmas. This is the modified z-score of Iglewicz and
// Hoaglin up to the constant 0.6745 = 1 / 1.4826.
//
// CUSUM (Page 1954) on z, one-sided in the direction that is bad for the
// signal (latency up, traffic down):
//     S_t = max(0, S_{t-1} + z_t - k),  alarm when S_t > h, then S_t = 0.
// k = 0.5 is half the 1-sigma shift it is tuned to catch; h = 5 gives an
// in-control average run length of several hundred samples.
//
// The V-detector. Self is a set of points in the unit cube [0,1]^n. A
// uniform candidate x is discarded if it lies inside a detector already
// (counting towards coverage) or within eps of a self point; otherwise it
// becomes a detector centred at x with the largest radius that matches no
// self point, d_min - eps. Generation stops when 1 / (1 - coverage)
// candidates in a row were already covered (the "probably adequate"
// coverage estimate), at the cap, or after max_attempts candidates.
//
// Whitening. Robust z per signal ignores that signals move together (CPU
// follows traffic). The self set's covariance C = V diag(l) V^T gives
// W = V diag(1 / sqrt(max(l, 1))) V^T: directions in which normal operation
// spreads by more than one sigma are shrunk to one, and directions the MAD
// floors already flattened are never amplified, so a correlated swing of
// normal load is not mistaken for a joint anomaly.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Dense>

#include "controllers/ports.hpp"

namespace dreamsim::ctl {

// The feature vector of one service: latency_p95 (log s), error_rate,
// traffic (log rps), CPU per request (log of saturation / rps),
// saturation_memory.
inline constexpr int kFeatureCount = 5;
using Feature = Eigen::Matrix<double, kFeatureCount, 1>;
using FeatureMatrix = Eigen::Matrix<double, kFeatureCount, Eigen::Dynamic>;
using Whitening = Eigen::Matrix<double, kFeatureCount, kFeatureCount>;

struct RobustBaseline {
  double median = 0.0;
  double scale = 1.0;  // max(1.4826 * MAD, floor)
};

// The median and scale of `values` (reordered in place; empty gives
// {0, floor}). Even counts take the mean of the two middle values.
RobustBaseline robust_baseline(std::vector<double>& values, double scale_floor);
// The same from values already sorted ascending, without copying or
// reordering them: the median is the middle, and the MAD the middle of the
// deviations, which are two sorted runs (below and above the median) merged
// up to the middle. Bit for bit the result of robust_baseline.
RobustBaseline robust_baseline_sorted(const std::vector<double>& sorted, double scale_floor);

inline double robust_z(double x, const RobustBaseline& b) { return (x - b.median) / b.scale; }

// One-sided CUSUM on z.
struct Cusum {
  double k = 0.5;
  double h = 5.0;
  double s = 0.0;
  // Adds one z; true on an alarm, after which s restarts at 0.
  bool update(double z);
};

// The whitening matrix of the self set's z vectors (one per column); the
// identity for fewer than kFeatureCount + 1 samples.
Whitening whitening(const FeatureMatrix& z_self);

// z -> the unit cube: clip(0.5 + W z / (2 z_max), 0, 1).
Feature to_unit(const Feature& z, const Whitening& w, double z_max);

// The Euclidean distance from x to the nearest column of `self`
// (+infinity when self is empty).
double nearest_distance(const FeatureMatrix& self, const Feature& x);

// A hypersphere in the unit cube.
struct Sphere {
  Feature center = Feature::Zero();
  double radius = 0.0;
};

struct VDetectorParams {
  double eps = 0.08;
  double coverage = 0.99;
  int max_detectors = 1000;
  int max_attempts = 100000;
  double min_radius = 0.01;
};

struct Generation {
  std::vector<Sphere> detectors;
  int attempts = 0;
  bool coverage_reached = false;  // stopped on the coverage estimate
};

// Generates detectors against `self` (points in the unit cube, one per
// column). Spheres in `existing` (immune memory) count as coverage and are
// not returned again. Draws kFeatureCount uniforms per candidate from `rng`,
// in order, so the same stream gives the same detectors.
Generation generate_vdetectors(const FeatureMatrix& self, const std::vector<Sphere>& existing,
                               const VDetectorParams& params, RandomPort& rng);

}  // namespace dreamsim::ctl
