#pragma once
// Coupons: codes given or generated (random, unambiguous characters), single or multi use, for
// anyone or one customer, with a validity, a minimum spend and usage limits in all and per
// customer. Order placement (app/order_service) redeems one on the one writer, checking the
// limits against the committed uses in the same job, so concurrent checkouts never use a coupon
// beyond its limit (and the schema's CHECK uses <= max_uses would refuse it too).
// The list is newest first (by id) and filters on a code prefix, on being usable now (valid
// now and not used up) and on the customer a coupon is for.
// Errors: invalid_argument (field named), not_found (coupon, customer), conflict (a code that
// exists), forbidden.
// Thread-safety: all methods may be called from any thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/caller.hpp"
#include "app/page.hpp"
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

struct CouponListParams {
  std::optional<std::string> q;  // a code prefix, any case; blank: no filter
  // true: valid at `now` (starts_at <= now < ends_at) and not used up; false: the others.
  std::optional<bool> active;
  std::optional<std::int64_t> customer_id;  // the coupons for this customer only
  std::optional<std::string> cursor;
  std::optional<int> limit;
};

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
  // Coupons newest first. Throws invalid_argument naming "q" (not letters, digits or '-', or
  // longer than a code), "cursor" or "limit". `now` decides `active` (nullopt: the clock).
  Page<Coupon> list(const Caller& caller, const CouponListParams& params,
                    std::optional<TimeMs> now = std::nullopt);

 private:
  store::Database& db_;
};

}  // namespace rapport::app
