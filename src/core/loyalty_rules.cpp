#include "core/loyalty_rules.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "core/error.hpp"
#include "core/validation.hpp"

namespace rapport {

namespace {

bool all_digits(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_view(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t end = s.find(sep, start);
    out.push_back(trim_view(s.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::optional<std::int64_t> loyalty_int(std::string_view s, std::int64_t min, std::int64_t max) {
  auto v = parse_int64(s);
  if (!v || *v < min || *v > max) return std::nullopt;
  return v;
}

bool is_tier_name(std::string_view s) noexcept {
  if (s.empty() || s.size() > 30) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

__extension__ typedef __int128 Wide;  // a GCC/Clang type; -Wpedantic wants it marked

}  // namespace

char luhn_check_digit(std::string_view payload) noexcept {
  int sum = 0;
  bool dbl = true;  // the payload's rightmost digit is doubled (the check digit follows it)
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool luhn_valid(std::string_view number) noexcept {
  if (number.size() < 2 || !all_digits(number)) return false;
  return luhn_check_digit(number.substr(0, number.size() - 1)) == number.back();
}

std::string card_number_from_payload(std::string_view payload) {
  std::string out(payload);
  out.push_back(luhn_check_digit(payload));
  return out;
}

std::string check_card_number(std::string_view field, std::string_view number) {
  std::string digits;
  for (char c : number) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') {
      throw_invalid(std::string(field), "must be a card number of " + std::to_string(kCardDigits) +
                                            " digits (spaces and dashes allowed)");
    }
    digits.push_back(c);
    if (digits.size() > kCardDigits) break;
  }
  if (digits.size() != kCardDigits) {
    throw_invalid(std::string(field),
                  "must be a card number of " + std::to_string(kCardDigits) + " digits");
  }
  if (!luhn_valid(digits)) {
    throw_invalid(std::string(field),
                  "fails its check digit: the number was mistyped or misread; scan it again");
  }
  return digits;
}

std::vector<LoyaltyTier> parse_loyalty_tiers(std::string_view text, std::string_view field) {
  const std::string f(field);
  const std::string shape =
      "must list tiers as name:threshold:earn percent:free delivery (yes|no) separated by ';', "
      "e.g. \"member:0:100:no; gold:200000:150:yes\"";
  std::vector<LoyaltyTier> out;
  if (trim_view(text).empty()) throw_invalid(f, shape);
  for (std::string_view part : split_view(text, ';')) {
    if (part.empty()) continue;
    auto fields = split_view(part, ':');
    if (fields.size() != 4) throw_invalid(f, shape);
    LoyaltyTier t;
    if (!is_tier_name(fields[0])) {
      throw_invalid(f, "tier '" + std::string(fields[0]) +
                           "': a name is 1-30 lowercase letters, digits or '_'");
    }
    t.name = std::string(fields[0]);
    auto threshold = loyalty_int(fields[1], 0, 1'000'000'000'000'000LL);
    auto mult = loyalty_int(fields[2], 0, 10'000);
    if (!threshold) throw_invalid(f, "tier '" + t.name + "': the threshold must be 0 or more");
    if (!mult) throw_invalid(f, "tier '" + t.name + "': the earn percent must be 0 to 10000");
    if (fields[3] != "yes" && fields[3] != "no") {
      throw_invalid(f, "tier '" + t.name + "': free delivery must be yes or no");
    }
    t.threshold = *threshold;
    t.earn_multiplier_pct = *mult;
    t.free_delivery = fields[3] == "yes";
    if (out.empty() && t.threshold != 0) {
      throw_invalid(f, "the first tier ('" + t.name + "') must have threshold 0");
    }
    if (!out.empty() && t.threshold <= out.back().threshold) {
      throw_invalid(f, "tier '" + t.name + "': thresholds must rise from tier to tier");
    }
    if (find_tier(out, t.name) != nullptr) {
      throw_invalid(f, "tier '" + t.name + "' is listed twice");
    }
    out.push_back(std::move(t));
  }
  if (out.empty()) throw_invalid(f, shape);
  if (out.size() > 20) throw_invalid(f, "holds at most 20 tiers");
  return out;
}

const LoyaltyTier& tier_for(std::span<const LoyaltyTier> tiers, std::int64_t qualifying) {
  const LoyaltyTier* best = &tiers.front();
  for (const auto& t : tiers) {
    if (qualifying >= t.threshold) best = &t;
  }
  return *best;
}

const LoyaltyTier* find_tier(std::span<const LoyaltyTier> tiers, std::string_view name) {
  for (const auto& t : tiers) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

int tier_rank(std::span<const LoyaltyTier> tiers, std::string_view name) {
  for (std::size_t i = 0; i < tiers.size(); ++i) {
    if (tiers[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

TierDecision decide_tier(std::span<const LoyaltyTier> tiers, std::string_view current,
                         std::string_view earned, bool at_review) {
  const int have = tier_rank(tiers, current);
  const int want = tier_rank(tiers, earned);
  // A tier no longer in the table counts as below every tier: the member moves to the earned
  // one at once.
  if (want > have || (at_review && want != have)) return {std::string(earned), true};
  return {std::string(current), false};
}

std::vector<EarnMultiplier> parse_earn_multipliers(std::string_view text, std::string_view field) {
  const std::string f(field);
  std::vector<EarnMultiplier> out;
  if (trim_view(text).empty()) return out;
  for (std::string_view part : split_view(text, ',')) {
    if (part.empty()) continue;
    const auto colon = part.find(':');
    const auto eq = part.find('=');
    if (colon == std::string_view::npos || eq == std::string_view::npos || eq < colon) {
      throw_invalid(f,
                    "must list multipliers as product:ID=percent or category:ID=percent, "
                    "separated by commas, e.g. \"category:4=200, product:17=300\"");
    }
    EarnMultiplier m;
    const std::string_view scope = trim_view(part.substr(0, colon));
    if (scope == "product") {
      m.product = true;
    } else if (scope != "category") {
      throw_invalid(f, "'" + std::string(scope) + "' is neither product nor category");
    }
    auto id = loyalty_int(trim_view(part.substr(colon + 1, eq - colon - 1)), 1, INT64_MAX);
    auto pct = loyalty_int(trim_view(part.substr(eq + 1)), 0, 10'000);
    if (!id) throw_invalid(f, "'" + std::string(part) + "': the id must be a positive number");
    if (!pct) throw_invalid(f, "'" + std::string(part) + "': the percent must be 0 to 10000");
    m.id = *id;
    m.pct = *pct;
    out.push_back(m);
  }
  if (out.size() > 1000) throw_invalid(f, "holds at most 1000 multipliers");
  return out;
}

EarnResult compute_earned_points(std::span<const EarnLine> lines, const EarnRules& rules) {
  EarnResult r;
  r.line_points.reserve(lines.size());
  for (const auto& l : lines) {
    std::int64_t line_pct = 100;
    bool found_product = false;
    for (const auto& m : rules.multipliers) {
      if (m.product && m.id == l.product_id) {
        line_pct = m.pct;
        found_product = true;
        break;
      }
    }
    if (!found_product && l.category_id) {
      for (const auto& m : rules.multipliers) {
        if (!m.product && m.id == *l.category_id) {
          line_pct = m.pct;
          break;
        }
      }
    }
    std::int64_t points = 0;
    if (l.total_minor > 0) {
      Wide p = static_cast<Wide>(l.total_minor) * rules.points_per_100_minor * line_pct *
               rules.tier_multiplier_pct * rules.promotion_multiplier_pct;
      p /= static_cast<Wide>(100) * 100 * 100 * 100;
      points = p > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(p);
    }
    r.line_points.push_back(points);
    r.points += points;
  }
  if (rules.cap_per_order > 0 && r.points > rules.cap_per_order) {
    std::int64_t over = r.points - rules.cap_per_order;
    for (auto it = r.line_points.rbegin(); it != r.line_points.rend() && over > 0; ++it) {
      const std::int64_t cut = std::min(*it, over);
      *it -= cut;
      over -= cut;
    }
    r.points = rules.cap_per_order;
  }
  return r;
}

std::int64_t redemption_value_minor(std::int64_t points, std::int64_t value_minor_per_100_points) {
  Wide v = static_cast<Wide>(points) * value_minor_per_100_points / 100;
  return v > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(v);
}

std::vector<std::int64_t> allocate_proportionally(std::int64_t amount,
                                                  std::span<const std::int64_t> weights) {
  std::vector<std::int64_t> parts(weights.size(), 0);
  Wide total = 0;
  for (auto w : weights) total += w;
  if (total <= 0 || amount <= 0) return parts;
  std::vector<std::pair<Wide, std::size_t>> remainders;
  remainders.reserve(weights.size());
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const Wide exact = static_cast<Wide>(amount) * weights[i];
    parts[i] = static_cast<std::int64_t>(exact / total);
    given += parts[i];
    remainders.emplace_back(exact % total, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < amount && k < remainders.size(); ++k) {
    ++parts[remainders[k].second];
    ++given;
  }
  return parts;
}

TimeMs add_months_utc(TimeMs t, int months) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(t)));
  const milliseconds into_day = milliseconds(t) - day.time_since_epoch();
  year_month_day ymd{day};
  year_month ym = year_month{ymd.year(), ymd.month()} + std::chrono::months(months);
  const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  const std::chrono::day d = ymd.day() > last ? last : ymd.day();
  const sys_days out{year_month_day{ym.year(), ym.month(), d}};
  return duration_cast<milliseconds>(out.time_since_epoch() + into_day).count();
}

std::int64_t points_due_to_expire(std::int64_t credits_through_lot,
                                  std::int64_t debits_total) noexcept {
  return credits_through_lot > debits_total ? credits_through_lot - debits_total : 0;
}

}  // namespace rapport
