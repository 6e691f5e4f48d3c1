#pragma once
// Coupons: codes given or generated (random, unambiguous characters), single or multi use, for
// anyone or one customer, with a validity, a minimum spend and usage limits in all and per
// customer. Order placement (app/order_service) redeems one on the one writer, checking the
// limits against the committed uses in the same job, so concurrent checkouts never use a coupon
// beyond its limit (and the schema's CHECK uses <= max_uses would refuse it too).
// Errors: invalid_argument (field named), not_found (coupon, customer), conflict (a code that
// exists), forbidden.
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/write_op.hpp"
#include "core/discount_rules.hpp"
#include "store/database.hpp"

namespace rapport::app {

struct Coupon {
  std::int64_t id = 0;
  std::string code;
  CouponTerms terms;
  std::int64_t uses = 0;
  TimeMs created_at = 0;
};

struct NewCoupons {
  std::optional<std::string> code;  // one given code, or
  std::int64_t count = 1;           // this many generated codes
  std::string prefix;               // of generated codes, e.g. "XMAS-"
  CouponTerms terms;
};

inline constexpr std::int64_t kMaxCouponsPerRequest = 1000;

// A coupon by code (normalised) on `conn`; nullopt when there is none.
std::optional<Coupon> find_coupon(store::Connection& conn, const std::string& code);
// Uses of a coupon by a customer.
std::int64_t coupon_uses_by(store::Connection& conn, std::int64_t coupon_id,
                            std::int64_t customer_id);

class CouponService {
 public:
  explicit CouponService(store::Database& db) : db_(db) {}
  // Throws invalid_argument for a malformed code and not_found for an unknown one (field "code").
  Coupon get(const Caller& caller, const std::string& code);
  WriteOp<std::vector<Coupon>> create(const Caller& caller, NewCoupons in);

 private:
  store::Database& db_;
};

}  // namespace rapport::app
