#include "core/search_text.hpp"

#include <gtest/gtest.h>

namespace rapport {
namespace {

TEST(SearchText, LatinTextPassesUnchanged) {
  EXPECT_EQ(search_index_text("Return policy: 30 days"), "Return policy: 30 days");
}

TEST(SearchText, CjkRunsBecomeBigramsAndTheirLastCharacter) {
  EXPECT_EQ(search_index_text("退货政策"), " 退货 货政 政策 策 ");
  EXPECT_EQ(search_index_text("茶"), " 茶 ");
  // Latin next to CJK is split off; punctuation between runs stays a separator.
  EXPECT_EQ(search_index_text("iPhone手机，保修"), "iPhone 手机 机 ， 保修 修 ");
  // Kana counts as CJK; Hangul is written with spaces and passes unchanged.
  EXPECT_EQ(search_index_text("カード"), " カー ード ド ");
  EXPECT_EQ(search_index_text("환불 정책"), "환불 정책");
}

TEST(SearchText, QueriesAreQuotedTermsJoinedByAnd) {
  EXPECT_EQ(search_match_query("return policy"), "\"return\" AND \"policy\"");
  // A CJK run is the phrase of its bigrams; one character is a prefix query.
  EXPECT_EQ(search_match_query("退货政策"), "\"退货 货政 政策\"");
  EXPECT_EQ(search_match_query("退货"), "\"退货\"");
  EXPECT_EQ(search_match_query("茶"), "\"茶\"*");
  EXPECT_EQ(search_match_query("iPhone手机"), "\"iPhone\" AND \"手机\"");
  // Ideographic space separates too.
  EXPECT_EQ(search_match_query("会员\u3000积分"), "\"会员\" AND \"积分\"");
}

TEST(SearchText, QuerySyntaxIsTakenLiterally) {
  // FTS5 operators, column filters and quotes cannot escape the quoting.
  EXPECT_EQ(search_match_query("a\"b NOT title:x NEAR(y)"),
            "\"a\"\"b\" AND \"NOT\" AND \"title:x\" AND \"NEAR(y)\"");
  EXPECT_EQ(search_match_query("* - ! ，。"), "");
  EXPECT_EQ(search_match_query("   "), "");
}

TEST(SearchText, TermsAreAimedAtTheirColumns) {
  const SearchColumns cols{"{title body}", "chars"};
  EXPECT_EQ(search_match_query("tea 茶 绿茶", cols),
            "{title body} : \"tea\" AND chars : \"茶\" AND {title body} : \"绿茶\"");
  EXPECT_EQ(search_index_chars("iPhone绿茶，好"), "绿 茶 好");
  EXPECT_EQ(search_index_chars("no CJK"), "");
}

TEST(SearchText, EnglishFunctionWordsAreDroppedWhenOtherTermsRemain) {
  EXPECT_EQ(search_match_query("How to return an item"), "\"return\" AND \"item\"");
  EXPECT_EQ(search_match_query("the"), "\"the\"");
  EXPECT_EQ(search_match_query("to be or not"), "\"not\"");
}

TEST(SearchText, AtMostMaxTermsAreUsed) {
  EXPECT_EQ(search_match_query("x y z w", {}, 2), "\"x\" AND \"y\"");
}

}  // namespace
}  // namespace rapport
