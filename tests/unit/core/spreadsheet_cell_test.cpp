#include "core/spreadsheet_cell.hpp"

#include <gtest/gtest.h>

namespace rapport {
namespace {

TEST(SpreadsheetCell, NeutralisesFormulaStarts) {
  EXPECT_EQ(neutralize_formula("=1+1"), "'=1+1");
  EXPECT_EQ(neutralize_formula("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
  EXPECT_EQ(neutralize_formula("-2+3"), "'-2+3");
  EXPECT_EQ(neutralize_formula("@SUM(A1:A2)"), "'@SUM(A1:A2)");
  EXPECT_EQ(neutralize_formula("\t=1"), "'\t=1");
  EXPECT_EQ(neutralize_formula("\rhello"), "'\rhello");
  EXPECT_EQ(neutralize_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
}

TEST(SpreadsheetCell, LeadingBlanksAndControlsDoNotHideAFormula) {
  EXPECT_EQ(neutralize_formula("   =1+1"), "'   =1+1");
  EXPECT_EQ(neutralize_formula(std::string("\x01=1", 3)), std::string("'\x01=1", 4));
  EXPECT_EQ(neutralize_formula("\n@x"), "'\n@x");
  EXPECT_EQ(neutralize_formula("  -5"), "'  -5");  // not a plain number once blanks lead
}

TEST(SpreadsheetCell, LeavesTextAndPlainNumbersAlone) {
  EXPECT_EQ(neutralize_formula(""), "");
  EXPECT_EQ(neutralize_formula("王芳"), "王芳");
  EXPECT_EQ(neutralize_formula("a=b"), "a=b");
  EXPECT_EQ(neutralize_formula("jane@example.com"), "jane@example.com");
  EXPECT_EQ(neutralize_formula("+8613800138000"), "+8613800138000");
  EXPECT_EQ(neutralize_formula("-12.50"), "-12.50");
  EXPECT_EQ(neutralize_formula("   "), "   ");
  EXPECT_FALSE(is_formula_risk("Main St"));
  EXPECT_TRUE(is_formula_risk("-"));
  EXPECT_TRUE(is_formula_risk("+1-2"));
  EXPECT_TRUE(is_formula_risk("1.2.3") == false);
}

}  // namespace
}  // namespace rapport
