#include "model/queueing.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dreamsim::model {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The relative width at which the quantile search stops, and its step cap.
constexpr double kQuantileTolerance = 1e-13;
constexpr int kQuantileMaxIterations = 100;

// True for a usable rate: finite or infinite, but not negative or NaN.
bool valid_rate(double x) { return x >= 0.0; }

// 1/B(c, a) by 1/B(k) = 1 + (k/a)/B(k-1). The factor k/a is off the dependency
// chain, so each step costs one multiply and one add of latency.
double inverse_erlang_b(int servers, double offered_load) {
  const double inverse_load = 1.0 / offered_load;
  double inverse_b = 1.0;
  for (int k = 1; k <= servers; ++k) {
    inverse_b = 1.0 + (static_cast<double>(k) * inverse_load) * inverse_b;
  }
  return inverse_b;
}

// theta = c mu - lambda, or 0 when the queue has no steady state. The test on
// a = lambda/mu as well as on theta keeps the two views of stability consistent
// under rounding.
double stable_wait_rate(int servers, double arrival_rate, double service_rate) {
  if (servers <= 0 || !(service_rate > 0.0)) return 0.0;
  const double c = static_cast<double>(servers);
  const double theta = c * service_rate - arrival_rate;
  if (!(arrival_rate / service_rate < c) || !(theta > 0.0)) return 0.0;
  return theta;
}

// e^(-mu t), and (e^(-mu t) - e^(-theta t))/(theta - mu) in the stable form
// e^(-m t) (-expm1(-d t))/d, m = min(mu, theta), d = |theta - mu|, which is
// t e^(-mu t) at theta == mu. Two libm calls give both.
struct ExpTerms {
  double service_tail;
  double difference_quotient;
};

ExpTerms exp_terms(double mu, double theta, double t) {
  if (theta == mu) {
    const double service_tail = std::exp(-mu * t);
    return {service_tail, t * service_tail};
  }
  const double m = std::min(mu, theta);
  const double d = std::abs(theta - mu);
  const double slow_tail = std::exp(-m * t);
  const double expm1_d = std::expm1(-d * t);
  // With theta < mu, e^(-mu t) = e^(-theta t) e^(-(mu - theta) t).
  const double service_tail = (mu <= theta) ? slow_tail : slow_tail * (1.0 + expm1_d);
  return {service_tail, slow_tail * (-expm1_d) / d};
}

}  // namespace

double erlang_b(int servers, double offered_load) {
  if (servers < 0 || !valid_rate(offered_load)) return kNaN;
  if (servers == 0) return 1.0;
  if (offered_load == 0.0) return 0.0;
  return 1.0 / inverse_erlang_b(servers, offered_load);
}

double erlang_c(int servers, double offered_load) {
  if (!valid_rate(offered_load)) return kNaN;
  const double c = static_cast<double>(servers);
  if (servers <= 0 || offered_load >= c) return 1.0;
  if (offered_load == 0.0) return 0.0;
  // C = c B / (c - a (1 - B)) with B = 1/r is c / (c + (c - a)(r - 1)): every
  // term is positive, and r = inf (B below the smallest double) gives 0.
  const double inverse_b = inverse_erlang_b(servers, offered_load);
  return c / (c + (c - offered_load) * (inverse_b - 1.0));
}

double allen_cunneen_factor(double ca, double cs) {
  if (!(ca >= 0.0) || !(cs >= 0.0)) return kNaN;
  return (ca * ca + cs * cs) / 2.0;
}

double mmc_mean_wait(int servers, double arrival_rate, double service_rate) {
  if (!valid_rate(arrival_rate) || !valid_rate(service_rate)) return kNaN;
  const double theta = stable_wait_rate(servers, arrival_rate, service_rate);
  if (theta == 0.0) return kInf;
  return erlang_c(servers, arrival_rate / service_rate) / theta;
}

double ggc_mean_wait(int servers, double arrival_rate, double service_rate, double ca, double cs) {
  const double factor = allen_cunneen_factor(ca, cs);
  const double wait = mmc_mean_wait(servers, arrival_rate, service_rate);
  if (std::isnan(factor) || std::isnan(wait)) return kNaN;
  // An unstable queue waits forever even with constant arrivals and service,
  // where the factor is 0 and inf * 0 would be NaN.
  if (wait == kInf) return kInf;
  return wait * factor;
}

double mmc_mean_response(int servers, double arrival_rate, double service_rate) {
  return mmc_mean_wait(servers, arrival_rate, service_rate) + 1.0 / service_rate;
}

double mmc_wait_quantile(int servers, double arrival_rate, double service_rate, double q) {
  if (!valid_rate(arrival_rate) || !valid_rate(service_rate) || !(q >= 0.0 && q <= 1.0)) {
    return kNaN;
  }
  const double theta = stable_wait_rate(servers, arrival_rate, service_rate);
  if (theta == 0.0) return kInf;
  const double prob_wait = erlang_c(servers, arrival_rate / service_rate);
  const double tail = 1.0 - q;
  if (prob_wait <= tail) return 0.0;
  // ln(C/(1-q)) with log1p so that q near 0 keeps its digits.
  return (std::log(prob_wait) - std::log1p(-q)) / theta;
}

ResponseTime mmc_response_time(int servers, double arrival_rate, double service_rate,
                               double wait_factor) {
  if (!valid_rate(arrival_rate) || !valid_rate(service_rate) || !(wait_factor >= 0.0)) {
    return ResponseTime{kNaN, kNaN, kNaN};
  }
  const double theta = stable_wait_rate(servers, arrival_rate, service_rate);
  if (theta == 0.0) return ResponseTime{1.0, 0.0, service_rate};
  // A factor of 0 (constant arrivals and service) means no queueing at all.
  if (wait_factor == 0.0) return ResponseTime{0.0, kInf, service_rate};
  return ResponseTime{erlang_c(servers, arrival_rate / service_rate), theta / wait_factor,
                      service_rate};
}

double ResponseTime::survival(double t) const {
  if (std::isnan(t) || std::isnan(prob_wait) || std::isnan(wait_rate)) return kNaN;
  if (t <= 0.0 || wait_rate == 0.0) return 1.0;
  if (prob_wait == 0.0) return std::exp(-service_rate * t);
  const ExpTerms terms = exp_terms(service_rate, wait_rate, t);
  return terms.service_tail + prob_wait * service_rate * terms.difference_quotient;
}

double ResponseTime::density(double t) const {
  if (std::isnan(t) || std::isnan(prob_wait) || std::isnan(wait_rate)) return kNaN;
  if (t < 0.0 || wait_rate == 0.0) return 0.0;
  if (prob_wait == 0.0) return service_rate * std::exp(-service_rate * t);
  const ExpTerms terms = exp_terms(service_rate, wait_rate, t);
  return service_rate * ((1.0 - prob_wait) * terms.service_tail +
                         prob_wait * wait_rate * terms.difference_quotient);
}

double ResponseTime::mean() const {
  if (std::isnan(prob_wait) || std::isnan(wait_rate)) return kNaN;
  if (wait_rate == 0.0) return kInf;
  return prob_wait / wait_rate + 1.0 / service_rate;
}

double ResponseTime::quantile(double q, double hint) const {
  if (!(q >= 0.0 && q <= 1.0) || std::isnan(prob_wait) || std::isnan(wait_rate)) return kNaN;
  if (q == 0.0) return 0.0;
  if (q == 1.0 || wait_rate == 0.0) return kInf;
  const double mu = service_rate;
  const double theta = wait_rate;
  const double tail = 1.0 - q;
  const double log_tail = std::log1p(-q);

  // The bracket of the header: T is at least its service time and at least its
  // wait, and P(T > t) <= (1 + C) e^(-min(mu, theta) t / 2).
  const double service_quantile = -log_tail / mu;
  const double wait_quantile = (prob_wait > tail) ? (std::log(prob_wait) - log_tail) / theta : 0.0;
  double lo = std::max(service_quantile, wait_quantile);
  double hi = 2.0 * (std::log1p(prob_wait) - log_tail) / std::min(mu, theta);
  if (!(hi > lo)) return lo;

  // Without a usable hint, start from the tail asymptote: P(T > t) tends to
  // A e^(-m t), m = min(mu, theta), with A = 1 + C mu/(theta - mu) when the
  // service is slower, C mu/(mu - theta) when the wait is; at theta == mu the
  // extra factor (1 + C mu t) is left out. Newton then needs a few steps.
  double t = hint;
  if (!(hint > lo && hint < hi)) {
    double coefficient = 1.0;
    if (theta > mu) coefficient = 1.0 + prob_wait * mu / (theta - mu);
    if (theta < mu) coefficient = prob_wait * mu / (mu - theta);
    t = (std::log(coefficient) - log_tail) / std::min(mu, theta);
    if (!(t > lo && t < hi)) t = lo;
  }
  for (int iteration = 0; iteration < kQuantileMaxIterations; ++iteration) {
    const double s = survival(t);
    if (s == tail) return t;
    if (s > tail) {
      lo = t;
    } else {
      hi = t;
    }
    // Newton on ln P(T > t) - ln(1 - q), whose derivative is -density/survival.
    const double step = (std::log(s) - log_tail) * s / density(t);
    // A Newton step this small means t is the root to rounding; it may point
    // just outside the bracket (the root can sit on its lower end), which must
    // not send the search into bisection.
    if (std::abs(step) <= kQuantileTolerance * t) return std::clamp(t + step, lo, hi);
    double next = t + step;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (hi - lo <= kQuantileTolerance * hi) return next;
    t = next;
  }
  return t;
}

double mmc_response_survival(int servers, double arrival_rate, double service_rate, double t) {
  return mmc_response_time(servers, arrival_rate, service_rate).survival(t);
}

double mmc_response_quantile(int servers, double arrival_rate, double service_rate, double q) {
  return mmc_response_time(servers, arrival_rate, service_rate).quantile(q);
}

double mm1_mean_wait(double arrival_rate, double service_rate) {
  if (!valid_rate(arrival_rate) || !valid_rate(service_rate)) return kNaN;
  if (!(arrival_rate < service_rate)) return kInf;
  return arrival_rate / (service_rate * (service_rate - arrival_rate));
}

double mm1_mean_response(double arrival_rate, double service_rate) {
  if (!valid_rate(arrival_rate) || !valid_rate(service_rate)) return kNaN;
  if (!(arrival_rate < service_rate)) return kInf;
  return 1.0 / (service_rate - arrival_rate);
}

double mm1_response_survival(double arrival_rate, double service_rate, double t) {
  if (!valid_rate(arrival_rate) || !valid_rate(service_rate) || std::isnan(t)) return kNaN;
  if (t <= 0.0 || !(arrival_rate < service_rate)) return 1.0;
  return std::exp(-(service_rate - arrival_rate) * t);
}

double mm1_response_quantile(double arrival_rate, double service_rate, double q) {
  if (!valid_rate(arrival_rate) || !valid_rate(service_rate) || !(q >= 0.0 && q <= 1.0)) {
    return kNaN;
  }
  if (!(arrival_rate < service_rate)) return kInf;
  return -std::log1p(-q) / (service_rate - arrival_rate);
}

}  // namespace dreamsim::model
