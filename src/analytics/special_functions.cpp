#include "analytics/special_functions.hpp"

#include <cmath>
#include <limits>

#include <math.h>  // lgamma_r: the re-entrant glibc variant (see the header).

namespace rapport::analytics {

double log_gamma(double x) noexcept {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

// Both psi functions shift the argument up with the recurrence until the asymptotic (Bernoulli)
// series is accurate to double precision, which from x >= 10 needs seven terms.
double digamma(double x) noexcept {
  if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
  double result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const double inv = 1 / x;
  const double inv2 = inv * inv;
  const double series =
      inv2 *
      (1.0 / 12 -
       inv2 * (1.0 / 120 -
               inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 -
                                                                                   inv2 / 12))))));
  return result + std::log(x) - 0.5 * inv - series;
}

double trigamma(double x) noexcept {
  if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
  double result = 0;
  while (x < 10) {
    result += 1 / (x * x);
    x += 1;
  }
  const double inv = 1 / x;
  const double inv2 = inv * inv;
  // 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1)
  const double series =
      inv * inv2 *
      (1.0 / 6 - inv2 * (1.0 / 30 -
                         inv2 * (1.0 / 42 -
                                 inv2 * (1.0 / 30 - inv2 * (5.0 / 66 - inv2 * (691.0 / 2730 -
                                                                               inv2 * 7.0 / 6))))));
  return result + inv + 0.5 * inv2 + series;
}

double hyp2f1(double a, double b, double c, double z) noexcept {
  if (!(z >= 0 && z < 1) || !(c > 0)) return std::numeric_limits<double>::quiet_NaN();
  double term = 1;
  double sum = 1;
  // Terms may first grow (a, b > c) before the geometric decay sets in, so stop only on a term
  // that is both tiny and past the peak (|ratio| < 1).
  constexpr int kMaxTerms = 1'000'000;
  for (int n = 0; n < kMaxTerms; ++n) {
    const double ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
    term *= ratio;
    sum += term;
    if (std::abs(term) <= 1e-17 * std::abs(sum) && std::abs(ratio) < 1) return sum;
    if (term == 0) return sum;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace rapport::analytics
