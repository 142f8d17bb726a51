#include "controllers/detector_math.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Eigenvalues>

namespace dreamsim::ctl {
namespace {

double median_in_place(std::vector<double>& v) {
  const size_t n = v.size();
  const size_t mid = n / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (n % 2 == 1) return upper;
  // The lower middle is the largest of the part before mid.
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return 0.5 * (lower + upper);
}

}  // namespace

RobustBaseline robust_baseline(std::vector<double>& values, double scale_floor) {
  RobustBaseline b;
  b.scale = scale_floor;
  if (values.empty()) return b;
  b.median = median_in_place(values);
  for (double& v : values) v = std::fabs(v - b.median);
  const double mad = median_in_place(values);
  b.scale = std::max(1.4826 * mad, scale_floor);
  return b;
}

RobustBaseline robust_baseline_sorted(const std::vector<double>& a, double scale_floor) {
  RobustBaseline b;
  b.scale = scale_floor;
  const size_t n = a.size();
  if (n == 0) return b;
  const size_t mid = n / 2;
  b.median = n % 2 == 1 ? a[mid] : 0.5 * (a[mid - 1] + a[mid]);
  // Deviations: right run a[p..] - m ascending, left run m - a[p-1], m - a[p-2], ...
  // ascending; walk the merge to the (mid - 1)th and mid-th smallest.
  const size_t p =
      static_cast<size_t>(std::lower_bound(a.begin(), a.end(), b.median) - a.begin());
  size_t right = p, left = p;  // next unused: a[right] on the right, a[left - 1] on the left
  double previous = 0.0, current = 0.0;
  for (size_t k = 0; k <= mid; ++k) {
    previous = current;
    const bool take_right =
        left == 0 || (right < n && a[right] - b.median <= b.median - a[left - 1]);
    current = take_right ? a[right++] - b.median : b.median - a[--left];
  }
  const double mad = n % 2 == 1 ? current : 0.5 * (previous + current);
  b.scale = std::max(1.4826 * mad, scale_floor);
  return b;
}

bool Cusum::update(double z) {
  s = std::max(0.0, s + z - k);
  if (s > h) {
    s = 0.0;
    return true;
  }
  return false;
}

Whitening whitening(const FeatureMatrix& z_self) {
  const Eigen::Index n = z_self.cols();
  if (n < kFeatureCount + 1) return Whitening::Identity();
  const Feature mean = z_self.rowwise().mean();
  const FeatureMatrix centred = z_self.colwise() - mean;
  const Whitening cov = (centred * centred.transpose()) / static_cast<double>(n - 1);
  const Eigen::SelfAdjointEigenSolver<Whitening> eig(cov);
  if (eig.info() != Eigen::Success) return Whitening::Identity();
  const Feature scale = eig.eigenvalues().cwiseMax(1.0).cwiseSqrt().cwiseInverse();
  return eig.eigenvectors() * scale.asDiagonal() * eig.eigenvectors().transpose();
}

Feature to_unit(const Feature& z, const Whitening& w, double z_max) {
  const Feature u = (w * z).array() / (2.0 * z_max) + 0.5;
  return u.cwiseMax(0.0).cwiseMin(1.0);
}

double nearest_distance(const FeatureMatrix& self, const Feature& x) {
  if (self.cols() == 0) return std::numeric_limits<double>::infinity();
  return std::sqrt((self.colwise() - x).colwise().squaredNorm().minCoeff());
}

Generation generate_vdetectors(const FeatureMatrix& self, const std::vector<Sphere>& existing,
                               const VDetectorParams& params, RandomPort& rng) {
  Generation out;
  const int cap = std::max(0, params.max_detectors);
  const int needed_run = static_cast<int>(
      std::ceil(1.0 / std::max(1e-9, 1.0 - std::min(params.coverage, 1.0 - 1e-9))));
  // Centres and squared radii of every sphere that covers, memory first,
  // as columns, so that "is x covered" is one vectorised pass.
  const auto total_cap = static_cast<Eigen::Index>(existing.size()) + cap;
  FeatureMatrix centres(kFeatureCount, total_cap);
  Eigen::VectorXd radii2(total_cap);
  Eigen::Index count = 0;
  for (const Sphere& s : existing) {
    centres.col(count) = s.center;
    radii2(count) = s.radius * s.radius;
    ++count;
  }
  out.detectors.reserve(static_cast<size_t>(cap));
  int covered_run = 0;
  Feature x;
  while (static_cast<int>(out.detectors.size()) < cap && out.attempts < params.max_attempts) {
    ++out.attempts;
    for (int i = 0; i < kFeatureCount; ++i) x(i) = rng.uniform01();
    if (count > 0) {
      // Lazy: no temporary per candidate.
      if (((centres.leftCols(count).colwise() - x).colwise().squaredNorm().transpose().array() <
           radii2.head(count).array())
              .any()) {
        if (++covered_run >= needed_run) {
          out.coverage_reached = true;
          break;
        }
        continue;
      }
    }
    covered_run = 0;
    const double d_min = nearest_distance(self, x);
    if (d_min <= params.eps) continue;  // x is self
    const double radius = std::isfinite(d_min) ? d_min - params.eps : 1.0;
    if (radius < params.min_radius) continue;
    centres.col(count) = x;
    radii2(count) = radius * radius;
    ++count;
    out.detectors.push_back(Sphere{x, radius});
  }
  return out;
}

}  // namespace dreamsim::ctl
