#include "core/feedback_rules.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace rapport {
namespace {

TEST(FeedbackRules, StarsOutsideOneToFiveAreRefusedNamingTheField) {
  for (std::int64_t ok : {1, 2, 3, 4, 5}) EXPECT_NO_THROW(check_stars("rating", ok));
  for (std::int64_t bad : {0, 6, -1, 100}) {
    try {
      check_stars("rating", bad);
      FAIL() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.field(), "rating");
    }
  }
}

TEST(FeedbackRules, SurveyScoreRangesDependOnTheKind) {
  EXPECT_NO_THROW(check_survey_score("score", "nps", 0));
  EXPECT_NO_THROW(check_survey_score("score", "nps", 10));
  EXPECT_THROW(check_survey_score("score", "nps", 11), Error);
  EXPECT_THROW(check_survey_score("score", "nps", -1), Error);
  EXPECT_NO_THROW(check_survey_score("score", "csat", 1));
  EXPECT_NO_THROW(check_survey_score("score", "csat", 5));
  EXPECT_THROW(check_survey_score("score", "csat", 0), Error);
  EXPECT_THROW(check_survey_score("score", "csat", 6), Error);
  EXPECT_TRUE(is_survey_kind("nps"));
  EXPECT_FALSE(is_survey_kind("ces"));
}

TEST(FeedbackRules, NpsIsPromotersMinusDetractorsInPercent) {
  EXPECT_EQ(nps_category(6), NpsCategory::kDetractor);
  EXPECT_EQ(nps_category(7), NpsCategory::kPassive);
  EXPECT_EQ(nps_category(8), NpsCategory::kPassive);
  EXPECT_EQ(nps_category(9), NpsCategory::kPromoter);
  ScoreCounts c;
  c.by_score[10] = 5;  // promoters 6
  c.by_score[9] = 1;
  c.by_score[8] = 2;  // passives 2
  c.by_score[0] = 1;  // detractors 2
  c.by_score[6] = 1;
  const NpsFigures f = nps_figures(c);
  EXPECT_EQ(f.responses, 10);
  EXPECT_EQ(f.promoters, 6);
  EXPECT_EQ(f.passives, 2);
  EXPECT_EQ(f.detractors, 2);
  ASSERT_TRUE(f.nps);
  EXPECT_DOUBLE_EQ(*f.nps, 40.0);
  EXPECT_FALSE(nps_figures(ScoreCounts{}).nps);
}

TEST(FeedbackRules, CsatIsTheShareOfFoursAndFives) {
  ScoreCounts c;
  c.by_score[5] = 2;
  c.by_score[4] = 1;
  c.by_score[3] = 1;
  c.by_score[1] = 4;
  const CsatFigures f = csat_figures(c);
  EXPECT_EQ(f.responses, 8);
  EXPECT_EQ(f.satisfied, 3);
  EXPECT_DOUBLE_EQ(*f.csat, 37.5);
  EXPECT_DOUBLE_EQ(*f.mean, (10 + 4 + 3 + 4) / 8.0);
  EXPECT_FALSE(csat_figures(ScoreCounts{}).csat);
}

TEST(FeedbackRules, RatingSummaryFromTheDistribution) {
  const RatingSummary r = rating_summary({1, 0, 0, 2, 1});
  EXPECT_EQ(r.count, 4);
  EXPECT_EQ(r.sum, 1 + 8 + 5);
  EXPECT_DOUBLE_EQ(*r.mean, 3.5);
  EXPECT_FALSE(rating_summary({0, 0, 0, 0, 0}).mean);
}

}  // namespace
}  // namespace rapport
