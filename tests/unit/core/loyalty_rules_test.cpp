#include "core/loyalty_rules.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

#include "core/error.hpp"

namespace rapport {
namespace {

TEST(LuhnTest, KnownNumbersPassAndTheirCheckDigitIsComputed) {
  // Published test numbers (ISO/IEC 7812 examples).
  EXPECT_TRUE(luhn_valid("79927398713"));
  EXPECT_TRUE(luhn_valid("4539578763621486"));
  EXPECT_EQ(luhn_check_digit("7992739871"), '3');
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_FALSE(luhn_valid("7992739871a"));
  EXPECT_FALSE(luhn_valid(""));
}

TEST(LuhnTest, EverySingleDigitErrorAndAdjacentSwapIsCaught) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> d(0, 9);
  for (int n = 0; n < 200; ++n) {
    std::string payload = "8";
    while (payload.size() < kCardDigits - 1) payload.push_back(static_cast<char>('0' + d(rng)));
    const std::string card = card_number_from_payload(payload);
    ASSERT_EQ(card.size(), kCardDigits);
    ASSERT_TRUE(luhn_valid(card));
    for (std::size_t i = 0; i < card.size(); ++i) {
      for (char c = '0'; c <= '9'; ++c) {
        if (c == card[i]) continue;
        std::string typo = card;
        typo[i] = c;
        EXPECT_FALSE(luhn_valid(typo)) << typo;
      }
    }
    for (std::size_t i = 0; i + 1 < card.size(); ++i) {
      std::string swapped = card;
      std::swap(swapped[i], swapped[i + 1]);
      // Luhn misses only the swap of 0 and 9 (and equal digits, which change nothing).
      const bool undetectable = swapped == card || (card[i] == '0' && card[i + 1] == '9') ||
                                (card[i] == '9' && card[i + 1] == '0');
      if (!undetectable) {
        EXPECT_FALSE(luhn_valid(swapped)) << swapped;
      }
    }
  }
}

TEST(LuhnTest, CheckCardNumberNamesTheFieldAndIgnoresSeparators) {
  const std::string card = card_number_from_payload("800012345678901");
  const std::string spaced =
      card.substr(0, 4) + " " + card.substr(4, 4) + "-" + card.substr(8, 4) + " " + card.substr(12);
  EXPECT_EQ(check_card_number("card_number", spaced), card);
  std::string typo = card;
  typo[3] = typo[3] == '1' ? '2' : '1';
  try {
    check_card_number("card_number", typo);
    FAIL() << "a mistyped number passed";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "card_number");
    EXPECT_NE(std::string(e.what()).find("check digit"), std::string::npos);
  }
  EXPECT_THROW(check_card_number("n", "1234"), Error);
  EXPECT_THROW(check_card_number("n", card + "0"), Error);
  EXPECT_THROW(check_card_number("n", "8000x2345678901"), Error);
}

TEST(TierTest, ParsesTheTableAndPicksTheHighestTierReached) {
  auto tiers =
      parse_loyalty_tiers("member:0:100:no; silver:50000:125:no; gold:200000:150:yes", "t");
  ASSERT_EQ(tiers.size(), 3u);
  EXPECT_EQ(tiers[2].name, "gold");
  EXPECT_EQ(tiers[2].earn_multiplier_pct, 150);
  EXPECT_TRUE(tiers[2].free_delivery);
  EXPECT_EQ(tier_for(tiers, 0).name, "member");
  EXPECT_EQ(tier_for(tiers, 49999).name, "member");
  EXPECT_EQ(tier_for(tiers, 50000).name, "silver");
  EXPECT_EQ(tier_for(tiers, 10'000'000).name, "gold");
  EXPECT_EQ(tier_rank(tiers, "silver"), 1);
  EXPECT_EQ(tier_rank(tiers, "bronze"), -1);
}

TEST(TierTest, RefusesMalformedTables) {
  for (const char* bad :
       {"", "member:1:100:no", "member:0:100:no; silver:0:100:no", "member:0:100:maybe",
        "Member:0:100:no", "member:0:x:no", "member:0:100:no; member:10:100:no", "member:0:100"}) {
    try {
      parse_loyalty_tiers(bad, "loyalty_tiers");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.field(), "loyalty_tiers") << bad;
    }
  }
}

TEST(TierTest, UpgradesAtOnceAndDowngradesOnlyAtTheReview) {
  auto tiers = parse_loyalty_tiers("member:0:100:no; silver:100:125:no; gold:200:150:yes", "t");
  EXPECT_EQ(decide_tier(tiers, "member", "gold", false).tier, "gold");
  EXPECT_TRUE(decide_tier(tiers, "member", "gold", false).changed);
  EXPECT_EQ(decide_tier(tiers, "gold", "member", false).tier, "gold");
  EXPECT_FALSE(decide_tier(tiers, "gold", "member", false).changed);
  EXPECT_EQ(decide_tier(tiers, "gold", "silver", true).tier, "silver");
  EXPECT_FALSE(decide_tier(tiers, "silver", "silver", true).changed);
  // A tier dropped from the table moves the member to the earned one at once.
  EXPECT_EQ(decide_tier(tiers, "diamond", "member", false).tier, "member");
}

TEST(EarnTest, RateMultipliersAndCap) {
  EarnRules r;
  r.points_per_100_minor = 1;
  r.multipliers = parse_earn_multipliers("category:4=200, product:17=300, category:9=0", "m");
  ASSERT_EQ(r.multipliers.size(), 3u);
  std::vector<EarnLine> lines = {
      {1, std::nullopt, 1999},  // 19 points
      {2, 4, 1000},             // category x2: 20
      {17, 4, 1000},            // product x3 wins over its category: 30
      {3, 9, 5000},             // category x0: 0
      {5, std::nullopt, -300},  // a negative line earns nothing
  };
  EarnResult e = compute_earned_points(lines, r);
  EXPECT_EQ(e.line_points, (std::vector<std::int64_t>{19, 20, 30, 0, 0}));
  EXPECT_EQ(e.points, 69);
  r.tier_multiplier_pct = 150;
  r.promotion_multiplier_pct = 200;
  e = compute_earned_points(lines, r);
  EXPECT_EQ(e.line_points, (std::vector<std::int64_t>{59, 60, 90, 0, 0}));
  r.cap_per_order = 100;
  e = compute_earned_points(lines, r);
  EXPECT_EQ(e.points, 100);
  EXPECT_EQ(std::accumulate(e.line_points.begin(), e.line_points.end(), std::int64_t{0}), 100);
  EXPECT_EQ(e.line_points[0], 59);
  EXPECT_EQ(e.line_points[1], 41);
  EXPECT_EQ(e.line_points[2], 0);
  // Large amounts do not overflow.
  EarnRules big;
  big.points_per_100_minor = 10000;
  big.tier_multiplier_pct = 10000;
  big.promotion_multiplier_pct = 10000;
  std::vector<EarnLine> one = {{1, std::nullopt, 9'007'199'254'740'991}};
  EXPECT_EQ(compute_earned_points(one, big).points, INT64_MAX);
}

TEST(EarnTest, RefusesMalformedMultipliers) {
  for (const char* bad :
       {"shelf:1=100", "category:x=100", "product:1=-5", "product=1:100", "category:0=100"}) {
    EXPECT_THROW(parse_earn_multipliers(bad, "m"), Error) << bad;
  }
  EXPECT_TRUE(parse_earn_multipliers("  ", "m").empty());
}

TEST(RedemptionTest, ValueAndProportionalAllocation) {
  EXPECT_EQ(redemption_value_minor(500, 100), 500);
  EXPECT_EQ(redemption_value_minor(99, 50), 49);
  std::vector<std::int64_t> w = {300, 100, 0, 600};
  auto parts = allocate_proportionally(101, w);
  EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}), 101);
  EXPECT_EQ(parts[2], 0);
  EXPECT_EQ(parts[3], 61);  // 60.6 gets the largest remainder
  std::mt19937_64 rng(3);
  for (int n = 0; n < 500; ++n) {
    std::vector<std::int64_t> ws(1 + rng() % 8);
    std::int64_t sum = 0;
    for (auto& x : ws) sum += (x = static_cast<std::int64_t>(rng() % 10000));
    const std::int64_t amount = sum == 0 ? 0 : static_cast<std::int64_t>(rng() % (sum + 1));
    auto p = allocate_proportionally(amount, ws);
    EXPECT_EQ(std::accumulate(p.begin(), p.end(), std::int64_t{0}), sum == 0 ? 0 : amount);
    for (std::size_t i = 0; i < ws.size(); ++i) EXPECT_LE(p[i], ws[i]);
  }
}

TEST(ExpiryTest, AddMonthsClampsTheDay) {
  const TimeMs jan31 = *parse_time("2026-01-31T10:00:00Z");
  EXPECT_EQ(format_time(add_months_utc(jan31, 1)), "2026-02-28T10:00:00.000Z");
  EXPECT_EQ(format_time(add_months_utc(jan31, 13)), "2027-02-28T10:00:00.000Z");
  EXPECT_EQ(format_time(add_months_utc(*parse_time("2027-03-31T00:00:00Z"), -1)),
            "2027-02-28T00:00:00.000Z");
  EXPECT_EQ(format_time(add_months_utc(*parse_time("2027-12-15T00:00:00Z"), 24)),
            "2029-12-15T00:00:00.000Z");
}

TEST(ExpiryTest, FirstInFirstOutMatchesASimulationOfLots) {
  // Random credits and debits; the closed form must equal consuming lots oldest first.
  std::mt19937_64 rng(11);
  for (int run = 0; run < 200; ++run) {
    std::vector<std::int64_t> lots;  // remaining points per lot, in earning order
    std::vector<std::int64_t> credits_through;
    std::int64_t credits = 0;
    std::int64_t debits = 0;
    for (int step = 0; step < 30; ++step) {
      const std::int64_t balance = credits - debits;
      if (rng() % 2 == 0 || balance == 0) {
        const std::int64_t p = 1 + static_cast<std::int64_t>(rng() % 100);
        lots.push_back(p);
        credits += p;
        credits_through.push_back(credits);
      } else {
        std::int64_t take = 1 + static_cast<std::int64_t>(rng() % balance);
        debits += take;
        for (auto& l : lots) {
          const std::int64_t t = std::min(l, take);
          l -= t;
          take -= t;
        }
      }
    }
    // Expire the first k lots: what is left of them is what the formula says.
    for (std::size_t k = 1; k <= lots.size(); ++k) {
      std::int64_t left = 0;
      for (std::size_t i = 0; i < k; ++i) left += lots[i];
      EXPECT_EQ(points_due_to_expire(credits_through[k - 1], debits), left);
    }
  }
}

}  // namespace
}  // namespace rapport
