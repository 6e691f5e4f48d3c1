#include "core/customer.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "core/error.hpp"

namespace rapport::customer {
namespace {

std::string field_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.field();
  }
  return "(no error)";
}

TEST(CustomerDate, ParsesOnlyRealDates) {
  EXPECT_EQ(parse_date("2000-02-29"), (Date{2000, 2, 29}));
  EXPECT_FALSE(parse_date("1900-02-29"));  // not a leap year
  EXPECT_FALSE(parse_date("2001-13-01"));
  EXPECT_FALSE(parse_date("2001-1-01"));
  EXPECT_FALSE(parse_date("2001-01-01T00:00"));
  EXPECT_FALSE(parse_date("20010101"));
  EXPECT_FALSE(parse_date(""));
  EXPECT_EQ(format_date({987, 3, 4}), "0987-03-04");
  EXPECT_EQ(utc_date(0), (Date{1970, 1, 1}));
  EXPECT_EQ(utc_date(951782400000), (Date{2000, 2, 29}));
}

TEST(CustomerBirthDate, RefusesFutureAndAncientDates) {
  const Date today{2026, 11, 23};
  EXPECT_EQ(check_birth_date("birth_date", "1990-05-01", today), "1990-05-01");
  EXPECT_EQ(check_birth_date("birth_date", "2026-11-23", today), "2026-11-23");
  EXPECT_EQ(field_of([&] { check_birth_date("x.birth_date", "2026-11-24", today); }),
            "x.birth_date");
  EXPECT_EQ(field_of([&] { check_birth_date("birth_date", "1899-12-31", today); }), "birth_date");
  EXPECT_EQ(field_of([&] { check_birth_date("birth_date", "23/11/1990", today); }), "birth_date");
}

TEST(CustomerAge, BirthdaysAndLeapDays) {
  EXPECT_EQ(age_on({2000, 11, 23}, {2026, 11, 23}), 26);
  EXPECT_EQ(age_on({2000, 11, 24}, {2026, 11, 23}), 25);
  // A 29 February birthday counts on 1 March in common years.
  EXPECT_EQ(age_on({2004, 2, 29}, {2029, 2, 28}), 24);
  EXPECT_EQ(age_on({2004, 2, 29}, {2029, 3, 1}), 25);
  EXPECT_EQ(age_on({2004, 2, 29}, {2028, 2, 29}), 24);
}

TEST(CustomerAgeGroup, Boundaries) {
  EXPECT_EQ(age_group_of(0), "0-17");
  EXPECT_EQ(age_group_of(17), "0-17");
  EXPECT_EQ(age_group_of(18), "18-24");
  EXPECT_EQ(age_group_of(24), "18-24");
  EXPECT_EQ(age_group_of(25), "25-34");
  EXPECT_EQ(age_group_of(64), "55-64");
  EXPECT_EQ(age_group_of(65), "65+");
  EXPECT_EQ(age_group_of(120), "65+");
  EXPECT_EQ(age_group_of(-3), "0-17");
  const Date today{2026, 11, 23};
  EXPECT_EQ(age_group("2001-11-23", today), "25-34");  // 25 today
  EXPECT_EQ(age_group("2001-11-24", today), "18-24");  // 25 tomorrow
  EXPECT_FALSE(age_group("not a date", today));
}

// The SQL filter on an age group is a text range on birth_date: it must select exactly the birth
// dates whose age_group() is that group, on every day (leap days included).
TEST(CustomerAgeGroup, BirthDateRangeAgreesWithAgeGroupOnEveryDay) {
  for (const Date today : {Date{2026, 11, 23}, Date{2028, 2, 29}, Date{2029, 2, 28},
                           Date{2029, 3, 1}, Date{2025, 1, 1}, Date{2024, 12, 31}}) {
    for (auto group : age_groups()) {
      auto range = birth_date_range(group, today);
      ASSERT_TRUE(range);
      // Every birth date from 1940 to today.
      for (int y = 1940; y <= today.year; ++y) {
        for (unsigned m = 1; m <= 12; ++m) {
          for (unsigned d = 1; d <= 31; ++d) {
            Date b{y, m, d};
            if (!parse_date(format_date(b)) || b > today) continue;
            const std::string text = format_date(b);
            const bool in_range = text > range->first && text <= range->second;
            ASSERT_EQ(in_range, age_group(text, today) == group)
                << text << " on " << format_date(today) << " group " << group;
          }
        }
      }
    }
  }
  EXPECT_FALSE(birth_date_range("30-40", {2026, 1, 1}));
}

TEST(CustomerCountry, Iso3166Alpha2) {
  EXPECT_TRUE(is_country("CN"));
  EXPECT_TRUE(is_country("AD"));
  EXPECT_TRUE(is_country("ZW"));
  EXPECT_TRUE(is_country("GB"));
  EXPECT_FALSE(is_country("UK"));  // not the ISO code
  EXPECT_FALSE(is_country("XX"));
  EXPECT_FALSE(is_country("cn"));
  EXPECT_FALSE(is_country("CHN"));
  EXPECT_EQ(normalize_country("country", " fr "), "FR");
  EXPECT_EQ(field_of([] { normalize_country("customers[2].country", "EU"); }),
            "customers[2].country");
}

TEST(CustomerKinds, AllowLists) {
  EXPECT_TRUE(is_kind("person"));
  EXPECT_TRUE(is_kind("organisation"));
  EXPECT_FALSE(is_kind("organization"));
  EXPECT_TRUE(is_gender("female"));
  EXPECT_TRUE(is_gender("undisclosed"));
  EXPECT_FALSE(is_gender("F"));
}

TEST(CustomerTags, TrimmedDeduplicatedSortedBounded) {
  EXPECT_EQ(normalize_tags("tags", {" vip", "会员", "vip ", "b2b"}),
            (std::vector<std::string>{"b2b", "vip", "会员"}));
  EXPECT_EQ(field_of([] { normalize_tags("tags", {"ok", " "}); }), "tags[1]");
  EXPECT_EQ(field_of([] { normalize_tags("tags", {std::string(51, 'x')}); }), "tags[0]");
  EXPECT_EQ(field_of([] { normalize_tags("tags", {"a\tb"}); }), "tags[0]");
  std::vector<std::string> many;
  for (int i = 0; i < 51; ++i) many.push_back("t" + std::to_string(i));
  EXPECT_EQ(field_of([&] { normalize_tags("tags", many); }), "tags");
  many.resize(50);
  EXPECT_EQ(normalize_tags("tags", many).size(), 50u);
}

TEST(CustomerCustomFields, KeysValuesAndCount) {
  check_custom_fields("custom", {{"loyalty_card", "123"}, {"note.1", "two\nlines"}});
  EXPECT_EQ(field_of([] { check_custom_fields("custom", {{"bad key", "x"}}); }), "custom.bad key");
  EXPECT_EQ(field_of([] { check_custom_fields("custom", {{"", "x"}}); }), "custom.");
  EXPECT_EQ(field_of([] {
              check_custom_fields("custom", {{"k", std::string(1001, 'x')}});
            }),
            "custom.k");
  std::map<std::string, std::string> many;
  for (int i = 0; i < 51; ++i) many["k" + std::to_string(i)] = "v";
  EXPECT_EQ(field_of([&] { check_custom_fields("custom", many); }), "custom");
}

TEST(CustomerExternalIds, NormalisedAndUnique) {
  auto ids = normalize_external_ids("external_ids", {{" Shopify ", " 42 "}, {"pos", "A-1"}});
  EXPECT_EQ(ids[0], (ExternalId{"shopify", "42"}));
  EXPECT_EQ(field_of([] {
              normalize_external_ids("external_ids", {{"a b", "1"}});
            }),
            "external_ids[0].source");
  EXPECT_EQ(field_of([] {
              normalize_external_ids("external_ids", {{"pos", ""}});
            }),
            "external_ids[0].id");
  EXPECT_EQ(field_of([] {
              normalize_external_ids("external_ids", {{"pos", "1"}, {"POS", "1"}});
            }),
            "external_ids[1]");
}

}  // namespace
}  // namespace rapport::customer
