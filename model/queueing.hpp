// Queueing formulas for the fluid load model: how latency follows from load.
//
// Each tick, each service has an arrival rate lambda, c servers (ready replicas
// times workers) and a service rate mu per server. Below saturation, its
// within-tick delay is that of an M/M/c queue in steady state, adjusted for
// non-exponential traffic with the Allen-Cunneen factor; above it, the model
// carries a backlog instead (algorithms.md 4.4, 4.5), which is not this file's
// business. These are pure functions of their arguments, with no state and no
// randomness, so the model can call them anywhere and tests can pin them.
//
// The central quantity is Erlang C, the probability that an arrival has to
// wait. Its textbook form, a^c/c! * c/(c-a) over a sum of a^k/k!, overflows
// once c! does, at 171 servers. Here it comes from the Erlang B recursion
// instead, which has only positive terms and is accurate for any c:
//   1/B(0) = 1,  1/B(k) = 1 + (k/a) / B(k-1),  C = c / (c + (c - a) (1/B(c) - 1)).
// It costs c multiply-adds, so callers that evaluate a distribution many times
// per tick should build a ResponseTime once and reuse it.
//
// With C known, the M/M/c waiting time is 0 with probability 1 - C and
// exponential with rate theta = c*mu - lambda otherwise, and the response time
// is that wait plus an exponential service time of rate mu. Its survival
// function (algorithms.md 4.1, derived there) is
//   P(T > t) = e^(-mu t) + C * mu * (e^(-mu t) - e^(-theta t)) / (theta - mu).
// The difference quotient cancels badly when theta is close to mu and is 0/0 at
// theta == mu, so with m = min(mu, theta) and d = |theta - mu| it is evaluated as
//   (e^(-mu t) - e^(-theta t)) / (theta - mu) = e^(-m t) * (-expm1(-d t)) / d,
// which is accurate for every pair and tends to t e^(-mu t) as theta -> mu.
//
// Allen-Cunneen (Allen 1990, "Probability, Statistics, and Queueing Theory",
// 2nd ed.): for G/G/c, W_q ~= W_q(M/M/c) * (ca^2 + cs^2)/2, with ca and cs the
// coefficients of variation of inter-arrival and service times; with c = 1 it is
// Kingman's heavy-traffic formula. Real services have cs > 1, so they wait
// longer than M/M/c says. ResponseTime applies the factor to the distribution
// by keeping the exponential shape of a positive wait and stretching its mean
// (theta becomes theta / factor); that matches the mean exactly, and the tail
// only approximately, which is the accepted price of a closed form.
//
// Conventions, shared by every function below. Times are in seconds and rates
// per second. A queue with lambda >= c*mu (including c <= 0 or mu == 0, no
// capacity at all) has no steady state: it is reported as C = 1 and infinite
// waits, quantiles and means, and P(T > t) = 1; the model handles that regime
// with its backlog. lambda == 0 (with c >= 1) gives C = 0. Quantiles take
// 0 <= q <= 1; q = 1 gives infinity. Arguments that make no sense (negative or
// NaN rates, q outside [0, 1]) give NaN rather than an exception, since these
// run inside event callbacks, where no exception may cross.
#pragma once

namespace dreamsim::model {

// Erlang B, the blocking probability of M/M/c/c with offered load a = lambda/mu
// erlangs: B(c, a) = (a^c/c!) / sum_{k=0..c} a^k/k!. Computed by the recursion
// 1/B(k) = 1 + (k/a)/B(k-1) from 1/B(0) = 1, the usual recursion
// B(k) = a B(k-1)/(k + a B(k-1)) written for 1/B: c steps of positive terms,
// so the relative error grows only like c machine epsilons. 1/B may overflow to
// infinity for a << c, where B underflows to 0 anyway. B(0, a) = 1,
// B(c, 0) = 0 for c > 0.
double erlang_b(int servers, double offered_load);

// Erlang C, the probability that an arrival waits in M/M/c with offered load
// a = lambda/mu < c (octave queueing package `erlangc`; Gross and Harris,
// Fundamentals of Queueing Theory, the M/M/c queue):
//   C(c, a) = (a^c/c! * c/(c-a)) / (sum_{k=0..c-1} a^k/k! + a^c/c! * c/(c-a))
//           = c B / (c - a (1 - B)) = c / (c + (c - a) (1/B - 1)),  B = B(c, a).
// 1 when a >= c (no steady state), 0 when a == 0.
double erlang_c(int servers, double offered_load);

// The Allen-Cunneen factor (ca^2 + cs^2)/2 from the coefficients of variation
// of inter-arrival (ca) and service (cs) times; 1 for Poisson arrivals and
// exponential service, 0.5 for Poisson arrivals and constant service (which
// reproduces the exact M/D/1 mean wait, Pollaczek-Khinchine).
double allen_cunneen_factor(double ca, double cs);

// M/M/c mean wait in queue: W_q = C(c, a) / (c mu - lambda), a = lambda/mu.
double mmc_mean_wait(int servers, double arrival_rate, double service_rate);

// G/G/c mean wait by Allen-Cunneen: mmc_mean_wait * allen_cunneen_factor(ca, cs).
double ggc_mean_wait(int servers, double arrival_rate, double service_rate, double ca, double cs);

// M/M/c mean response time W = W_q + 1/mu.
double mmc_mean_response(int servers, double arrival_rate, double service_rate);

// The q-quantile of the M/M/c wait in queue, from P(W_q > t) = C e^(-theta t):
// max(0, ln(C/(1-q)) / theta), theta = c mu - lambda. 0 when q <= 1 - C.
double mmc_wait_quantile(int servers, double arrival_rate, double service_rate, double q);

// The response-time distribution of one queue, with its constants computed
// once: Erlang C, theta and mu. Build it per service per tick, then ask for
// as many points as needed; each survival() costs two exponentials.
struct ResponseTime {
  // C: the probability of a positive wait.
  double prob_wait = 0.0;
  // theta: the rate of the exponential wait, given a wait; c mu - lambda,
  // divided by the Allen-Cunneen factor. 0 when the queue is unstable.
  double wait_rate = 0.0;
  // mu: the rate of the exponential service time.
  double service_rate = 0.0;

  // P(T > t) = e^(-mu t) + C mu (e^(-mu t) - e^(-theta t))/(theta - mu), in the
  // stable form given in the essay; exactly 1 for t <= 0 or an unstable queue.
  double survival(double t) const;
  // P(T <= t) = 1 - survival(t).
  double cdf(double t) const { return 1.0 - survival(t); }
  // The density -d/dt P(T > t) =
  //   mu ((1 - C) e^(-mu t) + C theta (e^(-mu t) - e^(-theta t))/(theta - mu)).
  double density(double t) const;
  // E[T] = C/theta + 1/mu.
  double mean() const;
  // The q-quantile: the t with P(T > t) = 1 - q (0 for q = 0). Solved by Newton's
  // method on ln P(T > t), which is almost linear in t, safeguarded by
  // bisection inside the bracket [max(service q-quantile, wait q-quantile),
  // 2 ln((1+C)/(1-q)) / min(mu, theta)], which always holds the root (T is at
  // least either part, and P(T > t) <= P(W > t/2) + P(S > t/2)). It stops when
  // the bracket or the Newton step is below 1e-13 relative, or after 100
  // iterations; each step is a pure function of the last, so the answer is
  // deterministic. A hint (for instance the previous tick's answer) that lies
  // in the bracket is used as the first iterate and saves a few steps.
  double quantile(double q, double hint = 0.0) const;
};

// The M/M/c response-time distribution (wait_factor 1), or its Allen-Cunneen
// G/G/c approximation with wait_factor = allen_cunneen_factor(ca, cs).
// Costs one erlang_c, that is `servers` multiply-adds.
ResponseTime mmc_response_time(int servers, double arrival_rate, double service_rate,
                               double wait_factor = 1.0);

// Shorthands for one-off evaluations; each recomputes Erlang C.
double mmc_response_survival(int servers, double arrival_rate, double service_rate, double t);
double mmc_response_quantile(int servers, double arrival_rate, double service_rate, double q);

// M/M/1 (Kleinrock, Queueing Systems vol. 1, the M/M/1 queue): rho = lambda/mu < 1;
// W_q = rho/(mu - lambda); W = 1/(mu - lambda); the response time is
// exponential with rate mu - lambda, so P(T > t) = e^(-(mu - lambda) t) and its
// q-quantile is -ln(1-q)/(mu - lambda), about 3.0 W for the p95.
double mm1_mean_wait(double arrival_rate, double service_rate);
double mm1_mean_response(double arrival_rate, double service_rate);
double mm1_response_survival(double arrival_rate, double service_rate, double t);
double mm1_response_quantile(double arrival_rate, double service_rate, double q);

}  // namespace dreamsim::model
