#pragma once
// Special functions the CLV models need and the C++ standard library lacks (digamma, trigamma,
// the Gauss hypergeometric series), plus a re-entrant log-gamma.
//
// Thread-safety: every function is pure and re-entrant. std::lgamma is not used because glibc's
// writes the global `signgam`, a data race when two fits run at once.
// Accuracy: about 1e-14 relative on the domains stated below, which is what the maximum-likelihood
// fits need to agree with published estimates to many more digits than they are quoted to.

namespace rapport::analytics {

// log Gamma(x). REQUIRES: x > 0.
double log_gamma(double x) noexcept;

// psi(x) = d/dx log Gamma(x). REQUIRES: x > 0 (returns NaN otherwise).
double digamma(double x) noexcept;

// psi'(x) = d^2/dx^2 log Gamma(x). REQUIRES: x > 0 (returns NaN otherwise).
double trigamma(double x) noexcept;

// The Gauss hypergeometric function 2F1(a, b; c; z) summed as its power series.
// REQUIRES: 0 <= z < 1, c > 0. The series converges geometrically with ratio z, so the cost
// grows like 1/(1-z); the callers transform their arguments to keep a, b small and z moderate.
// Returns NaN if the series has not converged after a large number of terms.
double hyp2f1(double a, double b, double c, double z) noexcept;

}  // namespace rapport::analytics
